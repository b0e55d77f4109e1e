import Foundation
import Hummingbird
import HummingbirdAuth
import PactaApp
import PactaCore
import PactaStore

/// `/dashboard`: management's compliance report for a period (the landing page of viewers), and
/// the same figures as CSV and JSON.
struct DashboardWebController: Sendable {
    let services: AppServices
    /// Periods the trend shows, the one chosen last.
    static let trendLength = 12
    /// Years the trend shows when a year is chosen.
    static let yearsInTrend = 5

    func addRoutes(to group: RouterGroup<AppRequestContext>) {
        let read = group.group().add(middleware: RequireRoleMiddleware(Role.everyone))
        read.get("dashboard", use: self.show)
        read.get("dashboard.csv", use: self.csv)
        read.get("dashboard.json", use: self.json)
    }

    @Sendable func show(_ request: Request, context: AppRequestContext) async throws -> HTML {
        let period = try self.period(request)
        let actor = try context.actor
        let overviews = try await self.services.compliance(
            ending: period,
            count: period.isYear ? Self.yearsInTrend : Self.trendLength,
            for: actor
        )
        let overview = overviews.last!.1
        let trend = overviews.map { ($0.0, $0.1.organisation) }
        let alongside = try await Alongside.build(self.services.store, overviews: overviews, minimumAnswers: self.services.npsMinimumAnswers)
        var page = DashboardPage(
            overview,
            trend: trend,
            provider: request.uri.queryParameters.get("provider"),
            client: request.uri.queryParameters.get("client"),
            today: self.services.today,
            evaluatedAt: overview.agreements.first?.evaluatedAt ?? self.services.now(),
            timeZone: self.services.timeZone,
            thresholds: self.services.complianceThresholds,
            messages: self.services.renderer.messages(context.language)
        )
        page.alongside = AlongsideSection(
            alongside,
            selected: request.uri.queryParameters.get("provider"),
            query: "period=\(period)",
            transactionNames: try await self.services.store.nps.transactionNames(),
            messages: self.services.renderer.messages(context.language)
        )
        return self.services.renderer.render(page, titleKey: "dashboard.title", section: "dashboard", request: request, context: context)
    }

    /// `?by=provider|client|agreement`.
    @Sendable func csv(_ request: Request, context: AppRequestContext) async throws -> Response {
        let period = try self.period(request)
        let by = try ComplianceAPIController.rows(request)
        let overview = try await self.services.compliance(over: period, for: try context.actor)
        return Response.csvAttachment(ComplianceExport.csv(overview, by: by), named: "compliance-\(period)-\(by.rawValue).csv")
    }

    @Sendable func json(_ request: Request, context: AppRequestContext) async throws -> Response {
        let period = try self.period(request)
        let overview = try await self.services.compliance(over: period, for: try context.actor)
        var response = try ComplianceOverviewJSON(overview, thresholds: self.services.complianceThresholds).response(from: request, context: context)
        response.headers[.contentDisposition] = "attachment; filename=\"compliance-\(period).json\""
        return response
    }

    /// `?period=` (a month, a quarter or a year); by default the current quarter, which holds
    /// the months of monthly agreements too.
    private func period(_ request: Request) throws -> ReportSpan {
        guard let text = request.uri.queryParameters.get("period"), !text.isEmpty else {
            return .period(Period.containing(self.services.today, cadence: .quarterly))
        }
        return try ComplianceAPIController.span(text)
    }
}
