import Foundation
import NIOCore
import PactaCore

/// How an import of NPS answers treats what it reads.
public struct NPSImportOptions: Sendable {
    /// Imports the good rows and reports the bad ones; without it one bad row rejects everything.
    public var skipInvalid: Bool
    public var unknown: UnknownCodes
    /// The organisation's zone: the day each answer counts in, and instants written without offset.
    public var timeZone: TimeZone
    /// When the answers are received: none may say it was given later.
    public var instant: Date

    public init(skipInvalid: Bool, unknown: UnknownCodes, timeZone: TimeZone, instant: Date) {
        self.skipInvalid = skipInvalid
        self.unknown = unknown
        self.timeZone = timeZone
        self.instant = instant
    }
}

extension NPSRepository {
    /// Imports answers from CSV arriving in chunks (`external_ref,answered_at,channel,touchpoint,transaction,score,comment`).
    public func importCSV<Chunks: AsyncSequence & Sendable>(_ chunks: Chunks, _ options: NPSImportOptions) async throws -> ImportReport
    where Chunks.Element == ByteBuffer {
        // The body is read once: a transaction rolled back by the database cannot run again.
        try await self.run(.once, options) { importer in
            try await CSVStream.read(
                chunks,
                required: RawNPSAnswer.requiredColumns,
                header: { await importer.ignore($0.ignored(reading: RawNPSAnswer.columns)) },
                records: { try await importer.add($1, header: $0) }
            )
        }
    }

    /// Imports answers from newline-delimited JSON arriving in chunks: one object per line, blank lines skipped.
    public func importNDJSON<Chunks: AsyncSequence & Sendable>(_ chunks: Chunks, _ options: NPSImportOptions) async throws -> ImportReport
    where Chunks.Element == ByteBuffer {
        try await self.run(.once, options) { importer in
            var rest: [UInt8] = []
            var line = 0
            for try await chunk in chunks {
                rest += chunk.readableBytesView
                var start = rest.startIndex
                var lines: [(Int, ArraySlice<UInt8>)] = []
                while let end = rest[start...].firstIndex(of: UInt8(ascii: "\n")) {
                    line += 1
                    lines.append((line, rest[start..<end]))
                    start = end + 1
                }
                if !lines.isEmpty { try await importer.add(json: lines) }
                rest.removeSubrange(..<start)
                if rest.count > NPSImporter.longestLine {
                    throw ImportAborted(problems: [
                        ImportProblem(line: line + 1, column: "", code: "line_too_long", message: "A line is longer than 64 KB: one answer per line.")
                    ])
                }
            }
            if !rest.isEmpty { try await importer.add(json: [(line + 1, rest[...])]) }
        }
    }

    /// Imports a JSON array of answers; problems name the item's position (1-based) as its line.
    public func importJSONArray(_ data: Data, _ options: NPSImportOptions) async throws -> ImportReport {
        guard let items = try? JSONSerialization.jsonObject(with: data) as? [Any] else {
            return ImportReport(problems: [
                ImportProblem(line: 1, column: "", code: "invalid_json", message: "The body is not a JSON array of answers.")
            ])
        }
        // Each item is read as one answer is, by the same rules.
        let lines = items.enumerated().map { index, item in
            (index + 1, ArraySlice((try? JSONSerialization.data(withJSONObject: item, options: [.fragmentsAllowed])).map(Array.init) ?? []))
        }
        return try await self.run(.default, options) { importer in
            try await importer.add(json: lines)
        }
    }

    private func run(
        _ transaction: TransactionOptions,
        _ options: NPSImportOptions,
        _ feed: @escaping @Sendable (NPSImporter) async throws -> Void
    ) async throws -> ImportReport {
        do {
            return try await self.db.transaction(transaction) { db in
                let importer = NPSImporter(writer: NPSAnswerWriter(db: db, unknown: options.unknown, timeZone: options.timeZone), options: options)
                try await feed(importer)
                try await importer.flush()
                let report = await importer.report
                if report.problemCount > 0 && !options.skipInvalid {
                    throw ImportAborted(problems: report.problems, problemCount: report.problemCount, ignoredColumns: report.ignoredColumns)
                }
                var written = report
                written.committed = true
                return written
            }
        } catch let aborted as ImportAborted {
            var report = ImportReport(problems: aborted.problems, problemCount: aborted.problemCount ?? aborted.problems.count)
            report.ignoredColumns = aborted.ignoredColumns
            return report
        }
    }
}

/// Checks answers one by one inside an import's transaction and writes them in batches, each
/// `external_ref` once per batch (a reference sent again later in the file updates its answer).
actor NPSImporter {
    static let batchSize = 5000
    static let longestLine = 65_536

    let writer: NPSAnswerWriter
    let options: NPSImportOptions
    private var batch: [(answer: NPSAnswer, line: Int)] = []
    private var refs = Set<String>()
    private(set) var report = ImportReport()

    init(writer: NPSAnswerWriter, options: NPSImportOptions) {
        self.writer = writer
        self.options = options
    }

    func ignore(_ columns: [String]) {
        self.report.ignoredColumns = columns
    }

    func add(_ records: ArraySlice<CSVRecord>, header: CSVHeader) async throws {
        for record in records {
            if let problem = header.problem(with: record) {
                self.reject(line: record.line, [.init(column: problem.column, code: problem.code, message: problem.message)])
            } else {
                try await self.add(RawNPSAnswer(record, header: header), line: record.line)
            }
        }
    }

    func add(json lines: [(Int, ArraySlice<UInt8>)]) async throws {
        for (line, bytes) in lines {
            guard bytes.contains(where: { !($0 == 0x20 || $0 == 0x09 || $0 == 0x0D) }) else { continue }
            switch RawNPSAnswer.decode(json: Data(bytes)) {
            case .success(let raw): try await self.add(raw, line: line)
            case .failure(let list): self.reject(line: line, list.problems)
            }
        }
    }

    func add(_ raw: RawNPSAnswer, line: Int) async throws {
        switch raw.validated(receivedAt: Int64(self.options.instant.timeIntervalSince1970), localZone: self.options.timeZone) {
        case .failure(let list):
            self.reject(line: line, list.problems)
        case .success(let answer):
            if self.refs.contains(answer.externalRef) { try await self.flush() }
            self.refs.insert(answer.externalRef)
            self.batch.append((answer, line))
            if self.batch.count >= Self.batchSize { try await self.flush() }
        }
    }

    /// Writes the answers read so far.
    func flush() async throws {
        guard !self.batch.isEmpty else { return }
        let batch = self.batch
        self.batch = []
        self.refs.removeAll(keepingCapacity: true)
        let outcomes = try await self.writer.write(batch.map(\.answer), at: self.options.instant)
        for ((_, line), outcome) in zip(batch, outcomes) {
            switch outcome {
            case .created: self.report.created += 1
            case .updated: self.report.updated += 1
            case .unchanged: self.report.unchanged += 1
            case .refused(let problem): self.reject(line: line, [problem])
            }
        }
    }

    private func reject(line: Int, _ problems: [RawServiceRequest.ProblemList.Problem]) {
        self.report.skipped += 1
        self.report.problemCount += problems.count
        for problem in problems where self.report.problems.count < RequestRepository.listedProblems {
            self.report.problems.append(ImportProblem(line: line, column: problem.column, code: problem.code, message: problem.message))
        }
    }
}
