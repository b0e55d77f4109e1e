import Foundation
import PactaCore
import Testing

/// SPEC "Time commitment", rule by rule, on Mon–Fri 08:00–17:00 in Guayaquil.
@Suite struct HardIndicatorsTests {
    static let zone = "America/Guayaquil"
    static let clock = try! BusinessClock(
        calendar: BusinessClockTests.calendar(zone, BusinessClockTests.weekdays, ["08:00-17:00"]),
        from: LocalDate("2026-01-01")!,
        through: LocalDate("2027-12-31")!
    )
    static func at(_ text: String) -> Int64 { BusinessClockTests.instant(text, zone) }

    static func request(_ ref: String, opened: String, response: String? = nil, resolved: String? = nil, priority: String = "P1") -> ServiceRequest {
        ServiceRequest(
            externalRef: ref,
            provider: "TI",
            client: "CRED",
            service: "Correo",
            priority: priority,
            openedAt: Self.at(opened),
            firstResponseAt: response.map(Self.at),
            resolvedAt: resolved.map(Self.at)
        )
    }

    static let fourHours = Commitment(key: "R4", name: "Resuelto en 4 h", metric: .resolutionWithin, target: 4 * 3600, goal: 0.75, calendar: "c")

    @Test func metWhenTheMilestoneHappenedWithinTheTarget() {
        let request = Self.request("A", opened: "2026-10-05 09:00", resolved: "2026-10-05 13:00")
        let evaluation = HardIndicators.evaluate(
            request,
            metric: .resolutionWithin,
            target: 4 * 3600,
            clock: Self.clock,
            at: Self.at("2026-11-01 00:00")
        )
        #expect(evaluation.outcome == .met && evaluation.businessSeconds == 4 * 3600)
    }

    @Test func missedWhenTheMilestoneHappenedLate() {
        let request = Self.request("A", opened: "2026-10-05 09:00", resolved: "2026-10-05 13:01")
        #expect(
            HardIndicators.evaluate(request, metric: .resolutionWithin, target: 4 * 3600, clock: Self.clock, at: Self.at("2026-11-01 00:00")).outcome
                == .missed
        )
    }

    @Test func missedWhenNotHappenedAndTheTargetIsAlreadyExceeded() {
        let request = Self.request("A", opened: "2026-10-05 09:00")
        let evaluation = HardIndicators.evaluate(
            request,
            metric: .resolutionWithin,
            target: 4 * 3600,
            clock: Self.clock,
            at: Self.at("2026-10-05 13:00") + 1
        )
        #expect(evaluation.outcome == .missed && evaluation.businessSeconds == 4 * 3600 + 1)
    }

    @Test func pendingWhenNotHappenedAndWithinTheTarget() {
        let request = Self.request("A", opened: "2026-10-05 16:00")
        // Monday 16:00 to Tuesday 08:00: the evening and the night do not count, one business hour does.
        let evaluation = HardIndicators.evaluate(
            request,
            metric: .resolutionWithin,
            target: 4 * 3600,
            clock: Self.clock,
            at: Self.at("2026-10-06 08:00")
        )
        #expect(evaluation.outcome == .pending && evaluation.businessSeconds == 3600)
    }

    @Test func aMilestoneAfterTheEvaluationInstantHasNotHappenedYet() {
        let request = Self.request("A", opened: "2026-10-05 09:00", resolved: "2026-10-05 10:00")
        #expect(
            HardIndicators.evaluate(request, metric: .resolutionWithin, target: 4 * 3600, clock: Self.clock, at: Self.at("2026-10-05 09:30")).outcome
                == .pending
        )
    }

    @Test func firstResponseUsesItsOwnMilestone() {
        let request = Self.request("A", opened: "2026-10-05 09:00", response: "2026-10-05 09:20", resolved: "2026-10-07 09:00")
        let evaluation = HardIndicators.evaluate(
            request,
            metric: .firstResponseWithin,
            target: 1800,
            clock: Self.clock,
            at: Self.at("2026-11-01 00:00")
        )
        #expect(evaluation.outcome == .met && evaluation.businessSeconds == 1200)
    }

    @Test func theShareCountsOnlyKnownOutcomesAndIsComparedWithTheGoal() {
        let requests = [
            Self.request("met1", opened: "2026-10-05 09:00", resolved: "2026-10-05 10:00"),
            Self.request("met2", opened: "2026-10-05 09:00", resolved: "2026-10-05 12:00"),
            Self.request("met3", opened: "2026-10-05 09:00", resolved: "2026-10-05 13:00"),
            Self.request("late", opened: "2026-10-05 09:00", resolved: "2026-10-06 09:00"),
            Self.request("open", opened: "2026-10-05 16:30"),
            Self.request("other priority", opened: "2026-10-05 09:00", resolved: "2026-10-09 09:00", priority: "P3"),
        ]
        var commitment = Self.fourHours
        commitment.priorities = ["P1"]
        let measurement = HardIndicators.measure(commitment, requests: requests, clock: Self.clock, at: Self.at("2026-10-05 17:00"))
        #expect(measurement.requests == 5)
        #expect((measurement.met, measurement.missed, measurement.pending) == (3, 1, 1))
        #expect(measurement.value == 0.75)
        #expect(measurement.status == .met)
        commitment.goal = 0.8
        #expect(HardIndicators.measure(commitment, requests: requests, clock: Self.clock, at: Self.at("2026-10-05 17:00")).status == .notMet)
    }

    @Test func noKnownOutcomeIsNoDataNeverMet() {
        let measurement = HardIndicators.measure(
            Self.fourHours,
            requests: [Self.request("open", opened: "2026-10-05 16:30")],
            clock: Self.clock,
            at: Self.at("2026-10-05 17:00")
        )
        #expect(measurement.pending == 1 && measurement.value == nil && measurement.status == .noData)
        #expect(HardIndicators.measure(Self.fourHours, requests: [], clock: Self.clock, at: 0).status == .noData)
    }

    @Test func volumeCountsRequestsOpened() {
        let requests = (0..<12).map { Self.request("R\($0)", opened: "2026-10-05 09:00") }
        let commitment = Commitment(key: "V", name: "Volumen", metric: .volume, target: 10, direction: .atMost)
        let measurement = HardIndicators.measure(commitment, requests: requests, clock: nil, at: 0)
        #expect(measurement.value == 12 && measurement.status == .notMet)
    }

    @Test func percentilesUseTheNearestRank() {
        #expect(HardIndicators.nearestRank([], percentile: 50) == nil)
        #expect(HardIndicators.nearestRank([7], percentile: 90) == 7)
        #expect(HardIndicators.nearestRank([15, 20, 35, 40, 50], percentile: 50) == 35)
        #expect(HardIndicators.nearestRank(Array(1...10).map(Int64.init), percentile: 90) == 9)
        #expect(HardIndicators.nearestRank(Array(1...11).map(Int64.init), percentile: 90) == 10)
        let requests = [1, 2, 3, 4, 5].map { Self.request("R\($0)", opened: "2026-10-05 08:00", resolved: "2026-10-05 \(8 + $0):00") }
        let median = Commitment(key: "M", name: "Mediana", metric: .medianResolution, target: 3 * 3600, calendar: "c")
        let measurement = HardIndicators.measure(median, requests: requests, clock: Self.clock, at: Self.at("2026-11-01 00:00"))
        #expect(measurement.value == 3 * 3600 && measurement.status == .met)
    }

    @Test func aRequestBelongsToThePeriodOfItsOpeningInTheCalendarsZone() {
        // 2026-10-31 23:30 in Guayaquil is already November in UTC.
        let opened = Self.at("2026-10-31 23:30")
        let day = LocalDate(Date(timeIntervalSince1970: TimeInterval(opened)), in: TimeZone(identifier: Self.zone)!)
        #expect(Period.containing(day, cadence: .monthly) == Period("2026-10"))
        #expect(Period.containing(day, cadence: .quarterly).description == "2026-Q4")
        #expect(Period("2026-10")!.instants(in: TimeZone(identifier: Self.zone)!).end == Self.at("2026-11-01 00:00"))
        #expect(Period("2026-13") == nil && Period("2026-Q5") == nil && Period("26-10") == nil)
    }

    @Test func openRequestsPastTheThresholdAreWarnedBeforeTheBreach() {
        let request = Self.request("A", opened: "2026-10-05 09:00")
        func warning(_ now: String, _ request: ServiceRequest = Self.request("A", opened: "2026-10-05 09:00")) -> BreachWarning? {
            HardIndicators.warning(for: request, commitment: Self.fourHours, clock: Self.clock, now: Self.at(now), threshold: 0.75)
        }
        #expect(warning("2026-10-05 11:59") == nil)
        #expect(warning("2026-10-05 12:00")?.ratio == 0.75)
        #expect(warning("2026-10-05 12:00")?.isBreached == false)
        #expect(warning("2026-10-06 09:00")?.isBreached == true)
        var resolved = request
        resolved.resolvedAt = Self.at("2026-10-05 11:00")
        #expect(warning("2026-10-06 09:00", resolved) == nil)
        var otherPriority = request
        otherPriority.priority = "P9"
        var commitment = Self.fourHours
        commitment.priorities = ["P1"]
        #expect(
            HardIndicators.warning(for: otherPriority, commitment: commitment, clock: Self.clock, now: Self.at("2026-10-06 09:00"), threshold: 0.75)
                == nil
        )
    }
}
