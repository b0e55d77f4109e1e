import Foundation
import Hummingbird
import HummingbirdAuth
import PactaCore
import PactaStore

/// `/api/v1/survey-answers`: an answer sent by a system on a rater's behalf, with the token of
/// their invitation's link. The token is the key: no API token is needed, and the same rules as
/// the form apply (one answer per invitation, only while the campaign is open). Answers collected
/// elsewhere are imported as CSV by the campaign's managers.
struct SurveysAPIController: Sendable {
    let services: AppServices

    func addRoutes(to group: RouterGroup<AppRequestContext>) {
        group.post("survey-answers", use: self.answer)
        group.group("survey-answers").add(middleware: RequireRoleMiddleware(Role.editors)).post("import", use: self.importCSV)
    }

    /// Takes the CSV as the body (`text/csv`); `?skip_invalid=true` imports the good rows.
    @Sendable func importCSV(_ request: Request, context: AppRequestContext) async throws -> EditedResponse<ImportReport> {
        let body = try await request.body(upTo: FormData.maximumSize)
        let report = try await self.services.store.campaigns.importAnswers(
            bytes: Array(body.readableBytesView),
            skipInvalid: try request.flag("skip_invalid"),
            by: try context.actor,
            today: self.services.today
        )
        return EditedResponse(status: report.status, response: report)
    }

    struct Body: Codable {
        var token: String
        var ratings: [String: Int]?
        var recommend: Int
        var comment: String?
    }

    struct Accepted: ResponseEncodable {
        var status = "recorded"
        var campaign: String
        var agreement: String
    }

    @Sendable func answer(_ request: Request, context: AppRequestContext) async throws -> EditedResponse<Accepted> {
        let body = try await request.decodeJSON(as: Body.self, context: context)
        let form = try await self.services.store.campaigns.answer(
            token: body.token,
            SurveyAnswer(ratings: body.ratings ?? [:], recommend: body.recommend, comment: body.comment ?? ""),
            today: self.services.today
        )
        return EditedResponse(status: .created, response: Accepted(campaign: form.campaign, agreement: form.agreement))
    }
}
