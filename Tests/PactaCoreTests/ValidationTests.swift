import Foundation
import PactaCore
import PactaTestSupport
import Testing

@Suite struct ValidationTests {
    @Test func calendarsNeedARealZoneAndOrderedIntervals() throws {
        #expect(throws: Never.self) { try Fixtures.officeHours.validate() }
        var calendar = Fixtures.officeHours
        calendar.timeZone = "America/Atlantis"
        calendar.hours[.monday] = [TimeRange("14:00-17:00")!, TimeRange("08:00-13:00")!]
        calendar.hours[.tuesday] = [TimeRange("09:00-09:00")!]
        calendar.holidays.append(calendar.holidays[0])
        let error = try #require(throws: ValidationError.self) { try calendar.validate() }
        #expect(error.issues.map(\.field) == ["time_zone", "hours.monday[1]", "hours.tuesday[0]", "holidays[1].date"])
        #expect(error.issues.map(\.code) == ["invalid_time_zone", "interval_overlap", "interval_reversed", "duplicate_holiday"])
    }

    @Test func aCalendarWithoutHoursIsRejected() throws {
        var calendar = Fixtures.officeHours
        calendar.hours = WeeklyHours()
        let error = try #require(throws: ValidationError.self) { try calendar.validate() }
        #expect(error.issues.map(\.code) == ["no_business_hours"])
    }

    @Test func termsReportEveryProblemWithItsField() throws {
        var terms = Fixtures.terms(client: "TI")
        terms.title = " "
        terms.validTo = LocalDate("2025-12-31")!
        terms.commitments[0].goal = 1.5
        terms.commitments[0].calendar = nil
        terms.commitments[1].key = "C1"
        terms.commitments[1].weight = 0
        let error = try #require(throws: ValidationError.self) { try terms.validate() }
        #expect(
            error.issues.map(\.field) == [
                "title", "client", "valid_to", "commitments[0].goal", "commitments[0].calendar", "commitments[1].weight",
                "commitments[1].key",
            ]
        )
    }

    @Test func metricsAndKindsMustAgree() throws {
        var commitment = Commitment(key: "K", name: "x", kind: .soft, metric: .volume, target: 10)
        var validator = Validator()
        commitment.validate(into: &validator)
        #expect(validator.issues.map(\.code) == ["kind_mismatch"])
        commitment = Commitment(key: "K", name: "x", metric: .p90Resolution, target: 0, goal: 0.9, calendar: "c")
        validator = Validator()
        commitment.validate(into: &validator)
        #expect(validator.issues.map(\.code) == ["invalid_target", "goal_not_allowed"])
    }

    @Test func timeTargetsAreAtMostAYear() {
        var validator = Validator()
        Commitment(key: "K", name: "x", metric: .resolutionWithin, target: 1e30, goal: 0.9, calendar: "c").validate(into: &validator)
        #expect(validator.issues.map(\.code) == ["invalid_target"])
        // A stored value beyond it is clamped where it is used, never trapping.
        #expect(Commitment(key: "K", name: "x", metric: .resolutionWithin, target: 1e30).targetSeconds == 366 * 86_400)
        #expect(Commitment(key: "K", name: "x", metric: .resolutionWithin, target: 8 * 3600).targetSeconds == 28_800)
    }

    @Test(arguments: ["", "a b", "-x", String(repeating: "a", count: 41), "ñandú"])
    func badCodes(code: String) {
        #expect(!Code.isValid(code))
    }

    @Test(arguments: ["TI", "ti-01", "a.b_c", "9"])
    func goodCodes(code: String) {
        #expect(Code.isValid(code))
    }

    @Test func localDatesParseStrictlyAndKnowTheirWeekday() {
        #expect(LocalDate("2026-02-29") == nil)
        #expect(LocalDate("2028-02-29") != nil)
        #expect(LocalDate("2026-1-01") == nil)
        #expect(LocalDate("2026-11-24")!.weekday == .tuesday)
        #expect(LocalDate("1969-12-31")!.daysSinceEpoch == -1)
        for days in stride(from: -800_000, to: 800_000, by: 997) {
            #expect(LocalDate(daysSinceEpoch: days).daysSinceEpoch == days)
        }
    }

    @Test func localTimes() {
        #expect(LocalTime("24:00")?.minutes == 1440)
        #expect(LocalTime("24:01") == nil)
        #expect(LocalTime("7:00") == nil)
        #expect(TimeRange("08:30-13:00")?.description == "08:30-13:00")
    }
}

@Suite struct LocalDateInZoneTests {
    @Test func localDateFollowsTheZone() {
        // 2026-09-21 03:00 UTC is still the 20th in Guayaquil (UTC−5) and already the 21st in Madrid (UTC+2).
        let instant = Date(timeIntervalSince1970: TimeInterval(LocalDate("2026-09-21")!.daysSinceEpoch * 86_400 + 3 * 3600))
        #expect(LocalDate(instant, in: TimeZone(identifier: "UTC")!) == LocalDate("2026-09-21"))
        #expect(LocalDate(instant, in: TimeZone(identifier: "America/Guayaquil")!) == LocalDate("2026-09-20"))
        #expect(LocalDate(instant, in: TimeZone(identifier: "Europe/Madrid")!) == LocalDate("2026-09-21"))
    }
}
