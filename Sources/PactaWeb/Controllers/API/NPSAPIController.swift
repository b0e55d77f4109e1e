import Foundation
import Hummingbird
import HummingbirdAuth
import PactaApp
import PactaCore
import PactaStore

/// `/api/v1/nps-responses` takes customers' answers; `/api/v1/nps…` reads NPS as management does;
/// `/api/v1/nps/touchpoints` and `/transactions` are the registry.
struct NPSAPIController: Sendable {
    let services: AppServices

    func addRoutes(to group: RouterGroup<AppRequestContext>) {
        group.group("nps-responses").add(middleware: RequireRoleMiddleware(Role.editors)).post(use: self.create)
        let reading = group.group("nps").add(middleware: RequireRoleMiddleware(Role.everyone))
        reading.get(use: self.breakdown)
        reading.get("trend", use: self.trend)
        reading.get("comments", use: self.comments)
        reading.get("touchpoints", use: self.touchpoints)
        reading.get("transactions", use: self.transactions)
        reading.get("support", use: self.supportMap)
        reading.get("alongside", use: self.alongside)
        let registry = group.group("nps").add(middleware: RequireRoleMiddleware([.admin]))
        registry.post("touchpoints", use: self.importTouchpoints)
        registry.post("transactions", use: self.importTransactions)
        registry.post("support", use: self.replaceSupportMap)
    }

    /// One answer (a JSON object): 201 once committed, 200 when its `external_ref` was known
    /// (`updated` or `unchanged`), 422 naming the field at fault. An array, NDJSON
    /// (`application/x-ndjson`) or CSV (`text/csv`): an import, all or nothing unless
    /// `?skip_invalid=true`, with every bad row reported; streams are read as they arrive.
    @Sendable func create(_ request: Request, context: AppRequestContext) async throws -> Response {
        let contentType = (request.headers[.contentType] ?? "").lowercased()
        let options = NPSImportOptions(
            skipInvalid: try request.flag("skip_invalid"),
            unknown: self.services.npsIngest.unknown,
            timeZone: self.services.timeZone,
            instant: self.services.now()
        )
        let nps = self.services.store.nps
        let report: ImportReport
        if contentType.hasPrefix("text/csv") {
            report = try await nps.importCSV(request.body, options)
        } else if contentType.hasPrefix("application/x-ndjson") || contentType.hasPrefix("application/ndjson") {
            report = try await nps.importNDJSON(request.body, options)
        } else {
            let body = try await request.body(upTo: RequestsAPIController.maximumJSONSize)
            if body.readableBytesView.first(where: { !($0 == 0x20 || $0 == 0x0A || $0 == 0x0D || $0 == 0x09) }) == UInt8(ascii: "[") {
                report = try await nps.importJSONArray(Data(body.readableBytesView), options)
            } else {
                return try await self.answer(Data(body.readableBytesView), options: options, request: request, context: context)
            }
        }
        return try EditedResponse(status: report.status, response: report).response(from: request, context: context)
    }

    private func answer(_ data: Data, options: NPSImportOptions, request: Request, context: AppRequestContext) async throws -> Response {
        let raw: RawNPSAnswer
        switch RawNPSAnswer.decode(json: data) {
        case .success(let decoded): raw = decoded
        case .failure(let list): throw ValidationError(list.issues)
        }
        let answer: NPSAnswer
        switch raw.validated(receivedAt: Int64(options.instant.timeIntervalSince1970), localZone: options.timeZone) {
        case .success(let checked): answer = checked
        case .failure(let list): throw ValidationError(list.issues)
        }
        let (status, word): (HTTPResponse.Status, String) =
            switch try await self.services.npsIngest.submit(answer) {
            case .created: (.created, "created")
            case .updated: (.ok, "updated")
            case .unchanged: (.ok, "unchanged")
            case .refused(let problem): throw ValidationError([FieldIssue(field: problem.column, code: problem.code, message: problem.message)])
            }
        // What the answer became: `{"external_ref":…,"status":…}`, written straight (sorted keys,
        // as the response encoder writes them) rather than through it, thousands of times a second.
        let body = try CanonicalJSON.serialize(.object(["external_ref": .string(answer.externalRef), "status": .string(word)]))
        return Response(
            status: status,
            headers: [.contentType: "application/json; charset=utf-8"],
            body: .init(byteBuffer: ByteBuffer(bytes: body))
        )
    }

    /// `?period=` (a day, week, month or quarter; this month by default), `?channel=`,
    /// `?transaction=`, `?touchpoint=` narrow it.
    static func query(_ request: Request, services: AppServices) throws -> (NPSPeriod, NPSFilter) {
        let parameters = request.uri.queryParameters
        let period: NPSPeriod
        if let text = parameters.get("period") {
            guard let parsed = NPSPeriod(text) else {
                throw APIError(.badRequest, code: "invalid_period", message: "'\(text)' is not \(NPSPeriod.expectedForm).", field: "period")
            }
            period = parsed
        } else {
            period = NPSPeriod(containing: services.today, .month)
        }
        func code(_ name: String) throws -> String? {
            guard let value = parameters.get(name), !value.isEmpty else { return nil }
            guard Code.isValid(value) else { throw APIError(.badRequest, code: "invalid_code", message: "'\(value)' is not a code.", field: name) }
            return value
        }
        return (
            period, NPSFilter(channel: try code("channel")?.lowercased(), transaction: try code("transaction"), touchpoint: try code("touchpoint"))
        )
    }

    struct BreakdownJSON: ResponseEncodable {
        var period: String
        var by: String
        var minimumAnswers: Int
        var total: NPSFigure
        var previous: NPSFigure
        /// The 95 % margin of error of the change from `previous` to `total`.
        @Nullable var changeMargin: Double?
        var items: [NPSGroupRow]
        var fallers: [NPSFall]
    }

    /// NPS of a period, by channel (the default), transaction or touchpoint: `?by=`; `?format=csv`.
    @Sendable func breakdown(_ request: Request, context: AppRequestContext) async throws -> Response {
        let format = try IndicatorsAPIController.format(request)
        let (period, filter) = try Self.query(request, services: self.services)
        let by = request.uri.queryParameters.get("by") ?? "channel"
        guard let dimension = NPSDimension(rawValue: by) else {
            throw APIError(.badRequest, code: "invalid_dimension", message: "by is channel, transaction or touchpoint, not '\(by)'.", field: "by")
        }
        let dashboard = try await NPSDashboard.build(
            self.services.store,
            period: period,
            filter: filter,
            minimumAnswers: self.services.npsMinimumAnswers,
            namingEvery: dimension == .touchpoint
        )
        let rows: [NPSGroupRow] =
            switch dimension {
            case .channel: dashboard.channels
            case .transaction: dashboard.transactions
            case .touchpoint: dashboard.touchpoints
            }
        if format == "csv" {
            return Response.csvAttachment(NPSExport.csv(rows, dimension: dimension, period: period), named: "nps-\(dimension)-\(period).csv")
        }
        return try BreakdownJSON(
            period: period.description,
            by: dimension.rawValue,
            minimumAnswers: dashboard.minimumAnswers,
            total: dashboard.total,
            previous: dashboard.previous,
            changeMargin: dashboard.total.tally.changeMargin(from: dashboard.previous.tally),
            items: rows,
            fallers: dashboard.fallers
        ).response(from: request, context: context)
    }

    /// The twelve periods ending with `?period=`, of its length.
    @Sendable func trend(_ request: Request, context: AppRequestContext) async throws -> Response {
        let format = try IndicatorsAPIController.format(request)
        let (period, filter) = try Self.query(request, services: self.services)
        let trend = try await NPSDashboard.trend(
            self.services.store.nps,
            ending: period,
            filter: filter,
            minimumAnswers: self.services.npsMinimumAnswers
        )
        if format == "csv" { return Response.csvAttachment(NPSExport.csv(trend), named: "nps-trend-\(period).csv") }
        return try ItemList(items: trend).response(from: request, context: context)
    }

    struct CommentJSON: Codable, Sendable {
        var answeredAt: String
        var channel: String
        var touchpoint: String
        var transaction: String
        var score: Int
        var kind: String
        var comment: String
    }

    /// Comments of the period, newest first: `?kind=detractor|passive|promoter` (every kind by
    /// default), `?limit=` (100, at most 1000), `?offset=`.
    @Sendable func comments(_ request: Request, context: AppRequestContext) async throws -> Response {
        let format = try IndicatorsAPIController.format(request)
        let (period, filter) = try Self.query(request, services: self.services)
        let parameters = request.uri.queryParameters
        var kinds = Set(NPSKind.allCases)
        if let kind = parameters.get("kind"), !kind.isEmpty {
            guard let parsed = NPSKind(rawValue: kind) else {
                throw APIError(.badRequest, code: "invalid_kind", message: "kind is detractor, passive or promoter, not '\(kind)'.", field: "kind")
            }
            kinds = [parsed]
        }
        let limit = min(max(Int(parameters.get("limit") ?? "") ?? 100, 1), 1000)
        let offset = max(Int(parameters.get("offset") ?? "") ?? 0, 0)
        let comments = try await self.services.store.nps.comments(
            period,
            filter,
            kinds: kinds,
            timeZone: self.services.timeZone,
            limit: limit,
            offset: offset
        )
        if format == "csv" { return Response.csvAttachment(NPSExport.csv(comments), named: "nps-comments-\(period).csv") }
        return try ItemList(
            items: comments.map {
                CommentJSON(
                    answeredAt: Timestamp.format(Int64($0.answeredAt.timeIntervalSince1970)),
                    channel: $0.channel,
                    touchpoint: $0.touchpoint,
                    transaction: $0.transaction,
                    score: $0.score,
                    kind: NPSKind(score: $0.score).rawValue,
                    comment: $0.comment
                )
            }
        ).response(from: request, context: context)
    }

    struct TouchpointsJSON: ResponseEncodable {
        var total: Int
        var items: [Touchpoint]
    }

    /// The touchpoint registry: `?channel=`, `?q=` (code, name or region), `?unreviewed=true`, `?limit=` (100, at most 1000), `?offset=`.
    @Sendable func touchpoints(_ request: Request, context: AppRequestContext) async throws -> TouchpointsJSON {
        let parameters = request.uri.queryParameters
        let (touchpoints, total) = try await self.services.store.nps.touchpoints(
            channel: parameters.get("channel").flatMap { $0.isEmpty ? nil : $0.lowercased() },
            search: parameters.get("q"),
            unreviewed: try request.flag("unreviewed"),
            limit: min(max(Int(parameters.get("limit") ?? "") ?? 100, 1), 1000),
            offset: max(Int(parameters.get("offset") ?? "") ?? 0, 0)
        )
        return TouchpointsJSON(total: total, items: touchpoints)
    }

    @Sendable func transactions(_ request: Request, context: AppRequestContext) async throws -> ItemList<TransactionType> {
        ItemList(items: try await self.services.store.nps.transactions())
    }

    /// CSV `code,channel,name,region,active`; all or nothing unless `?skip_invalid=true`.
    @Sendable func importTouchpoints(_ request: Request, context: AppRequestContext) async throws -> EditedResponse<ImportReport> {
        let body = try await request.body(upTo: FormData.maximumSize)
        let report = try await self.services.store.nps.importTouchpoints(
            bytes: Array(body.readableBytesView),
            skipInvalid: try request.flag("skip_invalid"),
            at: self.services.now()
        )
        return EditedResponse(status: report.status, response: report)
    }

    /// CSV `code,name,active`; all or nothing unless `?skip_invalid=true`.
    @Sendable func importTransactions(_ request: Request, context: AppRequestContext) async throws -> EditedResponse<ImportReport> {
        let body = try await request.body(upTo: FormData.maximumSize)
        let report = try await self.services.store.nps.importTransactions(
            bytes: Array(body.readableBytesView),
            skipInvalid: try request.flag("skip_invalid"),
            at: self.services.now()
        )
        return EditedResponse(status: report.status, response: report)
    }
}

extension NPSAPIController {
    @Sendable func supportMap(_ request: Request, context: AppRequestContext) async throws -> ItemList<SupportLine> {
        ItemList(items: try await self.services.store.nps.supportMap())
    }

    /// CSV `unit,channel,transaction`, replacing the whole map; all or nothing unless `?skip_invalid=true`.
    @Sendable func replaceSupportMap(_ request: Request, context: AppRequestContext) async throws -> EditedResponse<ImportReport> {
        let body = try await request.body(upTo: FormData.maximumSize)
        let report = try await self.services.store.nps.replaceSupportMap(
            bytes: Array(body.readableBytesView),
            skipInvalid: try request.flag("skip_invalid")
        )
        return EditedResponse(status: report.status, response: report)
    }

    struct AlongsideJSON: Codable, Sendable {
        struct CorrelationJSON: Codable, Sendable {
            var coefficient: Double
            var n: Int
        }
        var unit: String
        var name: String
        var supports: [SupportLine]
        var points: [Alongside.Point]
        /// Null below six periods with both figures (SPEC), or for a flat series.
        @Nullable var correlation: CorrelationJSON?
        var pairedPeriods: Int
    }

    /// Each provider of the support map: its compliance and the NPS of what it supports over the
    /// twelve months or quarters ending with `?period=` (this quarter by default), and their correlation.
    @Sendable func alongside(_ request: Request, context: AppRequestContext) async throws -> ItemList<AlongsideJSON> {
        let text = request.uri.queryParameters.get("period") ?? ""
        let span: ReportSpan =
            text.isEmpty ? .period(Period.containing(self.services.today, cadence: .quarterly)) : try ComplianceAPIController.span(text)
        let overviews = try await self.services.compliance(ending: span, count: NPSDashboard.trendLength, for: try context.actor)
        let providers = try await Alongside.build(self.services.store, overviews: overviews, minimumAnswers: self.services.npsMinimumAnswers)
        return ItemList(
            items: providers.map {
                AlongsideJSON(
                    unit: $0.unit,
                    name: $0.name,
                    supports: $0.lines,
                    points: $0.points,
                    correlation: $0.correlation.flatMap { $0.isShown ? AlongsideJSON.CorrelationJSON(coefficient: $0.coefficient, n: $0.n) : nil },
                    pairedPeriods: $0.pairedPeriods
                )
            }
        )
    }
}

extension RawServiceRequest.ProblemList {
    /// The problems as the API's field issues.
    var issues: [FieldIssue] { self.problems.map { FieldIssue(field: $0.column, code: $0.code, message: $0.message) } }
}

extension NPSFigure: ResponseEncodable {}
extension Touchpoint: ResponseEncodable {}
extension TransactionType: ResponseEncodable {}
