/// What a compliance report covers: a month or a quarter (a ``Period``), or a calendar year.
/// Agreements take part with each of their review periods that lie within it.
public enum ReportSpan: Sendable, Hashable, LosslessStringConvertible {
    case period(Period)
    case year(Int)

    /// `2026-10`, `2026-Q4` or `2026`.
    public init?(_ text: String) {
        if text.utf8.count == 4, text.utf8.allSatisfy({ (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0) }), let year = Int(text),
            Period.month(year, 1) != nil
        {
            self = .year(year)
        } else if let period = Period(text) {
            self = .period(period)
        } else {
            return nil
        }
    }

    public var description: String {
        switch self {
        case .period(let period): period.description
        case .year(let year): String(repeating: "0", count: max(0, 4 - String(year).count)) + String(year)
        }
    }

    public var first: LocalDate {
        switch self {
        case .period(let period): period.first
        case .year(let year): LocalDate(year: year, month: 1, day: 1)!
        }
    }

    public var last: LocalDate {
        switch self {
        case .period(let period): period.last
        case .year(let year): LocalDate(year: year, month: 12, day: 31)!
        }
    }

    public var isYear: Bool {
        if case .year = self { return true }
        return false
    }

    /// The span of the same length `count` later (earlier when negative).
    public func advanced(by count: Int) -> ReportSpan? {
        switch self {
        case .period(let period): period.advanced(by: count).map(ReportSpan.period)
        case .year(let year): Period.month(year + count, 1).map { _ in .year(year + count) }
        }
    }

    /// The review periods of `cadence` within the span, oldest first: a quarter holds three
    /// months, a year twelve months or four quarters; a month holds no quarter.
    public func reviews(cadence: Cadence) -> [Period] {
        let first = Period.containing(self.first, cadence: cadence)
        let last = Period.containing(self.last, cadence: cadence)
        return first.through(last).filter { self.first <= $0.first && $0.last <= self.last }
    }
}
