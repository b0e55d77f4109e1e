import Foundation
import PactaCore

/// Finds the agreement a request belongs to: the signed one between its provider and client whose
/// validity covers the day it was opened (the latest such when several do), with the clock of the
/// calendar its time commitments run on, as signed. Only agreements both sides signed count: a
/// draft, even one cancelled, never takes requests. Agreements are few: they are loaded once per
/// import and matched in memory.
struct AgreementMatcher: Sendable {
    struct Candidate: Sendable {
        var id: Int64
        var validFrom: LocalDate
        var validTo: LocalDate
        /// The calendar of the signed version's first business-time commitment: imports measure on it.
        var clock: BusinessClock?
    }

    /// Candidates by provider and client; an agreement with a version that cannot be read takes
    /// no requests (`pacta verify` and the published page name it).
    private let candidates: [Int64: [Int64: [Candidate]]]

    /// Loads the agreements signed by both sides, or only those between `provider` and `client`.
    /// An agreement covers the days of every version both sides signed (a revision that moves its
    /// dates does not orphan the requests an earlier version took), and measures on the calendar
    /// of its latest one.
    init(_ db: any DatabaseExecutor, provider: Int64? = nil, client: Int64? = nil) async throws {
        var filter: SQL = ""
        if let provider, let client { filter = " AND a.provider_id = \(provider) AND a.client_id = \(client)" }
        let rows = try await db.query(
            """
            SELECT a.id, a.provider_id, a.client_id, a.signed_version, a.code, v.version, v.document, v.format, v.calendars
            FROM agreements a JOIN agreement_versions v ON v.agreement_id = a.id
            WHERE a.signed_version IS NOT NULL
            AND v.version IN (SELECT s.version FROM signatures s WHERE s.agreement_id = a.id GROUP BY s.version HAVING COUNT(*) = 2)
            """ + filter + " ORDER BY a.id, v.version"
        )
        var candidates: [Int64: [Int64: [Candidate]]] = [:]
        var clocks: [Int64: BusinessClock?] = [:]
        var current: (id: Int64, provider: Int64, client: Int64, candidate: Candidate?, readable: Bool)?
        func close() {
            guard let done = current else { return }
            if let candidate = done.candidate, done.readable {
                candidates[done.provider, default: [:]][done.client, default: []].append(candidate)
            }
        }
        for row in rows {
            let (id, providerID, clientID, signedVersion, code) = try row.decode((Int64, Int64, Int64, Int, String).self)
            if current?.id != id {
                close()
                current = (id, providerID, clientID, nil, true)
            }
            let document: AgreementDocument
            do {
                // Its columns are read in here: a version whose columns cannot be read is unreadable too.
                let (version, text, format, calendars) = try row.dropFirst(5).decode((Int, String, Int, String?).self)
                document = try StoredVersion(code: code, version: version, text: text, format: format, frozenCalendars: calendars).document
            } catch {
                current!.readable = false
                continue
            }
            var candidate = current!.candidate ?? Candidate(id: id, validFrom: document.terms.validFrom, validTo: document.terms.validTo, clock: nil)
            candidate.validFrom = min(candidate.validFrom, document.terms.validFrom)
            candidate.validTo = max(candidate.validTo, document.terms.validTo)
            if document.version == signedVersion {
                let calendarCode = document.terms.commitments.first { $0.metric.isBusinessTime && $0.calendar != nil }?.calendar
                if let calendar = calendarCode.flatMap(document.calendar) {
                    // Versions may hold the same calendar as it was at different times: one clock per rules.
                    if clocks[calendar.fingerprint] == nil { clocks[calendar.fingerprint] = try? BusinessClock(calendar: calendar) }
                    candidate.clock = clocks[calendar.fingerprint] ?? nil
                }
            }
            current!.candidate = candidate
        }
        close()
        for (provider, clients) in candidates {
            for client in clients.keys {
                candidates[provider]![client]!.sort { ($0.validFrom, $0.id) > ($1.validFrom, $1.id) }
            }
        }
        self.candidates = candidates
    }

    func match(provider: Int64, client: Int64, on day: LocalDate) -> Candidate? {
        self.candidates[provider]?[client]?.first { $0.validFrom <= day && day <= $0.validTo }
    }
}

extension RequestRepository {
    /// Matches again the requests that an agreement never signed by both sides holds: earlier
    /// Pacta matched requests to agreements terminated before anyone signed them. Runs after the
    /// migrations; finds nothing once done.
    func rematchUnsigned() async throws {
        try await self.db.transaction { db in
            let pairs = try await db.query(
                """
                SELECT DISTINCT r.provider_id, r.client_id FROM requests r JOIN agreements a ON a.id = r.agreement_id
                WHERE a.signed_version IS NULL
                """
            )
            for pair in pairs {
                let (provider, client) = try pair.decode((Int64, Int64).self)
                try await RequestRepository(db: db).rematch(provider: provider, client: client)
            }
        }
    }

    /// Matches again every stored request between two units, after an agreement between them was
    /// signed by both sides: requests that arrived before it was in force, or matched to an older
    /// agreement the new one takes over from, now count for it, measured on its calendar.
    /// - Parameter reason: why, recorded for the ended months whose figures change (every month
    ///   of a revised agreement: all are measured on its new terms).
    /// - Returns: how many requests changed agreement or were measured again.
    @discardableResult
    func rematch(provider: Int64, client: Int64, because reason: FigureChangeReason? = nil) async throws -> Int {
        let db = self.db
        // After any import under way: its rows are then seen here, and the two never deadlock.
        try await db.lock(.requestImport)
        let matcher = try await AgreementMatcher(db, provider: provider, client: client)
        let rows = try await db.query(
            """
            SELECT \(Self.selected), r.id, r.agreement_id, r.opened_on
            FROM requests r JOIN units p ON p.id = r.provider_id JOIN units c ON c.id = r.client_id
            WHERE r.provider_id = \(provider) AND r.client_id = \(client) ORDER BY r.id
            """
        )
        var changed = 0
        // The months of each agreement that requests moved to or away from.
        var moves: [Int64: Set<Period>] = [:]
        for row in rows {
            let (id, stored, openedOn) = try row.dropFirst(Self.selectedCount).decode((Int64, Int64?, String).self)
            guard let day = LocalDate(openedOn) else { continue }
            let candidate = matcher.match(provider: provider, client: client, on: day)
            let request = try Self.request(row)
            // Another agreement, or the same one now signed on other calendars: measured again.
            let moved = candidate?.id != stored
            let stale = candidate?.clock.map { request.measured?.calendar != $0.fingerprint } ?? false
            guard moved || stale else { continue }
            if moved {
                for agreement in [stored, candidate?.id].compactMap(\.self) {
                    moves[agreement, default: []].insert(Period.containing(day, cadence: .monthly))
                }
            }
            let measured = candidate?.clock.flatMap { request.measuring(on: $0) }
            try await db.execute(
                """
                UPDATE requests SET agreement_id = \(candidate?.id), measured_calendar = \(measured?.calendar),
                first_response_seconds = \(measured?.firstResponse), resolution_seconds = \(measured?.resolution)
                WHERE id = \(id)
                """
            )
            changed += 1
        }
        // Requests moved between the pair's agreements, or are measured on other terms: their tallies are counted again.
        for row in try await db.query(
            "SELECT id FROM agreements WHERE provider_id = \(provider) AND client_id = \(client) AND signed_version IS NOT NULL"
        ) {
            let id = try row.decode(Int64.self)
            try await self.recountTallies(agreement: id, months: nil, at: reason?.instant ?? Date())
            guard let reason else { continue }
            var months = moves[id] ?? []
            if id == reason.revised, let terms = try await self.signedDocument(agreement: id)?.document.terms {
                months.formUnion(Period.containing(terms.validFrom, cadence: .monthly).through(Period.containing(terms.validTo, cadence: .monthly)))
            }
            try await FigureChangeRepository(db: db).record(agreement: id, months: months, reason)
        }
        return changed
    }
}
