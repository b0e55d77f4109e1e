import Foundation
import Hummingbird
import HummingbirdAuth
import PactaCore
import PactaStore

/// `/api/v1/requests`: ticket tools push requests as JSON (one object or an array) or as CSV.
struct RequestsAPIController: Sendable {
    let services: AppServices
    /// Largest JSON body; CSV bodies are streamed and have no limit.
    static let maximumJSONSize = 64 * 1024 * 1024

    func addRoutes(to group: RouterGroup<AppRequestContext>) {
        group.group("requests").add(middleware: RequireRoleMiddleware(Role.editors)).post(use: self.create)
        group.group("requests").add(middleware: RequireRoleMiddleware(Role.everyone)).get(":provider/:ref", use: self.show)
    }

    /// One request, its agreement and what it counts as for each time commitment, now or `?at=`.
    @Sendable func show(_ request: Request, context: AppRequestContext) async throws -> RequestDetailJSON {
        let (provider, ref) = try context.requestKey()
        let evaluation = try IndicatorsAPIController.evaluation(request.uri.queryParameters.get("at"), now: self.services.now())
        guard let detail = try await self.services.store.requestDetail(provider: provider, externalRef: ref, at: evaluation) else {
            throw NotFoundError("request", "\(provider)/\(ref)")
        }
        return RequestDetailJSON(detail)
    }

    /// All or nothing unless `?skip_invalid=true`; 200 with the report when written, 422 when not
    /// (403 when a row is another unit's).
    @Sendable func create(_ request: Request, context: AppRequestContext) async throws -> EditedResponse<ImportReport> {
        let skipInvalid = try request.flag("skip_invalid")
        let contentType = (request.headers[.contentType] ?? "").lowercased()
        let store = self.services.store
        let report: ImportReport
        if contentType.hasPrefix("text/csv") {
            report = try await store.requests.importCSV(
                request.body,
                skipInvalid: skipInvalid,
                by: try context.actor,
                at: self.services.now(),
                timeZone: self.services.timeZone
            )
        } else {
            let body = try await request.body(upTo: Self.maximumJSONSize)
            let rows: [RawServiceRequest] =
                if body.readableBytesView.first(where: { !$0.isWhitespace }) == UInt8(ascii: "[") {
                    try StrictJSON.decode([RawServiceRequest].self, from: body)
                } else {
                    [try StrictJSON.decode(RawServiceRequest.self, from: body)]
                }
            report = try await store.requests.importRows(
                rows,
                skipInvalid: skipInvalid,
                by: try context.actor,
                at: self.services.now(),
                timeZone: self.services.timeZone
            )
        }
        return EditedResponse(status: report.status, response: report)
    }
}

/// A request as the API returns it, with its evaluation per time commitment.
struct RequestDetailJSON: ResponseEncodable, Sendable {
    struct Pause: Codable, Sendable {
        var start: String
        var end: String
    }
    struct Evaluation: Codable, Sendable {
        var commitment: String
        var metric: Metric
        var targetSeconds: Int64
        var businessSeconds: Int64
        var outcome: Outcome
        @Nullable var dueAt: String?
    }
    var externalRef: String
    var provider: String
    var client: String
    var service: String
    var priority: String
    var openedAt: String
    @Nullable var firstResponseAt: String?
    @Nullable var resolvedAt: String?
    var pauses: [Pause]
    @Nullable var agreement: String?
    var evaluatedAt: String
    var commitments: [Evaluation]

    init(_ detail: RequestDetail) {
        let request = detail.request
        self.externalRef = request.externalRef
        self.provider = request.provider
        self.client = request.client
        self.service = request.service
        self.priority = request.priority
        self.openedAt = Timestamp.format(request.openedAt)
        self.firstResponseAt = request.firstResponseAt.map(Timestamp.format)
        self.resolvedAt = request.resolvedAt.map(Timestamp.format)
        self.pauses = request.pauses.map { Pause(start: Timestamp.format($0.start), end: Timestamp.format($0.end)) }
        self.agreement = detail.agreement
        self.evaluatedAt = Timestamp.format(detail.evaluatedAt)
        self.commitments = detail.evaluations.map {
            Evaluation(
                commitment: $0.commitment.key,
                metric: $0.commitment.metric,
                targetSeconds: $0.commitment.targetSeconds,
                businessSeconds: $0.businessSeconds,
                outcome: $0.outcome,
                dueAt: $0.dueAt.map(Timestamp.format)
            )
        }
    }
}

extension UInt8 {
    fileprivate var isWhitespace: Bool { self == 0x20 || self == 0x0A || self == 0x0D || self == 0x09 }
}
