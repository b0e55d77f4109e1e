import Foundation
import PactaCore
import Testing

/// Durations measured when a request is stored serve reports only while the calendar's rules hold.
@Suite struct MeasuredDurationsTests {
    static let calendar = BusinessClockTests.calendar("America/Guayaquil", BusinessClockTests.weekdays, ["08:00-17:00"])
    static let clock = try! BusinessClock(calendar: Self.calendar, from: LocalDate("2026-01-01")!, through: LocalDate("2027-12-31")!)

    /// Opened Monday 09:00, answered 09:30, resolved 13:00: 30 min and 4 h of business time.
    static let request = HardIndicatorsTests.request("A", opened: "2026-10-05 09:00", response: "2026-10-05 09:30", resolved: "2026-10-05 13:00")

    @Test func measuringGivesBothDurationsOnTheClocksCalendar() {
        let measured = Self.request.measuring(on: Self.clock)
        #expect(measured == MeasuredDurations(calendar: Self.calendar.fingerprint, firstResponse: 1800, resolution: 4 * 3600))
        var open = Self.request
        open.resolvedAt = nil
        #expect(open.measuring(on: Self.clock) == MeasuredDurations(calendar: Self.calendar.fingerprint, firstResponse: 1800, resolution: nil))
    }

    @Test func nothingIsMeasuredOutsideTheClocksDays() {
        // The clock covers 2026–2027: a request of 2025 cannot be measured on it, and is not stored as such.
        let old = HardIndicatorsTests.request("A", opened: "2025-06-02 09:00", resolved: "2025-06-02 10:00")
        #expect(old.measuring(on: Self.clock) == nil)
        var late = Self.request
        late.resolvedAt = HardIndicatorsTests.at("2028-01-03 10:00")
        #expect(late.measuring(on: Self.clock) == nil)
    }

    @Test func theFingerprintFollowsTheRulesNotTheName() {
        var renamed = Self.calendar
        renamed.name = "Otro nombre"
        renamed.code = "otro"
        #expect(renamed.fingerprint == Self.calendar.fingerprint)
        var withHoliday = Self.calendar
        withHoliday.holidays.append(Holiday(date: LocalDate("2026-10-05")!))
        #expect(withHoliday.fingerprint != Self.calendar.fingerprint)
        var otherZone = Self.calendar
        otherZone.timeZone = "America/Bogota"
        #expect(otherZone.fingerprint != Self.calendar.fingerprint)
    }

    @Test func storedDurationsServeWhileTheFingerprintMatches() {
        // A stored value that differs from the clock's shows which one the evaluation used.
        var request = Self.request
        request.measured = MeasuredDurations(calendar: Self.clock.fingerprint, firstResponse: 60, resolution: 5 * 3600)
        let evaluation = HardIndicators.evaluate(
            request,
            metric: .resolutionWithin,
            target: 4 * 3600,
            clock: Self.clock,
            at: HardIndicatorsTests.at("2026-11-01 00:00")
        )
        #expect(evaluation.businessSeconds == 5 * 3600 && evaluation.outcome == .missed)
        #expect(request.businessSeconds(to: .firstResponse, on: Self.clock) == 60)

        request.measured?.calendar &+= 1
        // (A literal: the expectation macro compares an optional with `4 * 3600` as Int, and fails.)
        #expect(request.businessSeconds(to: .resolution, on: Self.clock) == 14_400, "measured on other rules: measured again")
        #expect(request.businessSeconds(to: .firstResponse, on: Self.clock) == 1800)
    }

    @Test func aMilestoneAfterTheEvaluationInstantHasNotHappenedYet() {
        var request = Self.request
        request.measured = request.measuring(on: Self.clock)
        let evaluation = HardIndicators.evaluate(
            request,
            metric: .resolutionWithin,
            target: 4 * 3600,
            clock: Self.clock,
            at: HardIndicatorsTests.at("2026-10-05 10:00")
        )
        #expect(evaluation.outcome == .pending && evaluation.businessSeconds == 3600)
    }

    @Test func fixedZonesAreIANAZones() {
        #expect(BusinessCalendar.isIANATimeZone("Etc/UTC"))
        #expect(BusinessCalendar.isIANATimeZone("UTC"))
        #expect(BusinessCalendar.isIANATimeZone("America/Guayaquil"))
        #expect(!BusinessCalendar.isIANATimeZone("Mars/Olympus"))
    }
}
