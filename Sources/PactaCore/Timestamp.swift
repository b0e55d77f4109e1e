/// ISO 8601 instants with an explicit offset, as requests arrive in CSV and JSON:
/// `2026-10-05T09:15:00-05:00`, `2026-10-05T14:15Z`, `2026-10-05 14:15:00.250+00:00`.
///
/// Parsed by hand: imports read millions of them, and a formatter per value would dominate the time.
public enum Timestamp {
    /// Unix seconds (fractions dropped), or nil when `text` is not such an instant.
    public static func parse(_ text: some StringProtocol) -> Int64? {
        if let seconds = text.utf8.withContiguousStorageIfAvailable({ Self.parse(bytes: $0[...]) }) {
            return seconds
        }
        return Array(text.utf8).withUnsafeBufferPointer { Self.parse(bytes: $0[...]) }
    }

    private static func parse(bytes: Slice<UnsafeBufferPointer<UInt8>>) -> Int64? {
        var bytes = bytes
        func number(_ count: Int) -> Int? {
            guard bytes.count >= count else { return nil }
            var value = 0
            for byte in bytes.prefix(count) {
                guard byte >= 48 && byte <= 57 else { return nil }
                value = value * 10 + Int(byte - 48)
            }
            bytes = bytes.dropFirst(count)
            return value
        }
        func expect(_ byte: UInt8) -> Bool {
            guard bytes.first == byte else { return false }
            bytes = bytes.dropFirst()
            return true
        }
        guard let year = number(4), expect(45), let month = number(2), expect(45), let day = number(2),
            let date = LocalDate(year: year, month: month, day: day),
            expect(84) || expect(116) || expect(32),  // T, t or a space
            let hour = number(2), hour < 24, expect(58), let minute = number(2), minute < 60
        else { return nil }
        var second = 0
        if expect(58) {
            guard let value = number(2), value < 61 else { return nil }
            second = min(value, 59)
            if expect(46) || expect(44) {  // fractions are dropped
                let digits = bytes.prefix { $0 >= 48 && $0 <= 57 }
                guard !digits.isEmpty else { return nil }
                bytes = bytes.dropFirst(digits.count)
            }
        }
        var offset = 0
        if expect(90) || expect(122) {  // Z
            offset = 0
        } else if let sign = bytes.first, sign == 43 || sign == 45 {
            bytes = bytes.dropFirst()
            guard let hours = number(2), hours <= 14 else { return nil }
            _ = expect(58)
            guard let minutes = number(2), minutes < 60 else { return nil }
            offset = (hours * 3600 + minutes * 60) * (sign == 45 ? -1 : 1)
        } else {
            return nil  // an instant without offset is ambiguous
        }
        guard bytes.isEmpty else { return nil }
        return Int64(date.daysSinceEpoch) * 86_400 + Int64(hour * 3600 + minute * 60 + second - offset)
    }

    /// `YYYY-MM-DDTHH:MM:SSZ`.
    public static func format(_ seconds: Int64) -> String {
        let days = Int((Double(seconds) / 86_400).rounded(.down))
        let rest = Int(seconds - Int64(days) * 86_400)
        func two(_ value: Int) -> String { value < 10 ? "0\(value)" : String(value) }
        return "\(LocalDate(daysSinceEpoch: days))T\(two(rest / 3600)):\(two(rest % 3600 / 60)):\(two(rest % 60))Z"
    }
}
