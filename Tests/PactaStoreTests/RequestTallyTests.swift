import Foundation
import PactaCore
import PactaTestSupport
import Testing

@testable import PactaStore

/// The tallies kept as requests arrive always equal a recount from the stored requests, and
/// reports read from them give the figures measuring every request gives: over random imports,
/// re-imports that move and finish requests, and revisions signed on an edited calendar.
@Suite struct RequestTallyTests {
    static let ana = Fixtures.signer("ana", unit: "TI")
    static let luis = Fixtures.signer("luis", unit: "CRED")
    static let zone = TimeZone(identifier: "America/Guayaquil")!
    static let months = Period("2026-05")!.through(Period("2026-10")!)

    /// TI-CRED with one commitment of each hard metric.
    static func terms(target hours: Double) -> AgreementTerms {
        var terms = Fixtures.terms()
        terms.commitments += [
            Commitment(key: "F", name: "Primera respuesta", metric: .firstResponseWithin, target: 2 * 3600, goal: 0.8, calendar: "oficina-uio"),
            Commitment(key: "V", name: "Volumen", metric: .volume, target: 50, direction: .atMost),
            Commitment(key: "M", name: "Mediana", metric: .medianResolution, target: hours * 3600, calendar: "oficina-uio"),
            Commitment(key: "P", name: "Percentil 90", metric: .p90Resolution, target: 3 * hours * 3600, calendar: "oficina-uio", priorities: ["P2"]),
        ]
        return terms
    }

    static func text(_ instant: Int64) -> String {
        ISO8601DateFormatter().string(from: Date(timeIntervalSince1970: TimeInterval(instant)))
    }

    static let june = Int64(1_780_272_000)  // 2026-06-01 UTC

    /// A request opened in `days` (from June to mid-September by default), often close to a
    /// month's turn, maybe answered and resolved.
    static func request(_ ref: String, _ generator: inout SeededGenerator, days: Range<Int64> = 0..<105) -> RawServiceRequest {
        var opened = Self.june + Int64.random(in: (days.lowerBound * 86_400)..<(days.upperBound * 86_400), using: &generator)
        if days == 0..<105 && Bool.random(using: &generator) {
            // Within hours of a local month's end: the zones disagree on its month.
            let turn = [Period("2026-07")!, Period("2026-08")!, Period("2026-09")!].randomElement(using: &generator)!.instants(in: Self.zone).start
            opened = turn + Int64.random(in: -20_000...20_000, using: &generator)
        }
        let response = Int.random(in: 0..<4, using: &generator) == 0 ? nil : opened + Int64.random(in: 0...30_000, using: &generator)
        let resolved = response.flatMap { Bool.random(using: &generator) ? $0 + Int64.random(in: 0...400_000, using: &generator) : nil }
        return RawServiceRequest(
            externalRef: ref,
            provider: "TI",
            client: "CRED",
            service: "Correo",
            priority: ["P1", "P2"].randomElement(using: &generator)!,
            openedAt: Self.text(opened),
            firstResponseAt: response.map(Self.text) ?? "",
            resolvedAt: resolved.map(Self.text) ?? ""
        )
    }

    /// A revision on the edited calendar (and another target), signed by both sides.
    static func revise(_ store: Store, holiday: LocalDate, target: Double) async throws {
        var calendar = Fixtures.officeHours
        calendar.holidays.append(Holiday(date: holiday, name: "Feriado"))
        try await store.calendars.update(calendar, by: Fixtures.system, at: Fixtures.now)
        // A revision of an agreement in force goes to its signers at once.
        _ = try await store.agreements.revise("TI-CRED", terms: Self.terms(target: target), by: Self.ana, at: Fixtures.now, today: Fixtures.today)
        for signer in [Self.ana, Self.luis] {
            _ = try await store.agreements.signCurrentVersion("TI-CRED", by: signer, at: Fixtures.now, today: Fixtures.today)
        }
    }

    /// Stored tallies against a recount, and figures read from them against figures measured
    /// from every request, month by month and over the quarter.
    static func check(_ store: Store, _ step: String) async throws {
        let record = try #require(try await store.agreements.get("TI-CRED", visibleTo: nil))
        let document = record.measured
        let hard = document.terms.commitments.filter { $0.kind == .hard && $0.metric != .manual }
        let utc = TimeZone(identifier: "UTC")!
        let id = try #require(try await store.database.first("SELECT id FROM agreements WHERE code = 'TI-CRED'")).decode(Int64.self)
        for month in Self.months {
            let basis = try #require(RequestRepository.tallyBasis(record))
            let stored = try #require(try await store.requests.tallies(agreement: "TI-CRED", basis: basis, period: month), "\(step) \(month)")
            let span = month.instants(in: utc)
            let requests = try await store.requests.identified(agreement: id, openedFrom: span.start - 86_400, to: span.end + 86_400)
            for commitment in hard {
                let calendar = commitment.calendar.flatMap(document.calendar)
                let clock = try calendar.map {
                    try BusinessClock(calendar: $0, from: month.first.adding(days: -2), through: month.last.adding(days: 400))
                }
                let window = month.instants(in: calendar.flatMap { TimeZone(identifier: $0.timeZone) } ?? utc)
                let opened = requests.filter { window.start <= $0.request.openedAt && $0.request.openedAt < window.end }
                // As counted when the month's requests last changed.
                let row = try await store.database.first(
                    "SELECT counted_at FROM request_tallies WHERE agreement_id = \(id) AND commitment = \(commitment.key) AND month = \(month)"
                )
                let counted: Int64 = try row.map { try $0.decode(Int64.self) } ?? 0
                let recount = HardIndicators.tally(commitment, requests: opened.map(\.request), clock: clock, at: counted)
                #expect(stored.commitments[commitment.key] ?? HardTally() == recount, "\(step) \(month) \(commitment.key)")
                let waiting = opened.filter { HardIndicators.isWaiting($0.request, for: commitment, clock: clock, at: counted) }.map(\.id)
                #expect(stored.waiting[commitment.key, default: []].sorted() == waiting.sorted(), "\(step) \(month) \(commitment.key)")
            }
            let volume = try await RequestTallyReading.$isEnabled.withValue(false) {
                try await store.requests.volume(agreement: "TI-CRED", period: month)
            }
            #expect(stored.volume == volume, "\(step) \(month) volume")
        }
        // At an instant after every milestone the tallies answer; before some, the requests do.
        for evaluation in [Fixtures.now, Date(timeIntervalSince1970: 1_798_761_600)] {
            for period in Self.months + [Period("2026-Q3")!] {
                let read = try await store.hardIndicators(of: record, period: period, at: evaluation, withLines: false)
                let measured = try await RequestTallyReading.$isEnabled.withValue(false) {
                    try await store.hardIndicators(of: record, period: period, at: evaluation, withLines: false)
                }
                #expect(read.measurements == measured.measurements, "\(step) \(period) at \(evaluation)")
                #expect(
                    try await store.requests.volume(agreement: "TI-CRED", period: period)
                        == RequestTallyReading.$isEnabled.withValue(false) { try await store.requests.volume(agreement: "TI-CRED", period: period) }
                )
            }
        }
    }

    @Test(arguments: TestDatabase.available)
    func talliesEqualARecountThroughImportsReimportsAndRevisions(database: TestDatabase) async throws {
        try await database.withStore { store in
            try await store.seedOrganisation()
            _ = try await store.agreements.create(code: "TI-CRED", terms: Self.terms(target: 4), by: Self.ana, at: Fixtures.now)
            // Requests that arrive before the agreement is signed are taken when it is.
            var generator = SeededGenerator(seed: 11)
            var sent: [String: RawServiceRequest] = [:]
            func send(_ rows: [RawServiceRequest]) async throws {
                let report = try await store.requests.importRows(rows, skipInvalid: false, by: Self.ana, at: Fixtures.now, timeZone: Self.zone)
                #expect(report.committed, "\(report.problems)")
                for row in rows { sent[row.externalRef] = row }
            }
            try await send((0..<40).map { Self.request("R\($0)", &generator) })
            _ = try await store.agreements.submit("TI-CRED", by: Self.ana, at: Fixtures.now, today: Fixtures.today)
            for signer in [Self.ana, Self.luis] {
                _ = try await store.agreements.signCurrentVersion("TI-CRED", by: signer, at: Fixtures.now, today: Fixtures.today)
            }
            try await Self.check(store, "signed")

            for step in 0..<6 {
                switch step % 3 {
                case 0:
                    // New requests, and some sent again as they were.
                    let again = sent.keys.sorted().shuffled(using: &generator).prefix(5).map { sent[$0]! }
                    try await send((0..<30).map { Self.request("N\(step)-\($0)", &generator) } + again)
                case 1:
                    // Requests sent again, moved to the first days of September (the months they
                    // leave are told only by the stored rows), answered, resolved.
                    let moved = sent.keys.sorted().shuffled(using: &generator).prefix(4).map { Self.request($0, &generator, days: 93..<100) }
                    try await send(moved)
                default:
                    // The calendar gets a holiday in the months measured, and a revision is signed on it.
                    let holiday = LocalDate("2026-07-01")!.adding(days: Int.random(in: 0..<60, using: &generator))
                    try await Self.revise(store, holiday: holiday, target: Double(Int.random(in: 2...8, using: &generator)))
                }
                try await Self.check(store, "step \(step)")
            }
        }
    }

    /// A month may leave tens of thousands of requests waiting: they are read in parts, within
    /// the databases' limits on bound values (PostgreSQL takes 65 535).
    @Test(arguments: TestDatabase.available)
    func manyWaitingRequestsAreReadInParts(database: TestDatabase) async throws {
        try await database.withStore { store in
            try await store.seedActiveAgreement()
            var generator = SeededGenerator(seed: 3)
            let rows = (0..<3).map { Self.request("W\($0)", &generator) }
            _ = try await store.requests.importRows(rows, skipInvalid: false, by: Self.ana, at: Fixtures.now, timeZone: Self.zone)
            let stored = try await store.database.query("SELECT id FROM requests").map { try $0.decode(Int64.self) }
            let found = try await store.requests.requests(ids: Array(1...70_000) + stored)
            #expect(Set(found.keys) == Set(stored) && found.count == 3)
        }
    }
}
