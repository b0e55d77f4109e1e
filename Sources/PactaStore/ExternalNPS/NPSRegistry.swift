import Foundation
import PactaCore

/// The registry of touchpoints and transaction types answers name.
extension NPSRepository {
    static let touchpointColumns: SQL = "code, channel, name, region, active, reviewed"

    /// Touchpoints by code, those of `channel` only, or whose code, name or region holds `search`.
    public func touchpoints(
        channel: String? = nil,
        search: String? = nil,
        unreviewed: Bool = false,
        limit: Int = 100,
        offset: Int = 0
    ) async throws
        -> (touchpoints: [Touchpoint], total: Int)
    {
        var filter: SQL = " WHERE 1 = 1"
        if let channel { filter += " AND channel = \(channel)" }
        if let search, !search.isEmpty {
            let pattern = "%" + search.lowercased().replacingOccurrences(of: "%", with: "").replacingOccurrences(of: "_", with: "") + "%"
            filter += " AND (LOWER(code) LIKE \(pattern) OR LOWER(name) LIKE \(pattern) OR LOWER(region) LIKE \(pattern))"
        }
        if unreviewed { filter += " AND reviewed = \(false)" }
        let total = try await self.db.count("SELECT COUNT(*) FROM nps_touchpoints" + filter, as: Int.self)
        let rows = try await self.db.query(
            "SELECT \(Self.touchpointColumns) FROM nps_touchpoints" + filter + " ORDER BY code LIMIT \(limit) OFFSET \(offset)"
        )
        return (try rows.map(Self.touchpoint), total)
    }

    public func touchpoint(_ code: String) async throws -> Touchpoint? {
        try await self.db.first("SELECT \(Self.touchpointColumns) FROM nps_touchpoints WHERE code = \(code)").map(Self.touchpoint)
    }

    /// The touchpoints of `codes` that are registered, by code.
    public func touchpoints(_ codes: Set<String>) async throws -> [String: Touchpoint] {
        var found: [String: Touchpoint] = [:]
        for row in try await self.db.query(
            "SELECT \(Self.touchpointColumns) FROM nps_touchpoints WHERE code IN \(self.db.dialect.strings(inJSONArray: Array(codes)))"
        ) {
            let touchpoint = try Self.touchpoint(row)
            found[touchpoint.code] = touchpoint
        }
        return found
    }

    public func transactions() async throws -> [TransactionType] {
        try await self.db.query("SELECT code, name, active, reviewed FROM nps_transactions ORDER BY code").map(Self.transactionType)
    }

    public func transaction(_ code: String) async throws -> TransactionType? {
        try await self.db.first("SELECT code, name, active, reviewed FROM nps_transactions WHERE code = \(code)").map(Self.transactionType)
    }

    /// Each registered transaction type's name by its code, for pages that show what answers name.
    public func transactionNames() async throws -> [String: String] {
        Dictionary(uniqueKeysWithValues: try await self.transactions().map { ($0.code, $0.name) })
    }

    /// Registers or changes a touchpoint, now reviewed. A touchpoint with answers keeps its channel:
    /// its counts are kept per channel.
    public func save(_ touchpoint: Touchpoint, at instant: Date) async throws {
        let problems = touchpoint.problems
        guard problems.isEmpty else { throw NPSRegistryError(problems: problems) }
        // Without lines, a problem throws: no list of them comes back.
        _ = try await self.db.transaction { db in
            try await Self(db: db).saveChecked([touchpoint], at: instant)
        }
    }

    /// Registers or changes a transaction type, now reviewed.
    public func save(_ transaction: TransactionType, at instant: Date) async throws {
        let problems = transaction.problems
        guard problems.isEmpty else { throw NPSRegistryError(problems: problems) }
        try await Self.upsertTransactions([transaction], at: instant, in: self.db)
    }

    /// Imports touchpoints from CSV (`code,channel,name,region,active`): all or nothing unless `skipInvalid`.
    public func importTouchpoints(bytes: [UInt8], skipInvalid: Bool, at instant: Date) async throws -> ImportReport {
        try await self.importRegistry(
            bytes: bytes,
            required: Touchpoint.requiredColumns,
            columns: Touchpoint.columns,
            skipInvalid: skipInvalid,
            read: Touchpoint.read,
            key: \.code
        ) { db, rows in
            try await Self(db: db).saveChecked(rows.map(\.0), at: instant, lines: rows.map(\.1))
        }
    }

    /// Imports transaction types from CSV (`code,name,active`): all or nothing unless `skipInvalid`.
    public func importTransactions(bytes: [UInt8], skipInvalid: Bool, at instant: Date) async throws -> ImportReport {
        try await self.importRegistry(
            bytes: bytes,
            required: TransactionType.requiredColumns,
            columns: TransactionType.columns,
            skipInvalid: skipInvalid,
            read: TransactionType.read,
            key: \.code
        ) { db, rows in
            try await Self.upsertTransactions(rows.map(\.0), at: instant, in: db)
            return []
        }
    }

    private func importRegistry<Entry: Sendable>(
        bytes: [UInt8],
        required: [String],
        columns: [String],
        skipInvalid: Bool,
        read: (CSVRecord, CSVHeader) -> Result<Entry, RawServiceRequest.ProblemList>,
        key: KeyPath<Entry, String>,
        write: @escaping @Sendable (any DatabaseExecutor, [(Entry, Int)]) async throws -> [ImportProblem]
    ) async throws -> ImportReport {
        let file: CSVFile
        do {
            file = try CSVFile(
                bytes: bytes,
                required: required,
                empty: "The file is empty: it needs a header such as \(columns.joined(separator: ","))."
            )
        } catch {
            return ImportReport(problems: error.problems)
        }
        var report = ImportReport()
        report.ignoredColumns = file.header.ignored(reading: columns)
        var entries: [(Entry, Int)] = []
        var lineOfKey: [String: Int] = [:]
        for record in file.rows {
            var problems: [ImportProblem] = []
            if let problem = file.header.problem(with: record) {
                problems = [problem]
            } else {
                switch read(record, file.header) {
                case .failure(let list):
                    problems = list.problems.map { ImportProblem(line: record.line, column: $0.column, code: $0.code, message: $0.message) }
                case .success(let entry):
                    if let first = lineOfKey[entry[keyPath: key]] {
                        problems = [
                            ImportProblem(
                                line: record.line,
                                column: "code",
                                code: "duplicate",
                                message: "\(entry[keyPath: key]) already appears on line \(first)."
                            )
                        ]
                    } else {
                        lineOfKey[entry[keyPath: key]] = record.line
                        entries.append((entry, record.line))
                    }
                }
            }
            if !problems.isEmpty {
                report.skipped += 1
                report.problems += problems
            }
        }
        let ignored = report.ignoredColumns
        do {
            return try await self.db.transaction { [entries, report] db in
                var report = report
                let refused = try await write(db, entries)
                report.problems += refused
                report.skipped += Set(refused.map(\.line)).count
                report.problemCount = report.problems.count
                if report.problemCount > 0 && !skipInvalid { throw ImportAborted(problems: report.problems, ignoredColumns: ignored) }
                report.created = entries.count - Set(refused.map(\.line)).count
                report.committed = true
                return report
            }
        } catch let aborted as ImportAborted {
            var report = ImportReport(problems: aborted.problems.sorted { $0.line < $1.line })
            report.ignoredColumns = aborted.ignoredColumns
            return report
        }
    }

    /// Upserts touchpoints (reviewed), refusing to change the channel of one with answers.
    @discardableResult
    private func saveChecked(_ touchpoints: [Touchpoint], at instant: Date, lines: [Int]? = nil) async throws -> [ImportProblem] {
        let stored = try await self.touchpoints(Set(touchpoints.map(\.code)))
        var answered = Set<String>()
        let moved = touchpoints.filter { new in stored[new.code].map { $0.channel != new.channel } ?? false }.map(\.code)
        if !moved.isEmpty {
            for row in try await self.db.query(
                "SELECT DISTINCT touchpoint FROM nps_touchpoint_monthly WHERE touchpoint IN \(self.db.dialect.strings(inJSONArray: moved))"
            ) {
                answered.insert(try row.decode(0))
            }
        }
        var problems: [ImportProblem] = []
        var rows: [[DatabaseValue]] = []
        for (index, touchpoint) in touchpoints.enumerated() {
            if answered.contains(touchpoint.code), let old = stored[touchpoint.code] {
                let problem = ImportProblem(
                    line: lines?[index] ?? 0,
                    column: "channel",
                    code: "channel_locked",
                    message: "The touchpoint \(touchpoint.code) has answers on the channel \(old.channel); its channel cannot change."
                )
                guard lines != nil else {
                    throw NPSRegistryError(problems: [.init(column: problem.column, code: problem.code, message: problem.message)])
                }
                problems.append(problem)
                continue
            }
            rows.append([
                .text(touchpoint.code), .text(touchpoint.channel), .text(touchpoint.name), .text(touchpoint.region), .bool(touchpoint.active),
                .bool(true), .instant(instant),
            ])
        }
        for start in stride(from: 0, to: rows.count, by: NPSAnswerWriter.rowsPerStatement) {
            try await self.db.execute(
                "INSERT INTO nps_touchpoints (code, channel, name, region, active, reviewed, created_at) VALUES "
                    + SQL(rows: rows[start..<min(start + NPSAnswerWriter.rowsPerStatement, rows.count)])
                        + """
                         ON CONFLICT (code) DO UPDATE SET channel = excluded.channel, name = excluded.name, region = excluded.region,
                            active = excluded.active, reviewed = excluded.reviewed
                        """
            )
        }
        return problems
    }

    private static func upsertTransactions(_ transactions: [TransactionType], at instant: Date, in db: any DatabaseExecutor) async throws {
        let rows: [[DatabaseValue]] = transactions.map { [.text($0.code), .text($0.name), .bool($0.active), .bool(true), .instant(instant)] }
        for start in stride(from: 0, to: rows.count, by: NPSAnswerWriter.rowsPerStatement) {
            try await db.execute(
                "INSERT INTO nps_transactions (code, name, active, reviewed, created_at) VALUES "
                    + SQL(rows: rows[start..<min(start + NPSAnswerWriter.rowsPerStatement, rows.count)])
                    + " ON CONFLICT (code) DO UPDATE SET name = excluded.name, active = excluded.active, reviewed = excluded.reviewed"
            )
        }
    }

    static func transactionType(_ row: DatabaseRow) throws -> TransactionType {
        let (code, name, active, reviewed) = try row.decode((String, String, Bool, Bool).self)
        return TransactionType(code: code, name: name, active: active, reviewed: reviewed)
    }

    static func touchpoint(_ row: DatabaseRow) throws -> Touchpoint {
        let (code, channel, name, region, active, reviewed) = try row.decode((String, String, String, String, Bool, Bool).self)
        return Touchpoint(code: code, channel: channel, name: name, region: region, active: active, reviewed: reviewed)
    }
}

/// A touchpoint or transaction type that cannot be saved, and why, by field.
public struct NPSRegistryError: Error, Sendable {
    public var problems: [RawServiceRequest.ProblemList.Problem]
}
