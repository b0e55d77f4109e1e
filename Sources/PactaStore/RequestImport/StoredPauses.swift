import PactaCore

/// Pauses as stored: `start-end;start-end` in Unix seconds.
enum StoredPauses {
    static func encode(_ pauses: [Interval]) -> String {
        pauses.map { "\($0.start)-\($0.end)" }.joined(separator: ";")
    }

    static func decode(_ text: String) -> [Interval] {
        text.split(separator: ";").compactMap { part in
            let ends = part.split(separator: "-", maxSplits: 1)
            guard ends.count == 2, let start = Int64(ends[0]), let end = Int64(ends[1]) else { return nil }
            return Interval(start: start, end: end)
        }
    }
}
