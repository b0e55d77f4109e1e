import Foundation

/// Tells the local date of instants in one zone, asking the zone once per hour of instants:
/// imports of millions of rows otherwise spend their time in `TimeZone`.
public struct LocalDayReader: Sendable {
    public let zone: TimeZone
    /// UTC offsets by hour since 1970.
    private var offsets: [Int64: Int64] = [:]

    public init(zone: TimeZone) {
        self.zone = zone
    }

    /// The local date of `instant` (seconds since 1970).
    public mutating func day(of instant: Int64) -> LocalDate {
        let hour = instant >= 0 ? instant / 3600 : (instant - 3599) / 3600
        let offset: Int64
        if let known = self.offsets[hour] {
            offset = known
        } else {
            // Offsets change on the hour or half hour; the offset at the hour's end covers its last part.
            let start = Int64(self.zone.secondsFromGMT(for: Date(timeIntervalSince1970: TimeInterval(hour * 3600))))
            let end = Int64(self.zone.secondsFromGMT(for: Date(timeIntervalSince1970: TimeInterval(hour * 3600 + 3599))))
            guard start == end else { return LocalDate(Date(timeIntervalSince1970: TimeInterval(instant)), in: self.zone) }
            offset = start
            self.offsets[hour] = offset
        }
        let local = instant + offset
        return LocalDate(daysSinceEpoch: Int(local >= 0 ? local / 86_400 : (local - 86_399) / 86_400))
    }
}
