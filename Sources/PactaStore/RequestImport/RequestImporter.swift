import Foundation
import PactaCore

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
    private var writing: Task<RequestBatchWriter.Written, any Error>?
    /// Whether batches go through the staging table: since one met a stored request.
    private(set) var staging = false
    private(set) var report = Report()
    /// Header columns not read.
    private(set) var ignoredColumns: [String] = []
    /// Where the requests this import creates or changes count, and counted before.
    private(set) var tallied = TalliedMonths()

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
        /// Requests taken that belong to an agreement, and that belong to none; a key sent
        /// again within a batch counts once, as its last row.
        var matched = 0
        var unmatched = 0
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
        self.days = LocalDayReader(zone: timeZone)
        self.batch.reserveCapacity(self.batchSize)
    }

    func ignore(_ columns: [String]) {
        self.ignoredColumns = columns
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
        switch raw.validated(knownUnit: { self.units[$0] != nil }, localZone: self.timeZone) {
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
            if agreement == nil { self.report.unmatched += 1 } else { self.report.matched += 1 }
            if let earlier = self.positions[key] {
                if case .null = self.batch[earlier][10] { self.report.unmatched -= 1 } else { self.report.matched -= 1 }
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
        self.writing = Task { try await RequestBatchWriter(db: db).write(rows, staging: staging) }
    }

    private func finishWriting() async throws {
        guard let writing = self.writing else { return }
        self.writing = nil
        let written = try await writing.value
        self.report.created += written.created
        self.report.updated += written.updated
        self.report.unchanged += written.unchanged
        self.tallied.formUnion(written.months)
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

    /// Local dates in the organisation's zone, so that a million rows ask the time zone a few thousand times.
    private var days: LocalDayReader

    private func localDate(of instant: Int64) -> LocalDate {
        self.days.day(of: instant)
    }

    private func reject(line: Int, _ problems: [RawServiceRequest.ProblemList.Problem]) {
        self.report.problemRows += 1
        self.report.problemCount += problems.count
        for problem in problems where self.report.problems.count < RequestRepository.listedProblems {
            self.report.problems.append(ImportProblem(line: line, column: problem.column, code: problem.code, message: problem.message))
        }
    }
}
