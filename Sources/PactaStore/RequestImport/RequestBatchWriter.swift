import Foundation
import PactaCore

/// Writes the import's batches: new requests straight into `requests`, through a staging table and an
/// upsert once a batch meets a stored request.
struct RequestBatchWriter: Sendable {
    /// The import's transaction.
    let db: any DatabaseExecutor

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
        /// Where the requests it created or changed count, and counted before a change.
        var months = TalliedMonths()
    }

    /// Writes one batch whose keys are unique within it: straight into `requests` unless
    /// `staging` is set or the batch meets a stored request, through the staging table otherwise.
    func write(_ rows: [[DatabaseValue]], staging: Bool) async throws -> Written {
        if !staging {
            // New requests, the usual case, go straight in; a stored one makes the insert fail,
            // and the savepoint takes the batch back for the upsert below.
            try await db.execute("SAVEPOINT request_batch")
            do {
                try await db.insert(into: "requests", columns: Self.columns, rows: rows)
                try await db.execute("RELEASE SAVEPOINT request_batch")
                var written = Written(created: rows.count)
                for row in rows { try written.months.insert(DatabaseRow([row[10], row[5], row[6]])) }
                return written
            } catch DatabaseError.uniqueViolation {
                try await db.execute("ROLLBACK TO SAVEPOINT request_batch")
                try await db.execute("RELEASE SAVEPOINT request_batch")
                try await db.execute(Self.stagingTable(db.dialect))
            }
        }
        try await db.insert(into: "request_staging", columns: Self.columns, rows: rows)
        var months = TalliedMonths()
        // Where the stored requests the batch changes counted until now, each found through the
        // unique index (PostgreSQL plans a join with a table it has no statistics on as a scan).
        let stored: SQL =
            switch db.dialect {
            case .postgres:
                """
                SELECT r.agreement_id, r.opened_at, r.opened_on FROM request_staging s CROSS JOIN LATERAL
                (SELECT * FROM requests WHERE provider_id = s.provider_id AND external_ref = s.external_ref) r
                """
            case .sqlite:
                "SELECT r.agreement_id, r.opened_at, r.opened_on FROM request_staging s JOIN requests r USING (provider_id, external_ref)"
            }
        for row in try await db.query(stored + " WHERE r.agreement_id IS NOT NULL AND " + SQL(unsafeSQL: Self.changes("r", "s", db.dialect))) {
            try months.insert(row)
        }
        let (created, updated) = try await self.upsertStaged(noting: &months)
        return Written(created: created, updated: updated, unchanged: rows.count - created - updated, staged: true, months: months)
    }

    private static func stagingTable(_ dialect: SQLDialect) -> SQL {
        let (id, instant) = dialect.types
        return SQL(
            unsafeSQL: """
                CREATE TEMP TABLE request_staging (
                    provider_id \(id) NOT NULL, external_ref TEXT NOT NULL, client_id \(id) NOT NULL,
                    service TEXT NOT NULL, priority TEXT NOT NULL, opened_at \(instant) NOT NULL, opened_on TEXT NOT NULL,
                    first_response_at \(instant), resolved_at \(instant), pauses TEXT NOT NULL, agreement_id \(id),
                    imported_at \(instant) NOT NULL, measured_calendar \(id), first_response_seconds \(id), resolution_seconds \(id)
                )
                """
        )
    }

    /// Moves the staged batch into `requests` and empties the staging table, noting where the
    /// requests it creates or changes count.
    /// - Returns: how many requests were created and how many changed.
    private func upsertStaged(noting months: inout TalliedMonths) async throws -> (created: Int, updated: Int) {
        // RETURNING lists the rows inserted and changed, not those left alone. The one strategy
        // that differs: PostgreSQL tells inserted rows from changed ones in the upsert itself
        // (xmax is 0 on the inserted ones), SQLite by counting the new keys before it.
        let returned: SQL = " RETURNING agreement_id, opened_at, opened_on"
        var created = 0
        let rows: [DatabaseRow]
        switch db.dialect {
        case .postgres:
            rows = try await db.query(Self.upsert(.postgres) + returned + ", (xmax = 0)")
            created = try rows.filter { try $0.decode(3, as: Bool.self) }.count
            try await db.execute("TRUNCATE request_staging")
        case .sqlite:
            created = try await db.count(
                """
                SELECT COUNT(*) FROM request_staging s WHERE NOT EXISTS
                    (SELECT 1 FROM requests r WHERE r.provider_id = s.provider_id AND r.external_ref = s.external_ref)
                """,
                as: Int.self
            )
            rows = try await db.query(Self.upsert(.sqlite) + returned)
            try await db.execute("DELETE FROM request_staging")
        }
        for row in rows { try months.insert(row) }
        return (created, rows.count - created)
    }

    /// Whether the request in `stored` differs from the one in `sent` (table aliases) in any of
    /// the columns an upsert compares.
    private static func changes(_ stored: String, _ sent: String, _ dialect: SQLDialect) -> String {
        let storedColumns = Self.content.map { "\(stored).\($0)" }.joined(separator: ", ")
        let sentColumns = Self.content.map { "\(sent).\($0)" }.joined(separator: ", ")
        return "(\(storedColumns)) \(dialect.isDistinctFrom) (\(sentColumns))"
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
        return SQL(
            unsafeSQL: """
                INSERT INTO requests (\(columns)) SELECT \(columns) FROM request_staging WHERE true
                ON CONFLICT (provider_id, external_ref) DO UPDATE SET \(set)
                WHERE \(Self.changes("requests", "excluded", dialect))
                """
        )
    }
}
