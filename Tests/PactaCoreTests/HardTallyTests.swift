import Foundation
import PactaCore
import Testing

/// Tallies kept month by month give the figures measuring every request gives, to the second.
@Suite struct HardTallyTests {
    typealias Fixture = HardIndicatorsTests

    static let commitments = [
        Fixture.fourHours,
        Commitment(
            key: "F1",
            name: "Primera respuesta en 1 h",
            metric: .firstResponseWithin,
            target: 3600,
            goal: 0.9,
            calendar: "c",
            priorities: ["P1"]
        ),
        Commitment(key: "V", name: "Volumen", metric: .volume, target: 40, direction: .atMost),
        Commitment(key: "M", name: "Mediana", metric: .medianResolution, target: 3 * 3600, calendar: "c"),
        Commitment(key: "P90", name: "Percentil 90", metric: .p90Resolution, target: 8 * 3600, calendar: "c", priorities: ["P2"]),
    ]

    /// Requests opened over October and November 2026, some still waiting for their milestones.
    static func requests(_ generator: inout SeededGenerator) -> [ServiceRequest] {
        let start = Fixture.at("2026-10-01 00:00")
        let end = Fixture.at("2026-12-01 00:00")
        return (0..<Int.random(in: 0...60, using: &generator)).map { index in
            let opened = Int64.random(in: start..<end, using: &generator)
            let response = Bool.random(using: &generator) ? nil : opened + Int64.random(in: 0...20_000, using: &generator)
            let resolved = response.flatMap {
                Int.random(in: 0..<3, using: &generator) == 0 ? nil : $0 + Int64.random(in: 0...200_000, using: &generator)
            }
            let pauses = resolved.map { resolved in
                Bool.random(using: &generator) ? [] : [Interval(start: opened + (resolved - opened) / 3, end: opened + (resolved - opened) / 2)]
            }
            return ServiceRequest(
                externalRef: "R\(index)",
                provider: "TI",
                client: "CRED",
                service: "Correo",
                priority: ["P1", "P2"].randomElement(using: &generator)!,
                openedAt: opened,
                firstResponseAt: response,
                resolvedAt: resolved,
                pauses: pauses ?? []
            )
        }
    }

    static func opened(in period: Period, _ requests: [ServiceRequest]) -> [ServiceRequest] {
        let window = period.instants(in: TimeZone(identifier: Fixture.zone)!)
        return requests.filter { window.start <= $0.openedAt && $0.openedAt < window.end }
    }

    @Test(arguments: 0..<200)
    func monthlyTalliesAndTheWaitingRequestsMeasureAsEveryRequestDoes(seed: UInt64) throws {
        var generator = SeededGenerator(seed: seed)
        let requests = Self.requests(&generator)
        let months = [Period("2026-10")!, Period("2026-11")!]
        // Counted at any time, even before some of the milestones stored (a ticket tool's clock
        // ahead of ours), then evaluated then or later.
        let counted = Fixture.at("2026-11-20 12:00") + Int64.random(in: 0...1_000_000, using: &generator)
        let evaluation = counted + (Bool.random(using: &generator) ? 0 : Int64.random(in: 0...600_000, using: &generator))
        for commitment in Self.commitments {
            let tallies = months.map { HardIndicators.tally(commitment, requests: Self.opened(in: $0, requests), clock: Fixture.clock, at: counted) }
            let waiting = requests.filter { HardIndicators.isWaiting($0, for: commitment, clock: Fixture.clock, at: counted) }
            for (period, tally) in [(months[0], tallies[0]), (months[1], tallies[1]), (Period("2026-Q4")!, tallies[0] + tallies[1])] {
                let expected = HardIndicators.measure(commitment, requests: Self.opened(in: period, requests), clock: Fixture.clock, at: evaluation)
                let measured = HardIndicators.measure(
                    commitment,
                    tally: tally,
                    waiting: Self.opened(in: period, waiting),
                    clock: Fixture.clock,
                    at: evaluation
                )
                #expect(measured != nil, "evaluated when counted or later, the tally answers")
                #expect(measured == expected, "\(commitment.key) \(period) seed \(seed)")
            }
        }
    }

    @Test func aTallyCannotAnswerForAnInstantBeforeAMilestoneItCounted() throws {
        let request = Fixture.request("A", opened: "2026-10-05 09:00", response: "2026-10-05 09:30", resolved: "2026-10-05 11:00")
        let tally = HardIndicators.tally(Fixture.fourHours, requests: [request], clock: Fixture.clock, at: Fixture.at("2026-10-06 09:00"))
        #expect(tally == HardTally(requests: 1, met: 1, settledThrough: Fixture.at("2026-10-05 11:00")))
        #expect(HardIndicators.measure(Fixture.fourHours, tally: tally, waiting: [], clock: Fixture.clock, at: Fixture.at("2026-10-05 10:59")) == nil)
        let measured = try #require(
            HardIndicators.measure(Fixture.fourHours, tally: tally, waiting: [], clock: Fixture.clock, at: Fixture.at("2026-10-05 11:00"))
        )
        #expect(measured.met == 1 && measured.status == .met)
    }

    @Test func aMilestoneMoreThanAYearAfterTheOpeningIsLeftToTheReport() {
        let late = Fixture.request("A", opened: "2026-10-05 09:00", resolved: "2027-10-06 09:00")
        let tally = HardIndicators.tally(Fixture.fourHours, requests: [late], clock: Fixture.clock, at: Fixture.at("2027-11-01 09:00"))
        #expect(tally.settledThrough == .max)
        #expect(HardIndicators.measure(Fixture.fourHours, tally: tally, waiting: [], clock: Fixture.clock, at: .max - 1) == nil)
    }

    @Test func aRequestWaitingPastItsTargetIsMissedForGoodAndOneWithinItIsLeftToTheReport() throws {
        let overdue = Fixture.request("A", opened: "2026-10-05 09:00")
        let recent = Fixture.request("B", opened: "2026-10-06 15:00")
        let counted = Fixture.at("2026-10-06 16:00")
        let tally = HardIndicators.tally(Fixture.fourHours, requests: [overdue, recent], clock: Fixture.clock, at: counted)
        #expect(tally == HardTally(requests: 2, missed: 1, settledThrough: counted))
        #expect(!HardIndicators.isWaiting(overdue, for: Fixture.fourHours, clock: Fixture.clock, at: counted))
        #expect(HardIndicators.isWaiting(recent, for: Fixture.fourHours, clock: Fixture.clock, at: counted))
        // Evaluated the next afternoon, B has passed its four hours too.
        let later = try #require(
            HardIndicators.measure(Fixture.fourHours, tally: tally, waiting: [recent], clock: Fixture.clock, at: Fixture.at("2026-10-07 16:00"))
        )
        #expect(later.missed == 2 && later.pending == 0 && later.status == .notMet)
        #expect(HardIndicators.measure(Fixture.fourHours, tally: tally, waiting: [recent], clock: Fixture.clock, at: counted - 1) == nil)
    }

    @Test func aQuarterIsItsThreeMonths() {
        #expect(Period("2026-Q4")!.months == [Period("2026-10")!, Period("2026-11")!, Period("2026-12")!])
        #expect(Period("2026-02")!.months == [Period("2026-02")!])
        let sum = HardTally(requests: 2, met: 1, missed: 1, settledThrough: 5, durations: [1, 4]) + HardTally(requests: 1, durations: [2])
        #expect(sum == HardTally(requests: 3, met: 1, missed: 1, settledThrough: 5, durations: [1, 2, 4]))
    }
}
