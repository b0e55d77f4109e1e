import Foundation

/// Business elapsed time on one calendar, exact to the second.
///
/// Built once per calendar: every local day of the covered range is turned into its business
/// intervals as UTC instants (daylight-saving changes applied day by day, holidays left out),
/// with a running total of business seconds before each day. Then the business time before any
/// instant is that total plus a few clamps within its day, and the business time between two
/// instants is a difference: O(1) whatever the span, O(pauses) with pauses.
public struct BusinessClock: Sendable {
    /// First local day covered.
    public let firstDay: LocalDate
    /// Last local day covered.
    public let lastDay: LocalDate
    /// The calendar's ``BusinessCalendar/fingerprint``.
    public let fingerprint: Int64

    /// UTC instant of each covered day's local midnight, plus one past the last day.
    private let dayStarts: [Int64]
    /// Business seconds of all covered days before each day, plus the total.
    private let cumulative: [Int64]
    /// Index into `intervals` of each day's first interval, plus the end.
    private let firstInterval: [Int32]
    /// Every business interval of every day, as UTC instants.
    private let intervals: [Interval]
    /// A UTC offset near the zone's usual one, to guess the day of an instant.
    private let typicalOffset: Int64

    /// Builds the clock of `calendar` for the local days `from` through `through`.
    public init(
        calendar: BusinessCalendar,
        from: LocalDate = LocalDate(year: 2000, month: 1, day: 1)!,
        through: LocalDate = LocalDate(year: 2080, month: 12, day: 31)!
    ) throws(ValidationError) {
        guard let zone = TimeZone(identifier: calendar.timeZone) else {
            throw ValidationError(field: "time_zone", code: "invalid_time_zone", message: "'\(calendar.timeZone)' is not an IANA time zone.")
        }
        precondition(from <= through, "BusinessClock needs a non-empty range of days")
        let holidays = Set(calendar.holidays.map(\.date.daysSinceEpoch))
        let converter = LocalTimeConverter(zone: zone)
        let first = from.daysSinceEpoch
        let last = through.daysSinceEpoch
        var dayStarts: [Int64] = []
        var cumulative: [Int64] = [0]
        var firstInterval: [Int32] = []
        var intervals: [Interval] = []
        dayStarts.reserveCapacity(last - first + 2)
        cumulative.reserveCapacity(last - first + 2)
        firstInterval.reserveCapacity(last - first + 2)
        var total: Int64 = 0
        for day in first...last {
            let localMidnight = Int64(day) * 86_400
            // Most days have one offset throughout; around a daylight-saving change, the offset
            // before and after the change (the `transition`) apply on either side of it.
            let offsets = converter.offsets(forDayAt: localMidnight)
            dayStarts.append(offsets.constant.map { localMidnight - $0 } ?? converter.instant(ofLocal: localMidnight))
            firstInterval.append(Int32(intervals.count))
            if !holidays.contains(day) {
                var today: [Interval] = []
                for range in calendar.hours[LocalDate(daysSinceEpoch: day).weekday] {
                    let start = localMidnight + Int64(range.start.minutes) * 60
                    let end = localMidnight + Int64(range.end.minutes) * 60
                    if let offset = offsets.constant {
                        today.append(Interval(start: start - offset, end: end - offset))
                    } else {
                        // Every instant whose wall-clock time lies in [start, end): a time shown
                        // twice when clocks go back counts twice, a skipped one not at all.
                        today.append(Interval(start: start - offsets.before, end: min(end - offsets.before, offsets.transition)))
                        today.append(Interval(start: max(start - offsets.after, offsets.transition), end: end - offsets.after))
                    }
                }
                for interval in today.filter({ $0.end > $0.start }).sorted(by: { $0.start < $1.start }) {
                    intervals.append(interval)
                    total += interval.end - interval.start
                }
            }
            cumulative.append(total)
        }
        dayStarts.append(converter.instant(ofLocal: Int64(last + 1) * 86_400))
        firstInterval.append(Int32(intervals.count))
        self.firstDay = from
        self.lastDay = through
        self.fingerprint = calendar.fingerprint
        self.dayStarts = dayStarts
        self.cumulative = cumulative
        self.firstInterval = firstInterval
        self.intervals = intervals
        self.typicalOffset = Int64(zone.secondsFromGMT(for: Date(timeIntervalSince1970: TimeInterval(dayStarts[dayStarts.count / 2]))))
    }

    /// Business seconds from the start of the covered range up to `instant` (Unix seconds),
    /// clamped to the range.
    public func businessSeconds(before instant: Int64) -> Int64 {
        guard instant > self.dayStarts[0] else { return 0 }
        guard instant < self.dayStarts[self.dayStarts.count - 1] else { return self.cumulative[self.cumulative.count - 1] }
        let day = self.dayIndex(of: instant)
        var seconds = self.cumulative[day]
        for index in Int(self.firstInterval[day])..<Int(self.firstInterval[day + 1]) {
            let interval = self.intervals[index]
            if instant <= interval.start { break }
            seconds += min(instant, interval.end) - interval.start
        }
        return seconds
    }

    /// Business seconds in `[start, end)`, minus the business seconds of `pauses` inside it
    /// (overlapping pauses count once). Zero when `end <= start`.
    public func elapsed(from start: Int64, to end: Int64, pauses: [Interval] = []) -> Int64 {
        guard end > start else { return 0 }
        var seconds = self.businessSeconds(before: end) - self.businessSeconds(before: start)
        if !pauses.isEmpty {
            for pause in Interval.merged(pauses) {
                let from = max(pause.start, start)
                let to = min(pause.end, end)
                if to > from {
                    seconds -= self.businessSeconds(before: to) - self.businessSeconds(before: from)
                }
            }
        }
        return seconds
    }

    /// Whether `instant` falls within the covered days.
    public func covers(_ instant: Int64) -> Bool {
        guard let first = self.dayStarts.first, let end = self.dayStarts.last else { return false }
        return first <= instant && instant <= end
    }

    /// The first instant at which `seconds` of business time have elapsed since `start`, pauses
    /// left out: when a target of `seconds` is reached. Nil when that is beyond the covered days.
    public func instant(after start: Int64, businessSeconds seconds: Int64, pauses: [Interval] = []) -> Int64? {
        guard let end = self.dayStarts.last, self.elapsed(from: start, to: end, pauses: pauses) >= seconds else { return nil }
        // Elapsed time never decreases as the end moves later: search for the first end that reaches it.
        var low = start
        var high = end
        while low < high {
            let middle = low + (high - low) / 2
            if self.elapsed(from: start, to: middle, pauses: pauses) >= seconds {
                high = middle
            } else {
                low = middle + 1
            }
        }
        return low
    }

    /// Business seconds between two dates, whole seconds.
    public func elapsed(from start: Date, to end: Date, pauses: [Interval] = []) -> Int64 {
        self.elapsed(from: Interval.seconds(start), to: Interval.seconds(end), pauses: pauses)
    }

    /// The index of the covered local day that holds `instant`, which lies inside the range.
    private func dayIndex(of instant: Int64) -> Int {
        let firstLocal = Int64(self.firstDay.daysSinceEpoch)
        var day = Int(Self.floorDivide(instant + self.typicalOffset, 86_400) - firstLocal)
        day = min(max(day, 0), self.dayStarts.count - 2)
        // The guess is off by at most a day where the offset differs from the typical one.
        while day > 0, self.dayStarts[day] > instant { day -= 1 }
        while day < self.dayStarts.count - 2, self.dayStarts[day + 1] <= instant { day += 1 }
        return day
    }

    private static func floorDivide(_ value: Int64, _ divisor: Int64) -> Int64 {
        let quotient = value / divisor
        return value % divisor < 0 ? quotient - 1 : quotient
    }
}

/// A half-open span of time `[start, end)` in Unix seconds.
public struct Interval: Sendable, Hashable, Codable {
    public var start: Int64
    public var end: Int64

    public init(start: Int64, end: Int64) {
        self.start = start
        self.end = end
    }

    public init(start: Date, end: Date) {
        self.init(start: Self.seconds(start), end: Self.seconds(end))
    }

    /// Whole Unix seconds of `date` (rounded down).
    public static func seconds(_ date: Date) -> Int64 {
        Int64(date.timeIntervalSince1970.rounded(.down))
    }

    /// The intervals sorted, with overlapping and touching ones joined, empty ones dropped.
    public static func merged(_ intervals: [Interval]) -> [Interval] {
        var result: [Interval] = []
        for interval in intervals.sorted(by: { $0.start < $1.start }) where interval.end > interval.start {
            if let last = result.last, interval.start <= last.end {
                result[result.count - 1].end = max(last.end, interval.end)
            } else {
                result.append(interval)
            }
        }
        return result
    }
}

/// Turns local wall-clock times of one zone into UTC instants, across daylight-saving changes.
struct LocalTimeConverter {
    let zone: TimeZone

    /// The UTC offset in force at `instant`.
    func offset(at instant: Int64) -> Int64 {
        Int64(self.zone.secondsFromGMT(for: Date(timeIntervalSince1970: TimeInterval(instant))))
    }

    /// The offsets around the local day starting at `localMidnight`.
    struct DayOffsets {
        var before: Int64
        var after: Int64
        /// The instant the offset changes from `before` to `after`.
        var transition: Int64
        /// The offset of the whole day, when it does not change near it.
        var constant: Int64? { self.before == self.after ? self.before : nil }
    }

    /// The offsets in force before and after the local day starting at `localMidnight`, and the
    /// instant of the change between them (assumes at most one change within a day of it).
    func offsets(forDayAt localMidnight: Int64) -> DayOffsets {
        // UTC offsets lie within ±14 h, so these instants fall before and after the day everywhere.
        let low = localMidnight - 2 * 50_400
        let high = localMidnight + 86_400 + 2 * 50_400
        let before = self.offset(at: low)
        let after = self.offset(at: high)
        let transition = before == after ? high : self.transition(between: low, and: high)
        return DayOffsets(before: before, after: after, transition: transition)
    }

    /// The instant at which the local clock shows `local` (seconds of local wall time since
    /// 1970-01-01 00:00). A time skipped by a change forward maps to the change itself; a time that
    /// happens twice when clocks go back maps to its first occurrence.
    func instant(ofLocal local: Int64) -> Int64 {
        // Offsets half a day either side bracket any single change near `local`.
        let before = self.offset(at: local - 43_200 - 50_400)
        let after = self.offset(at: local + 43_200 + 50_400)
        if before == after {
            let guess = local - before
            let actual = self.offset(at: guess)
            return actual == before ? guess : local - actual
        }
        let early = local - before  // read with the old offset
        let late = local - after  // read with the new offset
        let earlyValid = self.offset(at: early) == before
        let lateValid = self.offset(at: late) == after
        switch (earlyValid, lateValid) {
        case (true, true): return min(early, late)
        case (true, false): return early
        case (false, true): return late
        case (false, false):
            // A gap: the local time never shows; the change happens between `late` and `early`.
            return self.transition(between: min(early, late), and: max(early, late))
        }
    }

    /// The first instant in `(low, high]` whose offset differs from the one at `low`.
    private func transition(between low: Int64, and high: Int64) -> Int64 {
        let original = self.offset(at: low)
        var low = low
        var high = high
        while high - low > 1 {
            let middle = low + (high - low) / 2
            if self.offset(at: middle) == original { low = middle } else { high = middle }
        }
        return high
    }
}
