import Foundation
import Hummingbird
import HummingbirdAuth
import PactaApp
import PactaCore
import PactaStore

/// `/api/v1/campaigns`: perception-survey campaigns for systems: list, read with results
/// (JSON or CSV, groups below k hidden as on the page), create a draft, open and close.
struct CampaignsAPIController: Sendable {
    let services: AppServices

    func addRoutes(to group: RouterGroup<AppRequestContext>) {
        let read = group.group("campaigns").add(middleware: RequireRoleMiddleware(Role.everyone))
        read.get(use: self.list)
        read.get(":code", use: self.show)
        let run = group.group("campaigns").add(middleware: RequireRoleMiddleware(Role.editors))
        run.post(use: self.create)
        run.post(":code/open", use: self.open)
        run.post(":code/close", use: self.close)
    }

    /// A draft as the API takes it; what is left out takes the form's defaults.
    struct Draft: Codable {
        var code: String
        var title: String
        var period: Period
        var unit: String
        var opensOn: LocalDate
        var closesOn: LocalDate
        var reminderDays: Int?
        var questionnaire: Questionnaire?
        var agreements: [String]?
        var guests: [Campaign.Guest]?
    }

    @Sendable func list(_ request: Request, context: AppRequestContext) async throws -> ItemList<CampaignJSON> {
        let today = self.services.today
        return ItemList(items: try await self.services.store.campaigns.list(visibleTo: try context.actor).map { CampaignJSON($0, today: today) })
    }

    /// The campaign and its results; `?format=csv` for one row per group.
    @Sendable func show(_ request: Request, context: AppRequestContext) async throws -> Response {
        let code = try context.parameters.require("code")
        let format = try IndicatorsAPIController.format(request)
        guard
            let results = try await self.services.store.campaigns.results(
                code,
                visibleTo: try context.actor,
                k: self.services.surveyMinimumAnswers
            )
        else { throw NotFoundError("campaign", code) }
        if format == "csv" { return Response.csvAttachment(CampaignExport.resultsCSV(results), named: "\(code)-results.csv") }
        let trend = try await self.services.store.campaigns.trend(of: results)
        return try CampaignResultsJSON(results, trend: trend, today: self.services.today).response(from: request, context: context)
    }

    @Sendable func create(_ request: Request, context: AppRequestContext) async throws -> EditedResponse<CampaignJSON> {
        let body = try await request.decodeJSON(as: Draft.self, context: context)
        let draft = CampaignDraft(
            code: body.code,
            title: body.title,
            period: body.period,
            unit: body.unit,
            questionnaire: body.questionnaire ?? .standard,
            opensOn: body.opensOn,
            closesOn: body.closesOn,
            reminderDays: body.reminderDays ?? 7,
            agreements: body.agreements,
            guests: body.guests ?? []
        )
        let campaign = try await self.services.store.campaigns.create(draft, by: try context.actor, at: self.services.now())
        return EditedResponse(
            status: .created,
            headers: [.location: "/api/v1/campaigns/\(campaign.code)"],
            response: CampaignJSON(campaign, today: self.services.today)
        )
    }

    /// Opens a draft and invites its raters; answers with the campaign and how many were invited.
    @Sendable func open(_ request: Request, context: AppRequestContext) async throws -> Changed {
        let code = try context.parameters.require("code")
        let invitations = try await self.services.store.campaigns.open(code, by: try context.actor, at: self.services.now())
        return try await self.changed(code, invitations: invitations)
    }

    @Sendable func close(_ request: Request, context: AppRequestContext) async throws -> Changed {
        let code = try context.parameters.require("code")
        try await self.services.store.campaigns.close(code, by: try context.actor, at: self.services.now())
        return try await self.changed(code, invitations: nil)
    }

    struct Changed: ResponseEncodable {
        var campaign: CampaignJSON
        @Nullable var invitations: Int?
    }

    private func changed(_ code: String, invitations: Int?) async throws -> Changed {
        guard let campaign = try await self.services.store.campaigns.get(code) else { throw NotFoundError("campaign", code) }
        return Changed(campaign: CampaignJSON(campaign, today: self.services.today), invitations: invitations)
    }
}

extension CampaignJSON: ResponseEncodable {}
extension CampaignResultsJSON: ResponseEncodable {}
