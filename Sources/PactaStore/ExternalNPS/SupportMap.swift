import Foundation
import PactaCore

extension NPSRepository {
    /// The support map, by unit.
    public func supportMap() async throws -> [SupportLine] {
        try await self.db.query(
            """
            SELECT u.code, s.channel, s.transaction_code, c.code FROM nps_support s JOIN units u ON u.id = s.unit_id
            LEFT JOIN units c ON c.id = s.client_id
            ORDER BY u.code, s.channel, s.transaction_code
            """
        ).map { row in
            let (unit, channel, transaction, client) = try row.decode((String, String, String, String?).self)
            return SupportLine(unit: unit, channel: channel, transaction: transaction, client: client ?? "")
        }
    }

    /// Replaces the whole support map with the CSV's (`unit,channel,transaction,client`): all or
    /// nothing unless `skipInvalid`, every bad row reported. Follow-ups already open keep the
    /// client they were opened with.
    public func replaceSupportMap(bytes: [UInt8], skipInvalid: Bool) async throws -> ImportReport {
        let file: CSVFile
        do {
            file = try CSVFile(bytes: bytes, required: ["unit"], empty: "The file is empty: it needs the header unit,channel,transaction.")
        } catch {
            return ImportReport(problems: error.problems)
        }
        do {
            return try await self.db.transaction { db in
                var units: [String: Int64] = [:]
                for row in try await db.query("SELECT code, id FROM units") {
                    let (code, id) = try row.decode((String, Int64).self)
                    units[code] = id
                }
                var report = ImportReport()
                report.ignoredColumns = file.header.ignored(reading: SupportLine.columns)
                var lines: [[String]: SupportLine] = [:]
                for record in file.rows {
                    if let problem = file.header.problem(with: record) {
                        report.problems.append(problem)
                        report.skipped += 1
                        continue
                    }
                    switch SupportLine.read(record, header: file.header, knownUnit: { units[$0] != nil }) {
                    case .success(let line):
                        switch lines[line.key] {
                        case nil:
                            lines[line.key] = line
                            report.created += 1
                        case line:
                            report.unchanged += 1
                        case let earlier?:
                            report.skipped += 1
                            report.problems.append(
                                ImportProblem(
                                    line: record.line,
                                    column: "client",
                                    code: "conflicting_line",
                                    message: "An earlier line has the same unit, channel and transaction with the client '\(earlier.client)'."
                                )
                            )
                        }
                    case .failure(let list):
                        report.skipped += 1
                        report.problems += list.problems.map {
                            ImportProblem(line: record.line, column: $0.column, code: $0.code, message: $0.message)
                        }
                    }
                }
                report.problemCount = report.problems.count
                if report.problemCount > 0 && !skipInvalid {
                    throw ImportAborted(problems: report.problems, ignoredColumns: report.ignoredColumns)
                }
                try await db.execute("DELETE FROM nps_support")
                try await db.insert(
                    into: "nps_support",
                    columns: ["unit_id", "channel", "transaction_code", "client_id"],
                    rows: lines.values.sorted { $0.key.lexicographicallyPrecedes($1.key) }.map {
                        [.integer(units[$0.unit]!), .text($0.channel), .text($0.transaction), units[$0.client].map(DatabaseValue.integer) ?? .null]
                    }
                )
                report.committed = true
                return report
            }
        } catch let aborted as ImportAborted {
            var report = ImportReport(problems: aborted.problems)
            report.ignoredColumns = aborted.ignoredColumns
            return report
        }
    }

    /// The answers of what `unit` supports in each of `periods` (of one granularity, in order,
    /// without gaps): those on a channel and transaction type any of its lines covers, each once.
    public func supportedSeries(unit: String, _ periods: [NPSPeriod]) async throws -> [NPSTally] {
        guard let first = periods.first, let last = periods.last else { return [] }
        let rows = try await self.db.query(
            """
            SELECT c.day, SUM(c.promoters), SUM(c.passives), SUM(c.detractors) FROM nps_channel_daily c
            WHERE c.day >= \(first.first.description) AND c.day <= \(last.last.description) AND EXISTS (
                SELECT 1 FROM nps_support s JOIN units u ON u.id = s.unit_id
                WHERE u.code = \(unit) AND (s.channel = '' OR s.channel = c.channel)
                    AND (s.transaction_code = '' OR s.transaction_code = c.transaction_code)
            )
            GROUP BY c.day ORDER BY c.day
            """
        )
        return try Self.bucket(rows, into: periods)
    }
}
