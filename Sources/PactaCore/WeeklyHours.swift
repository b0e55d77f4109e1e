/// Business hours for each day of the week: zero or more intervals per day, in local time.
///
/// Encoded as an object keyed by weekday: `{"monday": ["08:00-13:00", "14:00-17:00"], …}`.
public struct WeeklyHours: Sendable, Hashable, Codable {
    /// Intervals per weekday; a missing day has no business hours.
    public private(set) var days: [Weekday: [TimeRange]]

    public init(_ days: [Weekday: [TimeRange]] = [:]) {
        self.days = days.filter { !$0.value.isEmpty }
    }

    /// The intervals of `weekday`, in the order they were given.
    public subscript(weekday: Weekday) -> [TimeRange] {
        get { self.days[weekday] ?? [] }
        set { self.days[weekday] = newValue.isEmpty ? nil : newValue }
    }

    /// Business minutes in a whole week.
    public var minutesPerWeek: Int {
        self.days.values.joined().reduce(0) { $0 + max(0, $1.end.minutes - $1.start.minutes) }
    }

    /// Records an issue for each interval that is empty, reversed, out of order or overlapping.
    public func validate(into validator: inout Validator, field: String) {
        for weekday in Weekday.allCases {
            let ranges = self[weekday]
            for (index, range) in ranges.enumerated() {
                let name = "\(field).\(weekday.rawValue)[\(index)]"
                if range.start >= range.end {
                    validator.fail(name, "interval_reversed", "\(range) ends before it starts.")
                } else if index > 0, ranges[index - 1].end > range.start {
                    validator.fail(
                        name,
                        "interval_overlap",
                        "\(range) must start at or after the end of \(ranges[index - 1]), in order."
                    )
                }
            }
        }
        if self.minutesPerWeek == 0 {
            validator.fail(field, "no_business_hours", "At least one day needs business hours.")
        }
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: Weekday.CodingKeys.self)
        var days: [Weekday: [TimeRange]] = [:]
        for key in container.allKeys {
            days[key.weekday] = try container.decode([TimeRange].self, forKey: key)
        }
        self.init(days)
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: Weekday.CodingKeys.self)
        for (weekday, ranges) in self.days {
            try container.encode(ranges, forKey: .init(weekday))
        }
    }
}

extension Weekday {
    /// Coding keys for objects keyed by weekday name.
    struct CodingKeys: CodingKey {
        let weekday: Weekday
        var stringValue: String { self.weekday.rawValue }
        var intValue: Int? { nil }
        init(_ weekday: Weekday) { self.weekday = weekday }
        init?(stringValue: String) {
            guard let weekday = Weekday(rawValue: stringValue) else { return nil }
            self.weekday = weekday
        }
        init?(intValue: Int) { nil }
    }
}
