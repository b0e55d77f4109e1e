import Foundation
import NIOCore
import PactaCore

/// Service requests: streaming, all-or-nothing imports, idempotent by (provider, external_ref).
///
/// An import parses and checks rows as they arrive and writes the good ones in batches while
/// the next batch is parsed, all inside one transaction. A batch of new requests goes straight
/// into `requests` (COPY on PostgreSQL, multi-row inserts on SQLite); once a batch meets a
/// request stored before, that batch and the rest go through a staging table and an upsert.
/// A bad row without `skipInvalid` means the transaction is rolled back and the rest of the
/// input is only checked. Memory stays at one batch whatever the input size.
public struct RequestRepository: Sendable {
    let database: any Database

    /// How many problems a report lists; the count covers them all.
    public static let listedProblems = 1000
    /// Rows written at a time: large enough for COPY to pay, small enough to keep memory flat.
    public var batchSize = 20_000

    /// Imports requests from CSV arriving in chunks. Each row's provider must be within the
    /// actor's reach: a manager imports, sends again and changes only their own unit's requests.
    /// - Parameter timeZone: the organisation's zone, in which agreements' validity dates are read.
    public func importCSV<Chunks: AsyncSequence & Sendable>(
        _ chunks: Chunks,
        skipInvalid: Bool,
        by actor: Actor,
        at instant: Date,
        timeZone: TimeZone
    ) async throws -> ImportReport where Chunks.Element == ByteBuffer {
        // The body is read once: a transaction rolled back by the database cannot run again.
        try await self.run(.once, skipInvalid: skipInvalid, by: actor, at: instant, timeZone: timeZone) { importer in
            var parser = CSVParser()
            var header: CSVHeader?
            var records: [CSVRecord] = []
            func take(_ record: CSVRecord) {
                records.append(record)
            }
            // Hands over the records parsed so far in one call, the header first read from them.
            func deliver() async throws {
                var rest = records[...]
                if header == nil, let first = rest.popFirst() {
                    if let problem = first.problem {
                        throw ImportAborted(problems: [ImportProblem(line: first.line, column: "", code: first.problemCode, message: problem)])
                    }
                    do {
                        header = try CSVHeader(first, required: RawServiceRequest.requiredColumns)
                    } catch {
                        throw ImportAborted(problems: error.problems)
                    }
                }
                if let header, !rest.isEmpty { try await importer.add(rest, header: header) }
                records.removeAll(keepingCapacity: true)
            }
            for try await chunk in chunks {
                parser.consume(chunk.readableBytesView, take)
                try await deliver()
            }
            parser.finish(take)
            try await deliver()
            if header == nil {
                throw ImportAborted(problems: [
                    ImportProblem(line: 1, column: "", code: "missing_column", message: "The file is empty: it needs a header row.")
                ])
            }
        }
    }

    /// Imports requests given as JSON objects; problems name the item's position (1-based) as its line.
    public func importRows(
        _ rows: [RawServiceRequest],
        skipInvalid: Bool,
        by actor: Actor,
        at instant: Date,
        timeZone: TimeZone
    ) async throws -> ImportReport {
        try await self.run(.default, skipInvalid: skipInvalid, by: actor, at: instant, timeZone: timeZone) { importer in
            for (index, row) in rows.enumerated() {
                try await importer.add(row, line: index + 1)
            }
        }
    }

    /// How many requests are stored, and how many match no agreement.
    public func counts() async throws -> (total: Int, unmatched: Int) {
        let row = try await self.database.first(
            "SELECT COUNT(*), COALESCE(SUM(CASE WHEN agreement_id IS NULL THEN 1 ELSE 0 END), 0) FROM requests"
        )!
        return (try row.decode(0), try row.decode(1))
    }

    /// The stored request of `provider` with `externalRef`, and the code of its agreement.
    public func get(provider: String, externalRef: String) async throws -> (request: ServiceRequest, agreement: String?)? {
        guard
            let row = try await self.database.first(
                """
                SELECT \(Self.selected), a.code
                FROM requests r JOIN units p ON p.id = r.provider_id JOIN units c ON c.id = r.client_id
                LEFT JOIN agreements a ON a.id = r.agreement_id
                WHERE p.code = \(provider) AND r.external_ref = \(externalRef)
                """
            )
        else { return nil }
        return (try Self.request(row), try row.decode(12, as: String?.self))
    }

    /// The requests matched to agreement `code` and opened in `[from, to)` (Unix seconds), oldest first.
    public func list(agreement code: String, openedFrom from: Int64, to: Int64) async throws -> [ServiceRequest] {
        try await self.database.query(
            """
            SELECT \(Self.selected)
            FROM requests r JOIN agreements a ON a.id = r.agreement_id
            JOIN units p ON p.id = r.provider_id JOIN units c ON c.id = r.client_id
            WHERE a.code = \(code) AND r.opened_at >= \(Self.date(from)) AND r.opened_at < \(Self.date(to))
            ORDER BY r.opened_at, r.external_ref
            """
        ).map(Self.request)
    }

    /// The most recent requests that match no agreement.
    public func unmatched(limit: Int) async throws -> [ServiceRequest] {
        try await self.database.query(
            """
            SELECT \(Self.selected)
            FROM requests r JOIN units p ON p.id = r.provider_id JOIN units c ON c.id = r.client_id
            WHERE r.agreement_id IS NULL ORDER BY r.opened_at DESC, r.external_ref LIMIT \(limit)
            """
        ).map(Self.request)
    }

    /// Requests of signed agreements in force (a revision pending signatures included) still waiting for a first response or a resolution, by agreement code.
    public func open() async throws -> [String: [ServiceRequest]] {
        let rows = try await self.database.query(
            """
            SELECT \(Self.selected), a.code
            FROM requests r JOIN agreements a ON a.id = r.agreement_id
            JOIN units p ON p.id = r.provider_id JOIN units c ON c.id = r.client_id
            WHERE a.signed_version IS NOT NULL AND a.state IN (\(AgreementState.active), \(AgreementState.pendingSignatures))
            AND (r.resolved_at IS NULL OR r.first_response_at IS NULL)
            ORDER BY r.opened_at
            """
        )
        var result: [String: [ServiceRequest]] = [:]
        for row in rows {
            result[try row.decode(12), default: []].append(try Self.request(row))
        }
        return result
    }

    /// What ``request(_:)`` reads, in order, from `requests r` joined to its units `p` and `c`.
    static let selected: SQL = """
        r.external_ref, p.code, c.code, r.service, r.priority, r.opened_at, r.first_response_at, r.resolved_at, r.pauses,
        r.measured_calendar, r.first_response_seconds, r.resolution_seconds
        """

    private static func date(_ seconds: Int64) -> Date { Date(timeIntervalSince1970: TimeInterval(seconds)) }

    static func request(_ row: DatabaseRow) throws -> ServiceRequest {
        ServiceRequest(
            externalRef: try row.decode(0),
            provider: try row.decode(1),
            client: try row.decode(2),
            service: try row.decode(3),
            priority: try row.decode(4),
            openedAt: Interval.seconds(try row.decode(5, as: Date.self)),
            firstResponseAt: try row.decode(6, as: Date?.self).map(Interval.seconds),
            resolvedAt: try row.decode(7, as: Date?.self).map(Interval.seconds),
            pauses: StoredPauses.decode(try row.decode(8)),
            measured: try row.decode(9, as: Int64?.self).map { calendar in
                MeasuredDurations(calendar: calendar, firstResponse: try row.decode(10), resolution: try row.decode(11))
            }
        )
    }

    // MARK: - The import pipeline

    private func run(
        _ options: TransactionOptions,
        skipInvalid: Bool,
        by actor: Actor,
        at instant: Date,
        timeZone: TimeZone,
        _ feed: @escaping @Sendable (RequestImporter) async throws -> Void
    ) async throws -> ImportReport {
        do {
            return try await self.database.transaction(options) { db in
                // One import at a time: two writing the same requests in different orders would deadlock.
                try await db.lock(.requestImport)
                var units: [String: Int64] = [:]
                for row in try await db.query("SELECT code, id FROM units") {
                    units[try row.decode(0)] = try row.decode(1)
                }
                let tree = try await UnitRepository.tree(in: db)
                let providers = actor.reachesEverything ? nil : Set(tree.subtree(of: actor.unit).compactMap { units[$0] })
                let agreements = try await AgreementMatcher(db)
                let importer = RequestImporter(
                    db: db,
                    batchSize: self.batchSize,
                    units: units,
                    providers: providers,
                    actor: actor,
                    agreements: agreements,
                    timeZone: timeZone,
                    skipInvalid: skipInvalid,
                    instant: instant
                )
                do {
                    try await feed(importer)
                    try await importer.flush()
                } catch {
                    // No statement may reach the connection once the transaction is rolled back.
                    await importer.abandon()
                    throw error
                }
                let report = await importer.report
                if report.problemCount > 0 && !skipInvalid {
                    throw ImportAborted(problems: report.problems, problemCount: report.problemCount)
                }
                if await importer.staging { try await db.execute("DROP TABLE request_staging") }
                return ImportReport(
                    created: report.created,
                    updated: report.updated,
                    unchanged: report.unchanged,
                    skipped: report.problemRows,
                    problems: report.problems,
                    committed: true,
                    problemCount: report.problemCount
                )
            }
        } catch let aborted as ImportAborted {
            return ImportReport(problems: aborted.problems, problemCount: aborted.problemCount ?? aborted.problems.count)
        }
    }

    /// The columns of `requests` an import writes, in the order batches hold them.
    static let columns = [
        "provider_id", "external_ref", "client_id", "service", "priority", "opened_at", "opened_on",
        "first_response_at", "resolved_at", "pauses", "agreement_id", "imported_at",
        "measured_calendar", "first_response_seconds", "resolution_seconds",
    ]

    /// What writing a batch did.
    struct Written: Sendable {
        var created = 0
        var updated = 0
        var unchanged = 0
        /// Whether the batch went through the staging table.
        var staged = false
    }

    /// Writes one batch whose keys are unique within it: straight into `requests` unless
    /// `staging` is set or the batch meets a stored request, through the staging table otherwise.
    static func write(_ rows: [[DatabaseValue]], in db: any DatabaseExecutor, staging: Bool) async throws -> Written {
        if !staging {
            // New requests, the usual case, go straight in; a stored one makes the insert fail,
            // and the savepoint takes the batch back for the upsert below.
            try await db.execute("SAVEPOINT request_batch")
            do {
                try await db.insert(into: "requests", columns: Self.columns, rows: rows)
                try await db.execute("RELEASE SAVEPOINT request_batch")
                return Written(created: rows.count)
            } catch DatabaseError.uniqueViolation {
                try await db.execute("ROLLBACK TO SAVEPOINT request_batch")
                try await db.execute("RELEASE SAVEPOINT request_batch")
                try await db.execute(SQL(stringLiteral: Self.stagingTable(db.dialect)))
            }
        }
        try await db.insert(into: "request_staging", columns: Self.columns, rows: rows)
        let (created, updated) = try await Self.upsertStaged(in: db)
        return Written(created: created, updated: updated, unchanged: rows.count - created - updated, staged: true)
    }

    private static func stagingTable(_ dialect: SQLDialect) -> String {
        let (id, instant) = dialect == .postgres ? ("BIGINT", "TIMESTAMPTZ") : ("INTEGER", "INTEGER")
        return """
            CREATE TEMP TABLE request_staging (
                provider_id \(id) NOT NULL, external_ref TEXT NOT NULL, client_id \(id) NOT NULL,
                service TEXT NOT NULL, priority TEXT NOT NULL, opened_at \(instant) NOT NULL, opened_on TEXT NOT NULL,
                first_response_at \(instant), resolved_at \(instant), pauses TEXT NOT NULL, agreement_id \(id),
                imported_at \(instant) NOT NULL, measured_calendar \(id), first_response_seconds \(id), resolution_seconds \(id)
            )
            """
    }

    /// Moves the staged batch into `requests` and empties the staging table.
    /// - Returns: how many requests were created and how many changed.
    private static func upsertStaged(in db: any DatabaseExecutor) async throws -> (created: Int, updated: Int) {
        switch db.dialect {
        case .postgres:
            // RETURNING lists inserted and changed rows; xmax is 0 on the inserted ones.
            let counts = try await db.first(
                "WITH upserted AS (" + Self.upsert(.postgres) + " RETURNING (xmax = 0) AS created) "
                    + "SELECT COUNT(*) FILTER (WHERE created), COUNT(*) FROM upserted"
            )!
            try await db.execute("TRUNCATE request_staging")
            let created = try counts.decode(0, as: Int.self)
            return (created, try counts.decode(1, as: Int.self) - created)
        case .sqlite:
            let created = try await db.first(
                """
                SELECT COUNT(*) FROM request_staging s WHERE NOT EXISTS
                    (SELECT 1 FROM requests r WHERE r.provider_id = s.provider_id AND r.external_ref = s.external_ref)
                """
            )!.decode(0, as: Int.self)
            try await db.execute(Self.upsert(.sqlite))
            // changes() counts the rows the upsert inserted or changed.
            let written = try await db.first("SELECT changes()")!.decode(0, as: Int.self)
            try await db.execute("DELETE FROM request_staging")
            return (created, written - created)
        }
    }

    /// The columns an upsert compares: a row equal to the stored one in all of them is left alone.
    private static let content = [
        "client_id", "service", "priority", "opened_at", "opened_on", "first_response_at", "resolved_at", "pauses",
        "agreement_id", "measured_calendar", "first_response_seconds", "resolution_seconds",
    ]

    /// `WHERE true` keeps SQLite from reading `ON CONFLICT` as part of the `SELECT`.
    private static func upsert(_ dialect: SQLDialect) -> SQL {
        let columns = Self.columns.joined(separator: ", ")
        let set = (Self.content + ["imported_at"]).map { "\($0) = excluded.\($0)" }.joined(separator: ", ")
        let stored = Self.content.map { "requests.\($0)" }.joined(separator: ", ")
        let sent = Self.content.map { "excluded.\($0)" }.joined(separator: ", ")
        let distinct = dialect == .postgres ? "IS DISTINCT FROM" : "IS NOT"
        return SQL(
            stringLiteral: """
                INSERT INTO requests (\(columns)) SELECT \(columns) FROM request_staging WHERE true
                ON CONFLICT (provider_id, external_ref) DO UPDATE SET \(set)
                WHERE (\(stored)) \(distinct) (\(sent))
                """
        )
    }
}

/// Ends an import early, or rolls it back, with the problems that stopped it.
struct ImportAborted: Error {
    var problems: [ImportProblem]
    var problemCount: Int?
}

/// Pauses as stored: `start-end;start-end` in Unix seconds.
enum StoredPauses {
    static func encode(_ pauses: [Interval]) -> String {
        pauses.map { "\($0.start)-\($0.end)" }.joined(separator: ";")
    }

    static func decode(_ text: String) -> [Interval] {
        text.split(separator: ";").compactMap { part in
            let ends = part.split(separator: "-", maxSplits: 1)
            guard ends.count == 2, let start = Int64(ends[0]), let end = Int64(ends[1]) else { return nil }
            return Interval(start: start, end: end)
        }
    }
}

/// Checks rows one by one inside the import's transaction and writes the good ones in batches.
actor RequestImporter {
    let db: any DatabaseExecutor
    let batchSize: Int
    let units: [String: Int64]
    /// Ids of the providers whose requests the actor may write; nil for every one.
    let providers: Set<Int64>?
    let actor: Actor
    let agreements: AgreementMatcher
    let timeZone: TimeZone
    /// Without it, the first bad row means nothing will be kept: later batches are only checked.
    let skipInvalid: Bool
    let instant: Date
    private var batch: [[DatabaseValue]] = []
    /// Where each key sits in `batch`: a key sent again replaces its earlier row.
    private var positions: [Key: Int] = [:]
    /// The batch being written while the next one is parsed: at most one, so memory stays flat.
    private var writing: Task<RequestRepository.Written, any Error>?
    /// Whether batches go through the staging table: since one met a stored request.
    private(set) var staging = false
    private(set) var report = Report()

    private struct Key: Hashable {
        var provider: Int64
        var externalRef: String
    }

    struct Report {
        var problems: [ImportProblem] = []
        var problemCount = 0
        var problemRows = 0
        /// Requests created, changed and sent again as they were; a key sent again in a later
        /// batch of the same import counts in two of them.
        var created = 0
        var updated = 0
        var unchanged = 0
    }

    init(
        db: any DatabaseExecutor,
        batchSize: Int,
        units: [String: Int64],
        providers: Set<Int64>?,
        actor: Actor,
        agreements: AgreementMatcher,
        timeZone: TimeZone,
        skipInvalid: Bool,
        instant: Date
    ) {
        self.db = db
        self.batchSize = batchSize
        self.units = units
        self.providers = providers
        self.actor = actor
        self.agreements = agreements
        self.skipInvalid = skipInvalid
        self.instant = instant
        self.timeZone = timeZone
        self.batch.reserveCapacity(self.batchSize)
    }

    func add(_ records: ArraySlice<CSVRecord>, header: CSVHeader) async throws {
        for record in records {
            if let problem = header.problem(with: record) {
                self.reject(
                    line: record.line,
                    [RawServiceRequest.ProblemList.Problem(column: problem.column, code: problem.code, message: problem.message)]
                )
            } else {
                try await self.add(RawServiceRequest(record, header: header), line: record.line)
            }
        }
    }

    func add(_ raw: RawServiceRequest, line: Int) async throws {
        switch raw.validated(knownUnit: { self.units[$0] != nil }) {
        case .failure(let list):
            self.reject(line: line, list.problems)
        case .success(let request):
            let provider = self.units[request.provider]!
            let client = self.units[request.client]!
            if let providers = self.providers, !providers.contains(provider) {
                self.reject(
                    line: line,
                    [
                        .init(
                            column: "provider",
                            code: "out_of_scope",
                            message:
                                "\(self.actor.username) imports only requests provided by \(self.actor.unit) or a unit below it, not by \(request.provider)."
                        )
                    ]
                )
                return
            }
            let openedOn = self.localDate(of: request.openedAt)
            let agreement = self.agreements.match(provider: provider, client: client, on: openedOn)
            let measured = agreement?.clock.flatMap(request.measuring(on:))
            let row: [DatabaseValue] = [
                .integer(provider),
                .text(request.externalRef),
                .integer(client),
                .text(request.service),
                .text(request.priority),
                .instant(Date(timeIntervalSince1970: TimeInterval(request.openedAt))),
                .text(openedOn.description),
                request.firstResponseAt.map { .instant(Date(timeIntervalSince1970: TimeInterval($0))) } ?? .null,
                request.resolvedAt.map { .instant(Date(timeIntervalSince1970: TimeInterval($0))) } ?? .null,
                .text(StoredPauses.encode(request.pauses)),
                agreement.map { .integer($0.id) } ?? .null,
                .instant(self.instant),
                measured.map { .integer($0.calendar) } ?? .null,
                measured?.firstResponse.map { .integer($0) } ?? .null,
                measured?.resolution.map { .integer($0) } ?? .null,
            ]
            let key = Key(provider: provider, externalRef: request.externalRef)
            if let earlier = self.positions[key] {
                self.batch[earlier] = row
            } else {
                self.positions[key] = self.batch.count
                self.batch.append(row)
            }
            if self.batch.count >= self.batchSize { try await self.send() }
        }
    }

    /// Starts writing the current batch once the previous one is written; parsing goes on meanwhile.
    private func send() async throws {
        try await self.finishWriting()
        let rows = self.batch
        self.batch = []
        self.batch.reserveCapacity(self.batchSize)
        self.positions.removeAll(keepingCapacity: true)
        // After a bad row an all-or-nothing import will be rolled back: check the rest, write nothing.
        guard self.skipInvalid || self.report.problemCount == 0 else { return }
        let db = self.db
        let staging = self.staging
        self.writing = Task { try await RequestRepository.write(rows, in: db, staging: staging) }
    }

    private func finishWriting() async throws {
        guard let writing = self.writing else { return }
        self.writing = nil
        let written = try await writing.value
        self.report.created += written.created
        self.report.updated += written.updated
        self.report.unchanged += written.unchanged
        self.staging = self.staging || written.staged
    }

    /// Waits for the batch being written, whatever becomes of it: the import is failing.
    func abandon() async {
        guard let writing = self.writing else { return }
        self.writing = nil
        _ = try? await writing.value
    }

    /// Writes whatever is left and waits until every batch is written.
    func flush() async throws {
        if !self.batch.isEmpty { try await self.send() }
        try await self.finishWriting()
    }

    /// UTC offsets by hour, so that a million rows ask the time zone a few thousand times.
    private var offsets: [Int64: Int64] = [:]

    private func localDate(of instant: Int64) -> LocalDate {
        let hour = instant >= 0 ? instant / 3600 : (instant - 3599) / 3600
        let offset: Int64
        if let known = self.offsets[hour] {
            offset = known
        } else {
            // Offsets change on the hour or half hour; the offset at the hour's end covers its last part.
            let start = Int64(self.timeZone.secondsFromGMT(for: Date(timeIntervalSince1970: TimeInterval(hour * 3600))))
            let end = Int64(self.timeZone.secondsFromGMT(for: Date(timeIntervalSince1970: TimeInterval(hour * 3600 + 3599))))
            guard start == end else { return LocalDate(Date(timeIntervalSince1970: TimeInterval(instant)), in: self.timeZone) }
            offset = start
            self.offsets[hour] = offset
        }
        let local = instant + offset
        return LocalDate(daysSinceEpoch: Int(local >= 0 ? local / 86_400 : (local - 86_399) / 86_400))
    }

    private func reject(line: Int, _ problems: [RawServiceRequest.ProblemList.Problem]) {
        self.report.problemRows += 1
        self.report.problemCount += problems.count
        for problem in problems where self.report.problems.count < RequestRepository.listedProblems {
            self.report.problems.append(ImportProblem(line: line, column: problem.column, code: problem.code, message: problem.message))
        }
    }
}
