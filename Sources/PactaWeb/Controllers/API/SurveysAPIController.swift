import Foundation
import Hummingbird
import HummingbirdAuth
import PactaCore
import PactaStore

/// `/api/v1/survey-answers`: an answer sent by a system on a rater's behalf, with the token of
/// their invitation's link. The token is the key: no API token is needed, and the same rules as
/// the form apply (one answer per invitation, only while the campaign is open).
struct SurveysAPIController: Sendable {
    let services: AppServices

    func addRoutes(to group: RouterGroup<AppRequestContext>) {
        group.post("survey-answers", use: self.answer)
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
