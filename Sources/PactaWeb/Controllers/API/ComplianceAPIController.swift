import Foundation
import Hummingbird
import HummingbirdAuth
import PactaApp
import PactaCore
import PactaStore

/// `/api/v1/compliance` and `/api/v1/agreements/{code}/compliance`: SPEC "Agreement compliance"
/// for a period by agreement, provider and client, and an agreement's history; JSON or CSV.
struct ComplianceAPIController: Sendable {
    let services: AppServices

    func addRoutes(to group: RouterGroup<AppRequestContext>) {
        group.group("compliance").add(middleware: RequireRoleMiddleware(Role.everyone)).get(use: self.overview)
        group.group("agreements/:code/compliance").add(middleware: RequireRoleMiddleware(Role.everyone)).get(use: self.history)
    }

    /// `?period=` (default: the current month), `?format=csv` with `?by=provider|client|agreement`.
    @Sendable func overview(_ request: Request, context: AppRequestContext) async throws -> Response {
        let format = try IndicatorsAPIController.format(request)
        let by = try Self.rows(request)
        let text = request.uri.queryParameters.get("period") ?? ""
        let period = text.isEmpty ? .period(Period.containing(self.services.today, cadence: .monthly)) : try Self.span(text)
        let overview = try await self.services.compliance(over: period, for: try context.actor)
        if format == "csv" {
            return Response.csvAttachment(ComplianceExport.csv(overview, by: by), named: "compliance-\(period)-\(by.rawValue).csv")
        }
        return try ComplianceOverviewJSON(overview, thresholds: self.services.complianceThresholds).response(from: request, context: context)
    }

    /// The agreement's review periods, newest first (at most 12); `?format=csv`.
    @Sendable func history(_ request: Request, context: AppRequestContext) async throws -> Response {
        let code = try context.parameters.require("code")
        let format = try IndicatorsAPIController.format(request)
        let history = try await self.services.complianceHistory(of: code, for: try context.actor)
        if format == "csv" { return Response.csvAttachment(ComplianceExport.agreementsCSV(history), named: "\(code)-compliance.csv") }
        return try ItemList(items: history.map(AgreementComplianceJSON.init)).response(from: request, context: context)
    }

    /// A month, a quarter or a year of the years reports look at; 400 otherwise.
    static func span(_ text: String) throws -> ReportSpan {
        guard let span = ReportSpan(text) else {
            throw APIError(.badRequest, code: "invalid_period", message: "'\(text)' is not a period like 2026-10, 2026-Q4 or 2026.", field: "period")
        }
        guard IndicatorsAPIController.reportedYears.contains(span.first.year) else {
            throw APIError(
                .badRequest,
                code: "out_of_range",
                message:
                    "period lies between the years \(IndicatorsAPIController.reportedYears.lowerBound) and \(IndicatorsAPIController.reportedYears.upperBound).",
                field: "period"
            )
        }
        return span
    }

    /// `?by=`: provider (the default), client or agreement.
    static func rows(_ request: Request) throws -> ComplianceExport.Rows {
        let text = request.uri.queryParameters.get("by") ?? "provider"
        guard let rows = ComplianceExport.Rows(rawValue: text) else {
            throw APIError(.badRequest, code: "invalid_by", message: "by is provider, client or agreement, not '\(text)'.", field: "by")
        }
        return rows
    }
}

extension ComplianceOverviewJSON: ResponseEncodable {}
