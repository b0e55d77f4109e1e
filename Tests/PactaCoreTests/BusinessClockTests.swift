import Foundation
import PactaCore
import PropertyBased
import Testing

@Suite struct BusinessClockTests {
    static func calendar(
        _ zone: String,
        _ days: [Weekday],
        _ ranges: [String],
        holidays: [String] = []
    ) -> BusinessCalendar {
        BusinessCalendar(
            code: "c",
            name: "c",
            timeZone: zone,
            hours: WeeklyHours(Dictionary(uniqueKeysWithValues: days.map { ($0, ranges.map { TimeRange($0)! }) })),
            holidays: holidays.map { Holiday(date: LocalDate($0)!) }
        )
    }

    static let weekdays: [Weekday] = [.monday, .tuesday, .wednesday, .thursday, .friday]

    /// Unix seconds of a local wall time in `zone`, e.g. `"2026-11-20 21:00"`.
    static func instant(_ text: String, _ zone: String) -> Int64 {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: zone)!
        let parts = text.split(whereSeparator: { $0 == "-" || $0 == " " || $0 == ":" }).map { Int($0)! }
        let date = calendar.date(from: DateComponents(year: parts[0], month: parts[1], day: parts[2], hour: parts[3], minute: parts[4]))!
        return Int64(date.timeIntervalSince1970)
    }

    @Test func fridayNightToMondayMorningCountsOnlyMondayHours() throws {
        let zone = "America/Guayaquil"
        let clock = try BusinessClock(calendar: Self.calendar(zone, Self.weekdays, ["08:00-17:00"]))
        // 2026-11-20 is a Friday.
        let elapsed = clock.elapsed(from: Self.instant("2026-11-20 21:00", zone), to: Self.instant("2026-11-23 09:30", zone))
        #expect(elapsed == 90 * 60)
    }

    @Test func aWeekOfSplitShiftsIsFortyHours() throws {
        let zone = "America/Guayaquil"
        let clock = try BusinessClock(calendar: Self.calendar(zone, Self.weekdays, ["09:00-12:00", "13:00-18:00"]))
        let elapsed = clock.elapsed(from: Self.instant("2026-11-16 09:00", zone), to: Self.instant("2026-11-20 18:00", zone))
        #expect(elapsed == 40 * 3600)
    }

    @Test(arguments: [
        ("Europe/Madrid", "2026-03-28", 47), ("Europe/Madrid", "2026-10-24", 49),
        ("America/Santiago", "2026-04-04", 49), ("America/Santiago", "2026-09-05", 47),
    ])
    func daylightSavingWeekendsOnA24x7Calendar(zone: String, saturday: String, hours: Int64) throws {
        let clock = try BusinessClock(calendar: Self.calendar(zone, Weekday.allCases, ["00:00-24:00"]))
        let start = Self.instant("\(saturday) 00:00", zone)
        let monday = LocalDate(saturday)!.adding(days: 2).description
        let end = Self.instant("\(monday) 00:00", zone)
        #expect(end - start == hours * 3600, "the zone's rules as this machine's tzdata knows them")
        #expect(clock.elapsed(from: start, to: end) == hours * 3600)
        // Around the clock the business time is simply the time that passed, to the second.
        #expect(clock.elapsed(from: start + 17, to: end - 3) == end - start - 20)
    }

    @Test func holidaysAreWholeLocalDaysOff() throws {
        let zone = "America/Guayaquil"
        let clock = try BusinessClock(calendar: Self.calendar(zone, Self.weekdays, ["08:00-17:00"], holidays: ["2026-11-02", "2026-11-03"]))
        let elapsed = clock.elapsed(from: Self.instant("2026-10-30 16:00", zone), to: Self.instant("2026-11-04 09:00", zone))
        #expect(elapsed == 2 * 3600)
    }

    @Test func aPauseOverAWeekendRemovesOnlyBusinessTime() throws {
        let zone = "America/Guayaquil"
        let clock = try BusinessClock(calendar: Self.calendar(zone, Self.weekdays, ["08:00-17:00"]))
        let opened = Self.instant("2026-11-20 16:00", zone)
        let resolved = Self.instant("2026-11-23 12:00", zone)
        let pause = Interval(start: Self.instant("2026-11-20 17:00", zone), end: Self.instant("2026-11-23 10:00", zone))
        // Friday 16–17 and Monday 08–12 are business time; the pause takes Monday 08–10 only.
        #expect(clock.elapsed(from: opened, to: resolved, pauses: [pause]) == 3 * 3600)
    }

    @Test func overlappingPausesCountOnce() throws {
        let zone = "UTC"
        let clock = try BusinessClock(calendar: Self.calendar(zone, Self.weekdays, ["08:00-17:00"]))
        let day = "2026-11-23"
        let pauses = [
            Interval(start: Self.instant("\(day) 09:00", zone), end: Self.instant("\(day) 10:00", zone)),
            Interval(start: Self.instant("\(day) 09:30", zone), end: Self.instant("\(day) 11:00", zone)),
            Interval(start: Self.instant("\(day) 16:30", zone), end: Self.instant("\(day) 20:00", zone)),
        ]
        let elapsed = clock.elapsed(from: Self.instant("\(day) 08:00", zone), to: Self.instant("\(day) 17:00", zone), pauses: pauses)
        #expect(elapsed == 9 * 3600 - 2 * 3600 - 1800)
    }

    @Test func emptyAndReversedSpansAreZero() throws {
        let clock = try BusinessClock(calendar: Self.calendar("UTC", Weekday.allCases, ["00:00-24:00"]))
        let t = Self.instant("2026-06-01 10:00", "UTC")
        #expect(clock.elapsed(from: t, to: t) == 0)
        #expect(clock.elapsed(from: t, to: t - 60) == 0)
    }

    // MARK: - Against a brute-force reference

    static let zones = ["America/Guayaquil", "Europe/Madrid", "America/Santiago", "America/Mexico_City", "UTC", "Asia/Kolkata"]
    static let patterns: [[String]] = [
        ["08:00-17:00"], ["09:00-12:00", "13:00-18:00"], ["00:00-24:00"], ["01:30-02:30", "22:00-24:00"], ["00:00-03:00", "12:15-12:45"],
    ]

    /// Minute by minute: is this minute business time? A direct reading of the rules, in Foundation's calendar.
    static func bruteForce(_ calendar: BusinessCalendar, from start: Int64, to end: Int64, pauses: [Interval]) -> Int64 {
        var gregorian = Calendar(identifier: .gregorian)
        gregorian.timeZone = TimeZone(identifier: calendar.timeZone)!
        let holidays = Set(calendar.holidays.map(\.date))
        var total: Int64 = 0
        var t = start
        while t < end {
            defer { t += 60 }
            if pauses.contains(where: { $0.start <= t && t < $0.end }) { continue }
            let parts = gregorian.dateComponents([.year, .month, .day, .hour, .minute], from: Date(timeIntervalSince1970: TimeInterval(t)))
            let date = LocalDate(year: parts.year!, month: parts.month!, day: parts.day!)!
            if holidays.contains(date) { continue }
            let minute = parts.hour! * 60 + parts.minute!
            if calendar.hours[date.weekday].contains(where: { $0.start.minutes <= minute && minute < $0.end.minutes }) {
                total += 60
            }
        }
        return total
    }

    @Test(arguments: [
        ("Europe/Madrid", "2026-03-28"), ("Europe/Madrid", "2026-10-24"), ("America/Santiago", "2026-04-04"), ("America/Santiago", "2026-09-05"),
    ])
    func matchesTheReferenceAcrossDaylightSavingChanges(zone: String, saturday: String) throws {
        let start = Self.instant("\(saturday) 00:00", zone) - 86_400
        for pattern in Self.patterns {
            let calendar = Self.calendar(zone, Weekday.allCases, pattern)
            let clock = try BusinessClock(calendar: calendar, from: LocalDate("2026-01-01")!, through: LocalDate("2026-12-31")!)
            for offset in stride(from: Int64(0), to: 3 * 86_400, by: 97 * 60) {
                let end = start + offset + 26 * 3600
                #expect(
                    clock.elapsed(from: start + offset, to: end) == Self.bruteForce(calendar, from: start + offset, to: end, pauses: []),
                    "\(zone) \(pattern) from \(start + offset)"
                )
            }
        }
    }

    @Test func theInstantATargetIsReachedIsTheFirstWithThatMuchBusinessTime() throws {
        let zone = "America/Guayaquil"
        let clock = try BusinessClock(calendar: Self.calendar(zone, Self.weekdays, ["08:00-17:00"]))
        let friday = Self.instant("2026-11-20 21:00", zone)
        #expect(clock.instant(after: friday, businessSeconds: 90 * 60) == Self.instant("2026-11-23 09:30", zone))
        // A pause on Monday morning pushes it back by its business part.
        let pause = Interval(start: Self.instant("2026-11-23 07:00", zone), end: Self.instant("2026-11-23 09:00", zone))
        #expect(clock.instant(after: friday, businessSeconds: 90 * 60, pauses: [pause]) == Self.instant("2026-11-23 10:30", zone))
        #expect(clock.instant(after: friday, businessSeconds: 0) == friday)
        #expect(clock.instant(after: friday, businessSeconds: 200 * 365 * 86_400) == nil, "beyond the clock's days")
    }

    @Test func theInstantATargetIsReachedInvertsElapsedTime() async throws {
        let zone = "America/Santiago"
        let clock = try BusinessClock(calendar: Self.calendar(zone, Self.weekdays, ["08:30-13:00", "14:00-17:30"]))
        let base = Self.instant("2026-01-01 00:00", "UTC")
        await propertyCheck(count: 200, input: Gen.int(in: 0...(365 * 86_400)), Gen.int(in: 1...(30 * 8 * 3600))) { offset, seconds in
            let start = base + Int64(offset)
            let reached = try #require(clock.instant(after: start, businessSeconds: Int64(seconds)))
            #expect(clock.elapsed(from: start, to: reached) == Int64(seconds))
            #expect(clock.elapsed(from: start, to: reached - 1) < Int64(seconds))
        }
    }

    @Test func matchesABruteForceReference() async throws {
        // Minute-aligned instants in 2026, including both daylight-saving weekends of every zone above.
        let minute = Gen.int(in: 0...(365 * 24 * 60 - 1))
        let span = Gen.int(in: 0...(4 * 24 * 60))
        let base = Self.instant("2026-01-01 00:00", "UTC")
        await propertyCheck(
            count: 150,
            input: Gen.int(in: 0...(Self.zones.count - 1)),
            Gen.int(in: 0...(Self.patterns.count - 1)),
            minute,
            span,
            Gen.int(in: 0...(24 * 60)),
            Gen.int(in: 0...(2 * 24 * 60))
        ) { zoneIndex, patternIndex, startMinute, spanMinutes, pauseOffset, pauseLength in
            let zone = Self.zones[zoneIndex]
            let start = base + Int64(startMinute) * 60
            let end = start + Int64(spanMinutes) * 60
            let holiday = LocalDate(start - 86_400 * 0 + 86_400, in: TimeZone(identifier: zone)!)
            let days: [Weekday] = patternIndex % 2 == 0 ? Weekday.allCases : [.monday, .tuesday, .wednesday, .thursday, .friday, .saturday]
            let calendar = Self.calendar(zone, days, Self.patterns[patternIndex], holidays: [holiday.description])
            let pause = Interval(start: start + Int64(pauseOffset) * 60, end: start + Int64(pauseOffset + pauseLength) * 60)
            let clock = try! BusinessClock(calendar: calendar, from: LocalDate("2025-12-01")!, through: LocalDate("2027-02-01")!)
            #expect(
                clock.elapsed(from: start, to: end, pauses: [pause]) == Self.bruteForce(calendar, from: start, to: end, pauses: [pause]),
                "\(zone) \(Self.patterns[patternIndex]) from \(start) to \(end) pause \(pause)"
            )
        }
    }
}

extension LocalDate {
    init(_ instant: Int64, in zone: TimeZone) {
        self.init(Date(timeIntervalSince1970: TimeInterval(instant)), in: zone)
    }
}
