import Foundation

/// ISO 8601 instants with an explicit offset, as requests arrive in CSV and JSON:
/// `2026-10-05T09:15:00-05:00`, `2026-10-05T14:15Z`, `2026-10-05 14:15:00.250+00:00`; and,
/// when the caller names a zone, local times without offset (`2026-10-05 09:15`), as a
/// spreadsheet saves them, read in that zone.
///
/// Parsed by hand: imports read millions of them, and a formatter per value would dominate the time.
public enum Timestamp {
    /// The years Pacta takes instants in, as written (whatever the offset): both databases store
    /// them, and no request or answer is older or further ahead.
    public static let years = 1900...9999

    /// The year `text` is written in, when it is a parsed instant.
    public static func year(of text: some StringProtocol) -> Int? {
        Int(text.prefix(4))
    }

    /// Unix seconds (fractions dropped), or nil when `text` is not such an instant.
    /// - Parameter localZone: the zone in which a time written without offset is read; without
    ///   one, such a time is refused as ambiguous. A local time skipped by a change to summer
    ///   time is read as the change; one that happens twice, as its first occurrence.
    public static func parse(_ text: some StringProtocol, localZone: TimeZone? = nil) -> Int64? {
        if let seconds = text.utf8.withContiguousStorageIfAvailable({ Self.parse(bytes: $0[...], localZone: localZone) }) {
            return seconds
        }
        return Array(text.utf8).withUnsafeBufferPointer { Self.parse(bytes: $0[...], localZone: localZone) }
    }

    private static func parse(bytes: Slice<UnsafeBufferPointer<UInt8>>, localZone: TimeZone?) -> Int64? {
        var cursor = Cursor(bytes: bytes)
        guard let year = cursor.number(4), cursor.expect(45), let month = cursor.number(2), cursor.expect(45),
            let day = cursor.number(2), let date = LocalDate(year: year, month: month, day: day),
            cursor.expect(84) || cursor.expect(116) || cursor.expect(32),  // T, t or a space
            let hour = cursor.number(2), hour < 24, cursor.expect(58), let minute = cursor.number(2), minute < 60
        else { return nil }
        var second = 0
        if cursor.expect(58) {
            guard let value = cursor.number(2), value < 61 else { return nil }
            second = min(value, 59)
            if cursor.expect(46) || cursor.expect(44) {  // fractions are dropped
                guard cursor.skipDigits() > 0 else { return nil }
            }
        }
        let local = Int64(date.daysSinceEpoch) * 86_400 + Int64(hour * 3600 + minute * 60 + second)
        if cursor.isAtEnd, let localZone {
            return LocalTimeConverter(zone: localZone).instant(ofLocal: local)
        }
        var offset = 0
        if cursor.expect(90) || cursor.expect(122) {  // Z
            offset = 0
        } else if let sign = cursor.next(), sign == 43 || sign == 45 {
            guard let hours = cursor.number(2), hours <= 14 else { return nil }
            _ = cursor.expect(58)
            guard let minutes = cursor.number(2), minutes < 60 else { return nil }
            offset = (hours * 3600 + minutes * 60) * (sign == 45 ? -1 : 1)
        } else {
            return nil  // an instant without offset is ambiguous
        }
        guard cursor.isAtEnd else { return nil }
        return local - Int64(offset)
    }

    /// Reads bytes front to back.
    private struct Cursor {
        var bytes: Slice<UnsafeBufferPointer<UInt8>>

        var isAtEnd: Bool { self.bytes.isEmpty }

        mutating func next() -> UInt8? { self.bytes.popFirst() }

        /// Consumes `byte` if it comes next.
        mutating func expect(_ byte: UInt8) -> Bool {
            guard self.bytes.first == byte else { return false }
            self.bytes.removeFirst()
            return true
        }

        /// Exactly `count` decimal digits.
        mutating func number(_ count: Int) -> Int? {
            guard self.bytes.count >= count else { return nil }
            var value = 0
            for _ in 0..<count {
                let digit = self.bytes.removeFirst() &- 48
                guard digit < 10 else { return nil }
                value = value * 10 + Int(digit)
            }
            return value
        }

        /// Consumes decimal digits, returning how many there were.
        mutating func skipDigits() -> Int {
            var count = 0
            while let byte = self.bytes.first, byte &- 48 < 10 {
                self.bytes.removeFirst()
                count += 1
            }
            return count
        }
    }

    /// `YYYY-MM-DDTHH:MM:SSZ`.
    public static func format(_ seconds: Int64) -> String {
        let days = Int((Double(seconds) / 86_400).rounded(.down))
        let rest = Int(seconds - Int64(days) * 86_400)
        func two(_ value: Int) -> String { value < 10 ? "0\(value)" : String(value) }
        return "\(LocalDate(daysSinceEpoch: days))T\(two(rest / 3600)):\(two(rest % 3600 / 60)):\(two(rest % 60))Z"
    }
}
