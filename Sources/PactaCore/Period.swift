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
        return Period(
            first: first,
            last: LocalDate(year: year, month: lastMonth, day: LocalDate.daysIn(month: lastMonth, year: year))!,
            isQuarter: true
        )
    }

    /// The period of `cadence` holding `day`.
    public static func containing(_ day: LocalDate, cadence: Cadence) -> Period {
        switch cadence {
        case .monthly: Self.month(day.year, day.month)!
        case .quarterly: Self.quarter(day.year, (day.month - 1) / 3 + 1)!
        }
    }

    /// The period of an agreement's cadence to show by default on `today`: the one holding today,
    /// or the agreement's first or last when today is outside its validity.
    public static func current(of terms: AgreementTerms, today: LocalDate) -> Period {
        Self.containing(min(max(today, terms.validFrom), terms.validTo), cadence: terms.cadence)
    }

    /// The agreement's latest review period that has ended by `today`; the one running while
    /// none has ended yet (its first).
    public static func latestEnded(of terms: AgreementTerms, today: LocalDate) -> Period {
        let current = Self.current(of: terms, today: today)
        guard current.last >= today, current.first > terms.validFrom, let previous = current.advanced(by: -1) else { return current }
        return previous
    }

    private init(first: LocalDate, last: LocalDate, isQuarter: Bool) {
        self.first = first
        self.last = last
        self.isQuarter = isQuarter
    }

    /// Parses `YYYY-MM` or `YYYY-Qn` exactly (`2026-10`, `2026-Q4`; `q` too), nothing else.
    public init?(_ text: String) {
        let bytes = Array(text.utf8)
        func digits(_ range: Range<Int>) -> Int? {
            range.allSatisfy { bytes[$0] &- 48 < 10 } ? range.reduce(0) { $0 * 10 + Int(bytes[$1] &- 48) } : nil
        }
        guard bytes.count == 7, let year = digits(0..<4), bytes[4] == UInt8(ascii: "-") else { return nil }
        let period: Period?
        if bytes[5] == UInt8(ascii: "Q") || bytes[5] == UInt8(ascii: "q") {
            period = digits(6..<7).flatMap { Self.quarter(year, $0) }
        } else {
            period = digits(5..<7).flatMap { Self.month(year, $0) }
        }
        guard let period else { return nil }
        self = period
    }

    public var description: String {
        let month = self.first.month
        let year = String(repeating: "0", count: max(0, 4 - String(self.first.year).count)) + String(self.first.year)
        return self.isQuarter ? "\(year)-Q\((month - 1) / 3 + 1)" : "\(year)-\(month < 10 ? "0" : "")\(month)"
    }

    /// The period of the same length `count` periods later (earlier when negative): the next
    /// month, the quarter before; nil past the dates ``LocalDate`` holds.
    public func advanced(by count: Int) -> Period? {
        let step = self.isQuarter ? 3 : 1
        let months = self.first.year * 12 + (self.first.month - 1) + count * step
        let year = months >= 0 ? months / 12 : (months - 11) / 12
        let month = months - year * 12 + 1
        return self.isQuarter ? Self.quarter(year, (month - 1) / 3 + 1) : Self.month(year, month)
    }

    /// The periods of this one's length from `self` through `last`, oldest first; empty when `last` comes before.
    public func through(_ last: Period) -> [Period] {
        var periods: [Period] = []
        var period: Period? = self
        while let current = period, current.first <= last.first {
            periods.append(current)
            period = current.advanced(by: 1)
        }
        return periods
    }

    /// Whether `day` falls in the period.
    public func contains(_ day: LocalDate) -> Bool { self.first <= day && day <= self.last }

    /// The instants of the period in `zone`: from the local midnight starting its first day to the one after its last.
    public func instants(in zone: TimeZone) -> Interval {
        Interval(start: self.first.midnight(in: zone), end: self.last.adding(days: 1).midnight(in: zone))
    }

    public static func < (lhs: Period, rhs: Period) -> Bool {
        (lhs.first, lhs.last) < (rhs.first, rhs.last)
    }
}
