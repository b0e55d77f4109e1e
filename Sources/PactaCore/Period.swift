import Foundation

/// A review period: a calendar month (`2026-10`) or quarter (`2026-Q4`), in local dates.
public struct Period: Sendable, Hashable, Comparable, StringCodable {
    public static let expectedForm = "a period like 2026-10 or 2026-Q4"

    public let first: LocalDate
    public let last: LocalDate
    public let isQuarter: Bool

    /// The month `month` of `year`.
    public static func month(_ year: Int, _ month: Int) -> Period? {
        guard let first = LocalDate(year: year, month: month, day: 1) else { return nil }
        return Period(first: first, last: LocalDate(year: year, month: month, day: LocalDate.daysIn(month: month, year: year))!, isQuarter: false)
    }

    /// The quarter `quarter` (1–4) of `year`.
    public static func quarter(_ year: Int, _ quarter: Int) -> Period? {
        guard (1...4).contains(quarter), let first = LocalDate(year: year, month: quarter * 3 - 2, day: 1) else { return nil }
        let lastMonth = quarter * 3
        return Period(first: first, last: LocalDate(year: year, month: lastMonth, day: LocalDate.daysIn(month: lastMonth, year: year))!, isQuarter: true)
    }

    /// The period of `cadence` holding `day`.
    public static func containing(_ day: LocalDate, cadence: Cadence) -> Period {
        switch cadence {
        case .monthly: Self.month(day.year, day.month)!
        case .quarterly: Self.quarter(day.year, (day.month - 1) / 3 + 1)!
        }
    }

    private init(first: LocalDate, last: LocalDate, isQuarter: Bool) {
        self.first = first
        self.last = last
        self.isQuarter = isQuarter
    }

    /// Parses `YYYY-MM` or `YYYY-Qn`.
    public init?(_ text: String) {
        let parts = text.split(separator: "-")
        guard parts.count == 2, parts[0].count == 4, let year = Int(parts[0]) else { return nil }
        let period: Period?
        if parts[1].first == "Q" || parts[1].first == "q" {
            period = Int(parts[1].dropFirst()).flatMap { Self.quarter(year, $0) }
        } else {
            period = parts[1].count == 2 ? Int(parts[1]).flatMap { Self.month(year, $0) } : nil
        }
        guard let period else { return nil }
        self = period
    }

    public var description: String {
        let month = self.first.month
        return self.isQuarter ? "\(self.first.year)-Q\((month - 1) / 3 + 1)" : "\(self.first.year)-\(month < 10 ? "0" : "")\(month)"
    }

    /// Whether `day` falls in the period.
    public func contains(_ day: LocalDate) -> Bool { self.first <= day && day <= self.last }

    /// The instants of the period in `zone`: from the local midnight starting its first day to the one after its last.
    public func instants(in zone: TimeZone) -> Interval {
        Interval(start: Self.midnight(self.first, zone), end: Self.midnight(self.last.adding(days: 1), zone))
    }

    private static func midnight(_ day: LocalDate, _ zone: TimeZone) -> Int64 {
        LocalTimeConverter(zone: zone).instant(ofLocal: Int64(day.daysSinceEpoch) * 86_400)
    }

    public static func < (lhs: Period, rhs: Period) -> Bool {
        (lhs.first, lhs.last) < (rhs.first, rhs.last)
    }
}
