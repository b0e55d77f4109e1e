import Foundation
import NIOCore
import PactaCore

extension RequestRepository {
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
            try await CSVStream.read(
                chunks,
                required: RawServiceRequest.requiredColumns,
                header: { await importer.ignore($0.ignored(reading: RawServiceRequest.columns)) },
                records: { try await importer.add($1, header: $0) }
            )
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

    private func run(
        _ options: TransactionOptions,
        skipInvalid: Bool,
        by actor: Actor,
        at instant: Date,
        timeZone: TimeZone,
        _ feed: @escaping @Sendable (RequestImporter) async throws -> Void
    ) async throws -> ImportReport {
        do {
            return try await self.db.transaction(options) { db in
                // One import at a time: two writing the same requests in different orders would deadlock.
                try await db.lock(.requestImport)
                var units: [String: Int64] = [:]
                for row in try await db.query("SELECT code, id FROM units") {
                    let (code, id) = try row.decode((String, Int64).self)
                    units[code] = id
                }
                let tree = try await UnitRepository(db: db).tree()
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
                try await RequestRepository(db: db).recountTallies(
                    await importer.tallied,
                    because: FigureChangeReason(cause: .requests, actor: actor.username, instant: instant, today: LocalDate(instant, in: timeZone))
                )
                var written = ImportReport(
                    created: report.created,
                    updated: report.updated,
                    unchanged: report.unchanged,
                    skipped: report.problemRows,
                    problems: report.problems,
                    committed: true,
                    problemCount: report.problemCount,
                    matched: report.matched,
                    unmatched: report.unmatched
                )
                written.ignoredColumns = await importer.ignoredColumns
                return written
            }
        } catch let aborted as ImportAborted {
            return ImportReport(problems: aborted.problems, problemCount: aborted.problemCount ?? aborted.problems.count)
        }
    }
}

/// Ends an import early, or rolls it back, with the problems that stopped it.
struct ImportAborted: Error {
    var problems: [ImportProblem]
    var problemCount: Int?
    var ignoredColumns: [String] = []
}
