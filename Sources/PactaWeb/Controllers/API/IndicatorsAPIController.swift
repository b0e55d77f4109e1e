import Foundation
import Hummingbird
import HummingbirdAuth
import PactaApp
import PactaCore
import PactaStore

/// `/api/v1/agreements/{code}/indicators`: hard commitments measured per period, and their audit trail.
struct IndicatorsAPIController: Sendable {
    let services: AppServices

    func addRoutes(to group: RouterGroup<AppRequestContext>) {
        let read = group.group("agreements/:code/indicators").add(middleware: RequireRoleMiddleware(Role.everyone))
        read.get(use: self.measurements)
        read.get("requests", use: self.requests)
        group.group("agreements/:code/indicators").add(middleware: RequireRoleMiddleware(Role.editors)).put("manual", use: self.setManual)
    }

    /// Records the value of a `manual` commitment for a period, with its evidence.
    @Sendable func setManual(_ request: Request, context: AppRequestContext) async throws -> IndicatorsJSON {
        struct Body: Codable {
            var commitment: String
            var period: String
            var value: Double
            var evidence: String
        }
        let code = try context.parameters.require("code")
        let body = try await request.decodeJSON(as: Body.self, context: context)
        let period = try Self.period(body.period, today: self.services.today)
        try await self.services.store.manualValues.set(
            agreement: code,
            commitment: body.commitment,
            period: period,
            value: body.value,
            evidence: body.evidence,
            by: try context.actor,
            at: self.services.now(),
            today: self.services.today
        )
        return IndicatorsJSON(
            try await self.services.store.hardIndicators(
                agreement: code,
                period: period,
                at: self.services.now(),
                visibleTo: try context.actor,
                minimumAnswers: self.services.surveyMinimumAnswers
            )
        )
    }

    /// `?period=2026-10` (default: the current month), `?at=` an ISO 8601 evaluation instant
    /// (default: now), and `?format=csv` for one row per commitment.
    @Sendable func measurements(_ request: Request, context: AppRequestContext) async throws -> Response {
        let format = try Self.format(request)
        let report = try await self.report(request, context: context)
        if format == "csv" { return IndicatorExport.commitmentsDownload(report) }
        return try IndicatorsJSON(report).response(from: request, context: context)
    }

    /// `?format=`: json (the default) or csv.
    static func format(_ request: Request) throws -> String {
        let format = request.uri.queryParameters.get("format") ?? "json"
        guard format == "json" || format == "csv" else {
            throw APIError(.badRequest, code: "invalid_format", message: "format is json or csv, not '\(format)'.", field: "format")
        }
        return format
    }

    /// One row per request × time commitment; `?format=csv` for the spreadsheet.
    @Sendable func requests(_ request: Request, context: AppRequestContext) async throws -> Response {
        let format = try Self.format(request)
        let report = try await self.report(request, context: context)
        if format == "csv" {
            return IndicatorExport.download(report)
        }
        return try ItemList(items: report.lines.map(AuditLineJSON.init)).response(from: request, context: context)
    }

    private func report(_ request: Request, context: AppRequestContext) async throws -> HardIndicatorReport {
        let code = try context.parameters.require("code")
        let period = try Self.period(request.uri.queryParameters.get("period"), today: self.services.today)
        let evaluation = try Self.evaluation(request.uri.queryParameters.get("at"), now: self.services.now())
        return try await self.services.store.hardIndicators(
            agreement: code,
            period: period,
            at: evaluation,
            visibleTo: try context.actor,
            minimumAnswers: self.services.surveyMinimumAnswers
        )
    }

    /// The years reports look at: measuring business time over centuries would hold a core for seconds.
    static let reportedYears = 1970...2100

    /// The evaluation instant of `?at=`, now when absent.
    static func evaluation(_ text: String?, now: Date) throws -> Date {
        guard let text else { return now }
        guard let seconds = Timestamp.parse(text) else {
            throw APIError(.badRequest, code: "invalid_timestamp", message: "at must be an ISO 8601 instant with offset.", field: "at")
        }
        let instant = Date(timeIntervalSince1970: TimeInterval(seconds))
        guard Timestamp.year(of: text).map(Self.reportedYears.contains) == true else {
            throw APIError(
                .badRequest,
                code: "out_of_range",
                message: "at lies between the years \(Self.reportedYears.lowerBound) and \(Self.reportedYears.upperBound).",
                field: "at"
            )
        }
        return instant
    }

    static func period(_ text: String?, today: LocalDate) throws -> Period {
        guard let text, !text.isEmpty else { return Period.containing(today, cadence: .monthly) }
        guard let period = Period(text) else {
            throw APIError(.badRequest, code: "invalid_period", message: "'\(text)' is not a period like 2026-10 or 2026-Q4.", field: "period")
        }
        guard Self.reportedYears.contains(period.first.year) else {
            throw APIError(
                .badRequest,
                code: "out_of_range",
                message: "A period lies between the years \(Self.reportedYears.lowerBound) and \(Self.reportedYears.upperBound).",
                field: "period"
            )
        }
        return period
    }
}

/// The measurements of a period as the API returns them.
struct IndicatorsJSON: ResponseEncodable, Sendable {
    struct Measurement: Codable, Sendable {
        var commitment: String
        var metric: Metric
        var requests: Int
        var met: Int
        var missed: Int
        var pending: Int
        @Nullable var value: Double?
        var status: CommitmentStatus
    }
    var agreement: String
    var period: Period
    var evaluatedAt: String
    var measurements: [Measurement]
    /// Soft commitments: from the survey of the period; `value` is null below k answers or without a campaign.
    struct SoftMeasurement: Codable, Sendable {
        var commitment: String
        var metric: Metric
        var responses: Int
        @Nullable var value: Double?
        var status: CommitmentStatus
    }
    var soft: [SoftMeasurement]

    init(_ report: HardIndicatorReport) {
        self.agreement = report.agreement
        self.period = report.period
        self.evaluatedAt = Timestamp.format(report.evaluatedAt)
        self.measurements = report.measurements.map {
            Measurement(
                commitment: $0.commitment,
                metric: $0.metric,
                requests: $0.requests,
                met: $0.met,
                missed: $0.missed,
                pending: $0.pending,
                value: $0.value,
                status: $0.status
            )
        }
        self.soft = report.soft.map {
            SoftMeasurement(commitment: $0.commitment, metric: $0.metric, responses: $0.responses, value: $0.value, status: $0.status)
        }
    }
}

extension IndicatorExport {
    /// The request rows as a CSV file to download, named after the agreement and the period.
    static func download(_ report: HardIndicatorReport) -> Response {
        Response.csvAttachment(Self.requestsCSV(report), named: "\(report.agreement)-\(report.period).csv")
    }

    /// The commitment rows, hard and soft, as a CSV file to download.
    static func commitmentsDownload(_ report: HardIndicatorReport) -> Response {
        Response.csvAttachment(Self.commitmentsCSV(report), named: "\(report.agreement)-\(report.period)-commitments.csv")
    }
}

extension Response {
    /// CSV text as a file to download named `name`.
    static func csvAttachment(_ csv: String, named name: String) -> Response {
        var response = Response.text(csv, contentType: "text/csv; charset=utf-8")
        response.headers[.contentDisposition] = "attachment; filename=\"\(name)\""
        return response
    }
}
