import Foundation
import PactaCore

/// Where written requests count, by agreement: the months whose tallies are counted again
/// before the change commits, and the months (in the organisation's zone) whose data changed.
struct TalliedMonths: Sendable {
    /// In any zone: a day either side of each request's UTC day.
    private(set) var months: [Int64: Set<Period>] = [:]
    /// The months the requests were opened in, in the organisation's zone.
    private(set) var changed: [Int64: Set<Period>] = [:]

    /// Notes a request of agreement `id` opened at `openedAt`, on `openedOn` in the organisation's
    /// zone, that was written, or that a write took away from the agreement.
    mutating func insert(agreement id: Int64, openedAt: Int64, openedOn: LocalDate) {
        let utc = TimeZone(identifier: "UTC")!
        for instant in [openedAt - 86_400, openedAt + 86_400] {
            let day = LocalDate(Date(timeIntervalSince1970: TimeInterval(instant)), in: utc)
            self.months[id, default: []].insert(Period.containing(day, cadence: .monthly))
        }
        self.changed[id, default: []].insert(Period.containing(openedOn, cadence: .monthly))
    }

    /// Notes the request of `row` (agreement id, opened at, opened on) when it has an agreement.
    mutating func insert(_ row: DatabaseRow) throws {
        let (agreement, openedAt, openedOn) = try row.decode((Int64?, Date, LocalDate).self)
        guard let agreement else { return }
        self.insert(agreement: agreement, openedAt: Int64(openedAt.timeIntervalSince1970), openedOn: openedOn)
    }

    mutating func formUnion(_ other: TalliedMonths) {
        self.months.merge(other.months) { $0.union($1) }
        self.changed.merge(other.changed) { $0.union($1) }
    }
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
    /// The requests each commitment left waiting, by key: their ids.
    var waiting: [String: [Int64]]
    /// Requests opened in the period in the organisation's zone.
    var volume: Int
}

extension RequestRepository {
    /// What tallies are counted on: the signed version an agreement is measured on, as stored
    /// (its text, its terms and calendars, never changes once signed). Another version gives
    /// another basis, and the tallies are counted again. The leading number changes when what a
    /// tally holds does.
    static func tallyBasis(version: Int, sha256: String) -> String {
        "4:\(version):\(sha256)"
    }

    /// The basis `record` is measured on; nil before a version is signed.
    static func tallyBasis(_ record: AgreementRecord) -> String? {
        guard let signed = record.agreement.signedVersion, let version = record.versions.first(where: { $0.version == signed }) else { return nil }
        return Self.tallyBasis(version: signed, sha256: version.sha256)
    }

    /// Agreement `code`'s tallies over `period` when they were counted on `basis`; nil when
    /// they were not (counted on other terms, or not yet).
    func tallies(agreement code: String, basis: String, period: Period) async throws -> PeriodTallies? {
        // The basis and the months' rows in one statement; a basis without rows is a period without requests.
        let rows = try await self.db.query(
            """
            SELECT b.basis, \(TallyRow.columns("t")) FROM agreements a JOIN request_tally_bases b ON b.agreement_id = a.id
            LEFT JOIN request_tallies t ON t.agreement_id = a.id AND t.month >= \(period.months.first!) AND t.month <= \(period.months.last!)
            WHERE a.code = \(code)
            """
        )
        guard let first = rows.first, try first.decode(String.self) == basis else { return nil }
        var result = PeriodTallies(commitments: [:], waiting: [:], volume: 0)
        for row in rows {
            guard try row.decode(1, as: String?.self) != nil else { continue }
            let stored = try TallyRow(row.dropFirst(1))
            if stored.commitment.isEmpty {
                result.volume += stored.requests
                continue
            }
            let tally = stored.tally
            result.commitments[stored.commitment] = result.commitments[stored.commitment].map { $0 + tally } ?? tally
            result.waiting[stored.commitment, default: []] += stored.waitingIDs
        }
        return result
    }

    /// The requests with `ids`, by id; a few thousand at a time, within any database's limit
    /// on bound values.
    func requests(ids: some Collection<Int64>) async throws -> [Int64: ServiceRequest] {
        var requests: [Int64: ServiceRequest] = [:]
        let ids = Array(ids)
        for start in stride(from: 0, to: ids.count, by: Self.idsPerQuery) {
            let chunk = ids[start..<min(start + Self.idsPerQuery, ids.count)]
            for row in try await self.db.query(
                """
                SELECT \(Self.selected), r.id FROM requests r JOIN units p ON p.id = r.provider_id JOIN units c ON c.id = r.client_id
                WHERE r.id IN (\(SQL(values: chunk.map(\.databaseValue))))
                """
            ) {
                requests[try row.decode(Self.selectedCount, as: Int64.self)] = try Self.request(row)
            }
        }
        return requests
    }

    /// Bound values per statement when reading requests by id (PostgreSQL takes 65 535 at most).
    static let idsPerQuery = 5_000

    /// The requests of agreement `id` opened in `[from, to)` (Unix seconds) with their ids and
    /// the day they were opened in the organisation's zone, read for counting: what a tally looks
    /// at, without the names and the service.
    func identified(
        agreement id: Int64,
        openedFrom from: Int64,
        to: Int64
    ) async throws -> [(id: Int64, openedOn: LocalDate, request: ServiceRequest)] {
        try await self.db.query(
            """
            SELECT id, opened_on, priority, opened_at, first_response_at, resolved_at, pauses, measured_calendar, first_response_seconds,
            resolution_seconds FROM requests WHERE agreement_id = \(id) AND opened_at >= \(Self.date(from)) AND opened_at < \(Self.date(to))
            """
        ).map { row in
            let (id, openedOn, priority, openedAt, firstResponseAt, resolvedAt, pauses, calendar, firstResponse, resolution) =
                try row.decode((Int64, LocalDate, String, Date, Date?, Date?, String, Int64?, Int64?, Int64?).self)
            let request = ServiceRequest(
                externalRef: "",
                provider: "",
                client: "",
                service: "",
                priority: priority,
                openedAt: Interval.seconds(openedAt),
                firstResponseAt: firstResponseAt.map(Interval.seconds),
                resolvedAt: resolvedAt.map(Interval.seconds),
                pauses: StoredPauses.decode(pauses),
                measured: calendar.map { MeasuredDurations(calendar: $0, firstResponse: firstResponse, resolution: resolution) }
            )
            return (id, openedOn, request)
        }
    }

    /// Counts again the tallies of `written` months, agreement by agreement, on each one's
    /// signed terms (an agreement whose tallies were counted on other terms is counted whole),
    /// and records the reason for the months whose data changed after they ended.
    func recountTallies(_ written: TalliedMonths, because reason: FigureChangeReason) async throws {
        for (id, months) in written.months.sorted(by: { $0.key < $1.key }) {
            try await self.recountTallies(agreement: id, months: months, at: reason.instant)
        }
        for (id, months) in written.changed.sorted(by: { $0.key < $1.key }) {
            try await FigureChangeRepository(db: self.db).record(agreement: id, months: months, reason)
        }
    }

    /// Counts again the tallies of every signed agreement not counted on its signed terms: after
    /// the migration that brought them, or after Pacta changes what a tally holds.
    func recountStaleTallies(at instant: Date) async throws {
        let rows = try await self.db.query(
            """
            SELECT a.id, b.basis FROM agreements a LEFT JOIN request_tally_bases b ON b.agreement_id = a.id
            WHERE a.signed_version IS NOT NULL ORDER BY a.id
            """
        )
        for row in rows {
            let (id, basis) = try row.decode((Int64, String?).self)
            guard let signed = try await self.signedDocument(agreement: id) else { continue }
            if basis != signed.basis { try await self.recountTallies(agreement: id, months: nil, at: instant) }
        }
    }

    /// Counts again agreement `id`'s tallies of `months`, or all of them when nil (or when they
    /// were counted on other terms), as known at `instant`.
    func recountTallies(agreement id: Int64, months: Set<Period>?, at instant: Date) async throws {
        guard let (document, basis) = try await self.signedDocument(agreement: id) else { return }
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
            let requests = try await self.identified(agreement: id, openedFrom: span.start - 86_400, to: span.end + 86_400)
            let counted = Int64(instant.timeIntervalSince1970.rounded(.down))
            var rows: [TallyRow] = []
            func add(_ commitment: String, _ tally: HardTally, waiting: [Int64] = []) {
                guard tally.requests > 0 else { return }
                rows.append(TallyRow(commitment: commitment, month: month, tally: tally, waiting: waiting, countedAt: counted))
            }
            add("", HardTally(requests: requests.count { month.contains($0.openedOn) && HardIndicators.weighs($0.request.priority) }))
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
                let opened = requests.filter { window.start <= $0.request.openedAt && $0.request.openedAt < window.end }
                let clock = calendar.flatMap { clocks[$0.code] }
                add(
                    commitment.key,
                    HardIndicators.tally(commitment, requests: opened.map(\.request), clock: clock, at: counted),
                    waiting: opened.filter { HardIndicators.isWaiting($0.request, for: commitment, clock: clock, at: counted) }.map(\.id)
                )
            }
            if months != nil {
                try await self.db.execute("DELETE FROM request_tallies WHERE agreement_id = \(id) AND month = \(month.description)")
            }
            if !rows.isEmpty {
                try await self.db.insert(into: "request_tallies", columns: TallyRow.inserted, rows: rows.map { $0.values(agreement: id) })
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

    /// The latest version of agreement `id` both sides signed, as its figures are measured, and
    /// the basis tallies of it are counted on.
    func signedDocument(agreement id: Int64) async throws -> (document: AgreementDocument, basis: String)? {
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
        let document = try StoredVersion(code: code, version: version, text: text, format: format, frozenCalendars: calendars).document
        return (document, Self.tallyBasis(version: version, sha256: Hashing.sha256Hex(text.utf8)))
    }
}

/// One row of `request_tallies`, as stored.
struct TallyRow: Hashable {
    var commitment: String
    var month: Period
    var requests: Int
    var met: Int
    var missed: Int
    var settledThrough: Int64
    /// Business seconds, ascending, comma-separated.
    var durations: String
    /// Ids of the requests left waiting, comma-separated.
    var waiting: String
    /// When it was counted (Unix seconds).
    var countedAt: Int64

    /// The columns, of table `alias`.
    static func columns(_ alias: String) -> SQL {
        SQL(
            unsafeSQL: ["commitment", "month", "requests", "met", "missed", "settled_through", "durations", "waiting", "counted_at"]
                .map { "\(alias).\($0)" }.joined(separator: ", ")
        )
    }
    static let inserted = [
        "agreement_id", "commitment", "month", "requests", "met", "missed", "settled_through", "durations", "waiting", "counted_at",
    ]

    init(commitment: String, month: Period, tally: HardTally, waiting: [Int64], countedAt: Int64) {
        self.commitment = commitment
        self.month = month
        self.requests = tally.requests
        self.met = tally.met
        self.missed = tally.missed
        self.settledThrough = tally.settledThrough
        self.durations = tally.durations.map(String.init).joined(separator: ",")
        self.waiting = waiting.map(String.init).joined(separator: ",")
        self.countedAt = countedAt
    }

    init(_ row: DatabaseRow) throws {
        (self.commitment, self.month, self.requests, self.met, self.missed, self.settledThrough, self.durations, self.waiting, self.countedAt) =
            try row.decode((String, Period, Int, Int, Int, Int64, String, String, Int64).self)
    }

    var waitingIDs: [Int64] { self.waiting.split(separator: ",").compactMap { Int64($0) } }

    var tally: HardTally {
        HardTally(
            requests: self.requests,
            met: self.met,
            missed: self.missed,
            settledThrough: self.settledThrough,
            durations: self.durations.split(separator: ",").compactMap { Int64($0) }
        )
    }

    func values(agreement id: Int64) -> [DatabaseValue] {
        [
            .integer(id), .text(self.commitment), .text(self.month.description), .integer(Int64(self.requests)), .integer(Int64(self.met)),
            .integer(Int64(self.missed)), .integer(self.settledThrough), .text(self.durations), .text(self.waiting), .integer(self.countedAt),
        ]
    }
}
