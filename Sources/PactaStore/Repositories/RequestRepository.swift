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
    let db: any DatabaseExecutor

    /// How many problems a report lists; the count covers them all.
    public static let listedProblems = 1000
    /// Rows written at a time: large enough for COPY to pay, small enough to keep memory flat.
    public var batchSize = 20_000

    /// How many requests are stored, and how many match no agreement.
    public func counts() async throws -> (total: Int, unmatched: Int) {
        try await self.db.count(
            "SELECT COUNT(*), COALESCE(SUM(CASE WHEN agreement_id IS NULL THEN 1 ELSE 0 END), 0) FROM requests",
            as: (Int, Int).self
        )
    }

    /// The stored request of `provider` with `externalRef`, and the code of its agreement.
    public func get(provider: String, externalRef: String) async throws -> (request: ServiceRequest, agreement: String?)? {
        guard
            let row = try await self.db.first(
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
        try await self.db.query(
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
        try await self.db.query(
            """
            SELECT \(Self.selected)
            FROM requests r JOIN units p ON p.id = r.provider_id JOIN units c ON c.id = r.client_id
            WHERE r.agreement_id IS NULL ORDER BY r.opened_at DESC, r.external_ref LIMIT \(limit)
            """
        ).map(Self.request)
    }

    /// Requests of signed agreements in force (a revision pending signatures included) still waiting for a first response or a resolution, by agreement code.
    public func open() async throws -> [String: [ServiceRequest]] {
        let rows = try await self.db.query(
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
}
