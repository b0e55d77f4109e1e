import Foundation

/// A period NPS is read over (SPEC "NPS"): a day (`2026-11-30`), an ISO week starting on Monday
/// (`2026-W49`), a month (`2026-11`) or a quarter (`2026-Q4`), in the organisation's local dates.
public struct NPSPeriod: Sendable, Hashable, Comparable, StringCodable {
    public static let expectedForm = "a period like 2026-11-30, 2026-W49, 2026-11 or 2026-Q4"

    public enum Granularity: String, Sendable, Hashable, CaseIterable, Codable {
        case day
        case week
        case month
        case quarter
    }

    public let granularity: Granularity
    public let first: LocalDate
    public let last: LocalDate

    /// The period of `granularity` holding `day`.
    public init(containing day: LocalDate, _ granularity: Granularity) {
        self.granularity = granularity
        switch granularity {
        case .day:
            self.first = day
            self.last = day
        case .week:
            // Weekday's raw values run Monday 1 … Sunday 7 (ISO 8601).
            self.first = day.adding(days: -(Self.isoWeekday(day) - 1))
            self.last = self.first.adding(days: 6)
        case .month, .quarter:
            let period = granularity == .month ? Period.containing(day, cadence: .monthly) : Period.containing(day, cadence: .quarterly)
            self.first = period.first
            self.last = period.last
        }
    }

    /// Parses each form exactly; nil for anything else.
    public init?(_ text: String) {
        if let day = LocalDate(text), text.utf8.count == 10 {
            self.init(containing: day, .day)
        } else if let period = Period(text) {
            self.init(containing: period.first, period.isQuarter ? .quarter : .month)
        } else {
            let bytes = Array(text.utf8)
            guard bytes.count == 8, bytes[4] == UInt8(ascii: "-"), bytes[5] == UInt8(ascii: "W") || bytes[5] == UInt8(ascii: "w"),
                let year = Int(String(decoding: bytes[0..<4], as: UTF8.self)), bytes[0..<4].allSatisfy({ $0 &- 48 < 10 }),
                let week = Int(String(decoding: bytes[6..<8], as: UTF8.self)), bytes[6..<8].allSatisfy({ $0 &- 48 < 10 }),
                week >= 1, week <= Self.weeks(in: year), year >= 1
            else { return nil }
            self.init(containing: Self.mondayOfWeekOne(year).adding(days: (week - 1) * 7), .week)
        }
    }

    public var description: String {
        switch self.granularity {
        case .day: return self.first.description
        case .week:
            let (year, week) = self.isoWeek
            return "\(Self.fourDigits(year))-W\(week < 10 ? "0" : "")\(week)"
        case .month, .quarter:
            return
                (self.granularity == .month ? Period.month(self.first.year, self.first.month) : Period.containing(self.first, cadence: .quarterly))!
                .description
        }
    }

    /// The ISO week-numbering year and week of a week period (of its Thursday).
    public var isoWeek: (year: Int, week: Int) {
        let thursday = self.first.adding(days: 3 - (Self.isoWeekday(self.first) - 1))
        let year = thursday.year
        return (year, (thursday.daysSinceEpoch - Self.mondayOfWeekOne(year).daysSinceEpoch) / 7 + 1)
    }

    /// The period of the same granularity `count` periods later (earlier when negative).
    public func advanced(by count: Int) -> NPSPeriod {
        switch self.granularity {
        case .day: return NPSPeriod(containing: self.first.adding(days: count), .day)
        case .week: return NPSPeriod(containing: self.first.adding(days: 7 * count), .week)
        case .month, .quarter:
            let period =
                (self.granularity == .month ? Period.month(self.first.year, self.first.month) : Period.containing(self.first, cadence: .quarterly))!
            return NPSPeriod(containing: period.advanced(by: count)?.first ?? self.first, self.granularity)
        }
    }

    /// The `count` periods ending with this one, oldest first.
    public func trailing(_ count: Int) -> [NPSPeriod] {
        (0..<max(count, 0)).reversed().map { self.advanced(by: -$0) }
    }

    /// Whether `day` falls in the period.
    public func contains(_ day: LocalDate) -> Bool { self.first <= day && day <= self.last }

    /// The instants of the period in `zone`: from the local midnight starting its first day to the one after its last.
    public func instants(in zone: TimeZone) -> Interval {
        Interval(start: self.first.midnight(in: zone), end: self.last.adding(days: 1).midnight(in: zone))
    }

    /// How many days it spans.
    public var dayCount: Int { self.last.daysSinceEpoch - self.first.daysSinceEpoch + 1 }

    public static func < (lhs: NPSPeriod, rhs: NPSPeriod) -> Bool {
        (lhs.first, lhs.last) < (rhs.first, rhs.last)
    }

    /// 1 for Monday … 7 for Sunday. 1970-01-01 was a Thursday.
    static func isoWeekday(_ day: LocalDate) -> Int {
        let days = day.daysSinceEpoch
        return ((days + 3) % 7 + 7) % 7 + 1
    }

    /// The Monday of ISO week 1 of `year`: the week holding 4 January.
    static func mondayOfWeekOne(_ year: Int) -> LocalDate {
        let january4 = LocalDate(year: year, month: 1, day: 4)!
        return january4.adding(days: -(Self.isoWeekday(january4) - 1))
    }

    /// 52 or 53.
    static func weeks(in year: Int) -> Int {
        (Self.mondayOfWeekOne(year + 1).daysSinceEpoch - Self.mondayOfWeekOne(year).daysSinceEpoch) / 7
    }

    private static func fourDigits(_ year: Int) -> String {
        String(repeating: "0", count: max(0, 4 - String(year).count)) + String(year)
    }
}
