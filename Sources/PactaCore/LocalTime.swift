/// A wall-clock time of day in minutes after midnight, written `HH:MM`; `24:00` closes a day.
public struct LocalTime: Sendable, Hashable, Comparable, StringCodable {
    public static let expectedForm = "a time HH:MM"

    /// Minutes after local midnight, 0 through 1440.
    public let minutes: Int

    public init?(minutes: Int) {
        guard (0...1440).contains(minutes) else { return nil }
        self.minutes = minutes
    }

    /// Parses `HH:MM` (00:00 through 24:00).
    public init?(_ text: String) {
        let parts = text.split(separator: ":", omittingEmptySubsequences: false)
        guard parts.count == 2, parts[0].count == 2, parts[1].count == 2,
            parts[0].allSatisfy(\.isASCII), parts[1].allSatisfy(\.isASCII),
            let hours = Int(parts[0]), let minutes = Int(parts[1]),
            (0...24).contains(hours), (0...59).contains(minutes), hours < 24 || minutes == 0
        else { return nil }
        self.minutes = hours * 60 + minutes
    }

    public var description: String {
        let hours = self.minutes / 60
        let minutes = self.minutes % 60
        return "\(hours < 10 ? "0" : "")\(hours):\(minutes < 10 ? "0" : "")\(minutes)"
    }

    public static func < (lhs: LocalTime, rhs: LocalTime) -> Bool { lhs.minutes < rhs.minutes }

}

/// A business interval within one day, `start` inclusive and `end` exclusive, e.g. 08:30–13:00.
public struct TimeRange: Sendable, Hashable, StringCodable {
    public static let expectedForm = "an interval HH:MM-HH:MM"

    public var start: LocalTime
    public var end: LocalTime

    public init(start: LocalTime, end: LocalTime) {
        self.start = start
        self.end = end
    }

    /// Parses `HH:MM-HH:MM`.
    public init?(_ text: String) {
        let parts = text.split(separator: "-", omittingEmptySubsequences: false)
        guard parts.count == 2,
            let start = LocalTime(String(parts[0]).trimmed), let end = LocalTime(String(parts[1]).trimmed)
        else { return nil }
        self.init(start: start, end: end)
    }

    public var description: String { "\(self.start)-\(self.end)" }

}
