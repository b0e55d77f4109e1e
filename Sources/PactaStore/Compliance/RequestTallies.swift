import Foundation
import PactaCore

/// The months of each agreement whose requests changed: their tallies are counted again before
/// the change commits.
struct TalliedMonths: Sendable {
    private(set) var months: [Int64: Set<Period>] = [:]

    /// Notes a request of agreement `id` opened at `openedAt`: the months that instant falls in,
    /// in any zone (a day either side of its UTC day).
    mutating func insert(agreement id: Int64, openedAt: Int64) {
        let utc = TimeZone(identifier: "UTC")!
        for instant in [openedAt - 86_400, openedAt + 86_400] {
            let day = LocalDate(Date(timeIntervalSince1970: TimeInterval(instant)), in: utc)
            self.months[id, default: []].insert(Period.containing(day, cadence: .monthly))
        }
    }

    mutating func formUnion(_ other: TalliedMonths) {
        self.months.merge(other.months) { $0.union($1) }
    }

    var isEmpty: Bool { self.months.isEmpty }
}

/// Whether reports read the tallies (the default) or measure every request again: for
/// `pacta bench report`, and for tests that compare the two.
public enum RequestTallyReading {
    @TaskLocal public static var isEnabled = true
}

/// One agreement's tallies over a period: each hard commitment's months added up.
struct PeriodTallies: Sendable {
    /// By commitment key; a commitment without a row counted no request.
    var commitments: [String: HardTally]
    /// Requests opened in the period in the organisation's zone.
    var volume: Int
}

extension RequestRepository {
    /// What the tallies of `document` are counted on: another version, other terms or other
    /// calendars give another basis, and the tallies are counted again. The leading number
    /// changes when what a tally holds does.
    static func tallyBasis(_ document: AgreementDocument) throws -> String {
        "1:" + (try document.sha256())
    }

    /// Agreement `code`'s tallies over `period` when they were counted on `document`; nil when
    /// they were not (counted on other terms, or not yet).
    func tallies(agreement code: String, document: AgreementDocument, period: Period) async throws -> PeriodTallies? {
        guard
            let stored = try await self.db.first(
                "SELECT b.basis FROM request_tally_bases b JOIN agreements a ON a.id = b.agreement_id WHERE a.code = \(code)"
            ),
            try stored.decode(String.self) == Self.tallyBasis(document)
        else { return nil }
        let rows = try await self.db.query(
            """
            SELECT t.commitment, t.requests, t.met, t.missed, t.settled_through, t.durations
            FROM request_tallies t JOIN agreements a ON a.id = t.agreement_id
            WHERE a.code = \(code) AND t.month >= \(period.months.first!.description) AND t.month <= \(period.months.last!.description)
            """
        )
        var result = PeriodTallies(commitments: [:], volume: 0)
        for row in rows {
            let (commitment, requests, met, missed, settledThrough, durations) = try row.decode((String, Int, Int, Int, Int64, String).self)
            if commitment.isEmpty {
                result.volume += requests
                continue
            }
            let tally = HardTally(
                requests: requests,
                met: met,
                missed: missed,
                settledThrough: settledThrough,
                durations: durations.split(separator: ",").compactMap { Int64($0) }
            )
            result.commitments[commitment] = result.commitments[commitment].map { $0 + tally } ?? tally
        }
        return result
    }

    /// The requests of agreement `code` opened in `[from, to)` (Unix seconds) still waiting for
    /// their first response or their resolution.
    func waiting(agreement code: String, openedFrom from: Int64, to: Int64) async throws -> [ServiceRequest] {
        try await self.db.query(
            """
            SELECT \(Self.selected)
            FROM requests r JOIN agreements a ON a.id = r.agreement_id
            JOIN units p ON p.id = r.provider_id JOIN units c ON c.id = r.client_id
            WHERE a.code = \(code) AND r.opened_at >= \(Self.date(from)) AND r.opened_at < \(Self.date(to))
            AND (r.resolved_at IS NULL OR r.first_response_at IS NULL)
            """
        ).map(Self.request)
    }

    /// Counts again the tallies of `changed` months, agreement by agreement, on each one's
    /// signed terms; an agreement whose tallies were counted on other terms is counted whole.
    func recountTallies(_ changed: TalliedMonths) async throws {
        for (id, months) in changed.months.sorted(by: { $0.key < $1.key }) {
            try await self.recountTallies(agreement: id, months: months)
        }
    }

    /// Counts again the tallies of every signed agreement not counted on its signed terms: after
    /// the migration that brought them, or after Pacta changes what a tally holds.
    func recountStaleTallies() async throws {
        let rows = try await self.db.query(
            """
            SELECT a.id, b.basis FROM agreements a LEFT JOIN request_tally_bases b ON b.agreement_id = a.id
            WHERE a.signed_version IS NOT NULL ORDER BY a.id
            """
        )
        for row in rows {
            let (id, basis) = try row.decode((Int64, String?).self)
            guard let document = try await self.signedDocument(agreement: id) else { continue }
            if try basis != Self.tallyBasis(document) { try await self.recountTallies(agreement: id, months: nil) }
        }
    }

    /// Counts again agreement `id`'s tallies of `months`, or all of them when nil (or when they
    /// were counted on other terms).
    func recountTallies(agreement id: Int64, months: Set<Period>?) async throws {
        guard let code = try await self.db.first("SELECT code FROM agreements WHERE id = \(id)").map({ try $0.decode(String.self) }),
            let document = try await self.signedDocument(agreement: id)
        else { return }
        let basis = try Self.tallyBasis(document)
        let stored = try await self.db.first("SELECT basis FROM request_tally_bases WHERE agreement_id = \(id)").map { try $0.decode(String.self) }
        var months = months
        if stored != basis {
            months = nil
            try await self.db.execute("DELETE FROM request_tally_bases WHERE agreement_id = \(id)")
            try await self.db.execute("INSERT INTO request_tally_bases (agreement_id, basis) VALUES (\(id), \(basis))")
        }
        let all: Set<Period>
        if let months {
            all = months
        } else {
            try await self.db.execute("DELETE FROM request_tallies WHERE agreement_id = \(id)")
            all = try await self.months(agreement: id)
        }
        let commitments = document.terms.commitments.filter { $0.kind == .hard && $0.metric != .manual }
        let utc = TimeZone(identifier: "UTC")!
        for month in all.sorted() {
            let span = month.instants(in: utc)
            let requests = try await self.list(agreement: code, openedFrom: span.start - 86_400, to: span.end + 86_400)
            var rows: [[DatabaseValue]] = []
            func add(_ commitment: String, _ tally: HardTally) {
                guard tally.requests > 0 else { return }
                rows.append([
                    .integer(id), .text(commitment), .text(month.description), .integer(Int64(tally.requests)), .integer(Int64(tally.met)),
                    .integer(Int64(tally.missed)), .integer(tally.settledThrough), .text(tally.durations.map(String.init).joined(separator: ",")),
                ])
            }
            add("", HardTally(requests: try await self.volume(agreementID: id, period: month)))
            var clocks: [String: BusinessClock] = [:]
            for commitment in commitments {
                let calendar = commitment.calendar.flatMap(document.calendar)
                let zone = calendar.flatMap { TimeZone(identifier: $0.timeZone) } ?? utc
                if let calendar, clocks[calendar.code] == nil {
                    // The days a report's clock covers for this month, no fewer (HardTally).
                    clocks[calendar.code] = try BusinessClock(
                        calendar: calendar,
                        from: month.first.adding(days: -2),
                        through: month.last.adding(days: 400)
                    )
                }
                let window = month.instants(in: zone)
                let opened = requests.filter { window.start <= $0.openedAt && $0.openedAt < window.end }
                add(commitment.key, HardIndicators.tally(commitment, requests: opened, clock: calendar.flatMap { clocks[$0.code] }))
            }
            if months != nil {
                try await self.db.execute("DELETE FROM request_tallies WHERE agreement_id = \(id) AND month = \(month.description)")
            }
            if !rows.isEmpty {
                try await self.db.insert(
                    into: "request_tallies",
                    columns: ["agreement_id", "commitment", "month", "requests", "met", "missed", "settled_through", "durations"],
                    rows: rows
                )
            }
        }
    }

    /// The months agreement `id` has requests in, in any zone.
    private func months(agreement id: Int64) async throws -> Set<Period> {
        let (first, last) = try await self.db.count(
            "SELECT MIN(opened_at), MAX(opened_at) FROM requests WHERE agreement_id = \(id)",
            as: (Date?, Date?).self
        )
        guard let first, let last else { return [] }
        let utc = TimeZone(identifier: "UTC")!
        let from = Period.containing(LocalDate(first.addingTimeInterval(-86_400), in: utc), cadence: .monthly)
        let through = Period.containing(LocalDate(last.addingTimeInterval(86_400), in: utc), cadence: .monthly)
        return Set(from.through(through))
    }

    /// The latest version of agreement `id` both sides signed, as its figures are measured.
    private func signedDocument(agreement id: Int64) async throws -> AgreementDocument? {
        guard
            let row = try await self.db.first(
                """
                SELECT a.code, v.version, v.document, v.format, v.calendars
                FROM agreements a JOIN agreement_versions v ON v.agreement_id = a.id AND v.version = a.signed_version
                WHERE a.id = \(id)
                """
            )
        else { return nil }
        let (code, version, text, format, calendars) = try row.decode((String, Int, String, Int, String?).self)
        return try StoredVersion(code: code, version: version, text: text, format: format, frozenCalendars: calendars).document
    }

    /// Requests of agreement `id` opened in `period`, in the organisation's zone (as stored at import).
    func volume(agreementID id: Int64, period: Period) async throws -> Int {
        // The instants a day either side of the period's UTC days hold its local days in any zone:
        // the index on (agreement, opened_at) narrows the rows to those, `opened_on` decides.
        let utc = period.instants(in: TimeZone(identifier: "UTC")!)
        return try await self.db.count(
            """
            SELECT COUNT(*) FROM requests WHERE agreement_id = \(id)
            AND opened_at >= \(Self.date(utc.start - 86_400)) AND opened_at < \(Self.date(utc.end + 86_400))
            AND opened_on >= \(period.first) AND opened_on <= \(period.last)
            """,
            as: Int.self
        )
    }
}
