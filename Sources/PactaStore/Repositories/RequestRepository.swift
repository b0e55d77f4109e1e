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
        return (try Self.request(row), try row.decode(Self.selectedCount, as: String?.self))
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
            result[try row.decode(Self.selectedCount, as: String.self), default: []].append(try Self.request(row))
        }
        return result
    }

    /// Requests matching `filter`, newest first, `limit` of them from `offset`, and how many match
    /// in all (`total` when the caller already counted them).
    public func browse(_ filter: RequestFilter, limit: Int, offset: Int, total known: Int? = nil) async throws -> (rows: [BrowsedRequest], total: Int)
    {
        var conditions: [SQL] = []
        if let provider = filter.provider { conditions.append("p.code = \(provider)") }
        if let client = filter.client { conditions.append("c.code = \(client)") }
        switch filter.agreement {
        case nil: break
        case .some(.none): conditions.append("r.agreement_id IS NULL")
        case .some(.any): conditions.append("r.agreement_id IS NOT NULL")
        case .some(.code(let code)): conditions.append("a.code = \(code)")
        }
        if let opened = filter.opened {
            conditions.append("r.opened_at >= \(Self.date(opened.start)) AND r.opened_at < \(Self.date(opened.end))")
        }
        if let priority = filter.priority { conditions.append("r.priority = \(priority)") }
        switch filter.state {
        case nil: break
        case .some(.open): conditions.append("r.resolved_at IS NULL")
        case .some(.closed): conditions.append("r.resolved_at IS NOT NULL")
        }
        if let reference = filter.reference { conditions.append("r.external_ref = \(reference)") }
        if let references = filter.references { conditions.append("r.external_ref IN " + self.db.dialect.strings(inJSONArray: references)) }
        let condition = SQL(whereAll: conditions)
        let from: SQL = """
             FROM requests r JOIN units p ON p.id = r.provider_id JOIN units c ON c.id = r.client_id
            LEFT JOIN agreements a ON a.id = r.agreement_id
            """
        let total: Int
        if let known {
            total = known
        } else {
            total = try await self.db.count("SELECT COUNT(*)" + from + condition, as: Int.self)
        }
        let rows = try await self.db.query(
            "SELECT " + Self.selected + ", a.code" + from + condition + " ORDER BY r.opened_at DESC, r.id DESC LIMIT \(limit) OFFSET \(offset)"
        )
        return (try rows.map { BrowsedRequest(request: try Self.request($0), agreement: try $0.decode(Self.selectedCount, as: String?.self)) }, total)
    }

    /// How many columns ``selected`` has: a query's own columns come after them.
    static let selectedCount = 12

    /// What ``request(_:)`` reads, in order, from `requests r` joined to its units `p` and `c`.
    static let selected: SQL = """
        r.external_ref, p.code, c.code, r.service, r.priority, r.opened_at, r.first_response_at, r.resolved_at, r.pauses,
        r.measured_calendar, r.first_response_seconds, r.resolution_seconds
        """

    static func date(_ seconds: Int64) -> Date { Date(timeIntervalSince1970: TimeInterval(seconds)) }

    static func request(_ row: DatabaseRow) throws -> ServiceRequest {
        let (externalRef, provider, client, service, priority, openedAt, firstResponseAt, resolvedAt, pauses, calendar, firstResponse, resolution) =
            try row.decode((String, String, String, String, String, Date, Date?, Date?, String, Int64?, Int64?, Int64?).self)
        return ServiceRequest(
            externalRef: externalRef,
            provider: provider,
            client: client,
            service: service,
            priority: priority,
            openedAt: Interval.seconds(openedAt),
            firstResponseAt: firstResponseAt.map(Interval.seconds),
            resolvedAt: resolvedAt.map(Interval.seconds),
            pauses: StoredPauses.decode(pauses),
            measured: calendar.map { MeasuredDurations(calendar: $0, firstResponse: firstResponse, resolution: resolution) }
        )
    }
}

/// Which requests to list: every field left nil takes all.
public struct RequestFilter: Sendable, Hashable {
    public enum Agreement: Sendable, Hashable {
        /// Requests that belong to no agreement.
        case none
        /// Requests that belong to some agreement.
        case any
        case code(String)
    }

    public enum State: String, Sendable, Hashable, CaseIterable {
        /// Not resolved yet.
        case open
        case closed
    }

    public var provider: String?
    public var client: String?
    public var agreement: Agreement?
    /// Opened within these instants (Unix seconds, end excluded): a period in the organisation's zone.
    public var opened: Interval?
    public var priority: String?
    public var state: State?
    /// The external reference exactly, whatever the provider.
    public var reference: String?
    /// Only requests with one of these external references (with `agreement` or `provider` set,
    /// as references are unique per provider): those a report found with a given outcome.
    public var references: [String]?

    public init(
        provider: String? = nil,
        client: String? = nil,
        agreement: Agreement? = nil,
        opened: Interval? = nil,
        priority: String? = nil,
        state: State? = nil,
        reference: String? = nil,
        references: [String]? = nil
    ) {
        self.provider = provider
        self.client = client
        self.agreement = agreement
        self.opened = opened
        self.priority = priority
        self.state = state
        self.reference = reference
        self.references = references
    }
}

/// A request as listed, with the code of its agreement.
public struct BrowsedRequest: Sendable, Hashable {
    public var request: ServiceRequest
    public var agreement: String?
}
