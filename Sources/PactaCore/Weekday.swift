/// A day of the week, Monday first as in ISO 8601 and in Spanish-speaking calendars.
public enum Weekday: String, Sendable, Hashable, Codable, CaseIterable, Comparable {
    case monday, tuesday, wednesday, thursday, friday, saturday, sunday

    /// 1 for Monday … 7 for Sunday.
    public var isoNumber: Int { Self.allCases.firstIndex(of: self)! + 1 }

    public static func < (lhs: Weekday, rhs: Weekday) -> Bool { lhs.isoNumber < rhs.isoNumber }
}
