import Foundation

/// When the clock of a time commitment runs: a time zone, weekly business hours and holidays.
public struct BusinessCalendar: Sendable, Hashable, Codable {
    /// Stable identifier, never changes once created.
    public var code: String
    /// Display name, e.g. "Horario oficina Quito".
    public var name: String
    /// IANA time zone identifier, e.g. `America/Guayaquil`.
    public var timeZone: String
    /// Business intervals per weekday, in `timeZone`'s local time.
    public var hours: WeeklyHours
    /// Whole local days on which the clock does not run.
    public var holidays: [Holiday]

    public init(code: String, name: String, timeZone: String, hours: WeeklyHours, holidays: [Holiday] = []) {
        self.code = code
        self.name = name
        self.timeZone = timeZone
        self.hours = hours
        self.holidays = holidays
    }

    /// Checks the zone, the intervals and the holidays; reports every problem.
    public func validate() throws(ValidationError) {
        var validator = Validator()
        Code.validate(self.code, field: "code", into: &validator)
        validator.check(!self.name.trimmed.isEmpty, "name", "required", "A name is required.")
        validator.limit(self.name, TextLimit.name, "name")
        if self.timeZone.isEmpty {
            validator.fail("time_zone", "required", "A time zone is required.")
        } else if self.timeZone.unicodeScalars.count > TextLimit.timeZone {
            validator.limit(self.timeZone, TextLimit.timeZone, "time_zone")
        } else if !Self.isIANATimeZone(self.timeZone) {
            validator.fail("time_zone", "invalid_time_zone", "'\(self.timeZone)' is not an IANA time zone.")
        }
        self.hours.validate(into: &validator, field: "hours")
        var seen = Set<LocalDate>()
        for (index, holiday) in self.holidays.enumerated() {
            if !seen.insert(holiday.date).inserted {
                validator.fail("holidays[\(index)].date", "duplicate_holiday", "\(holiday.date) is listed twice.")
            }
            validator.limit(holiday.name, TextLimit.name, "holidays[\(index)].name")
        }
        try validator.finish()
    }
}

/// A local date on which business hours do not apply.
public struct Holiday: Sendable, Hashable, Codable {
    public var date: LocalDate
    /// What is celebrated, e.g. "Primer Grito de Independencia".
    public var name: String

    public init(date: LocalDate, name: String = "") {
        self.date = date
        self.name = name
    }
}

extension BusinessCalendar {
    /// Reads a calendar; holidays may be left out.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        self.init(
            code: try container.decode(String.self, forKey: .code),
            name: try container.decode(String.self, forKey: .name),
            timeZone: try container.decode(String.self, forKey: .timeZone),
            hours: try container.decode(WeeklyHours.self, forKey: .hours),
            holidays: try container.decodeIfPresent([Holiday].self, forKey: .holidays) ?? []
        )
    }
}

extension Holiday {
    /// Reads a holiday; the name may be left out.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        self.init(date: try container.decode(LocalDate.self, forKey: .date), name: try container.decodeIfPresent(String.self, forKey: .name) ?? "")
    }
}

extension BusinessCalendar {
    /// Whether `identifier` names an IANA zone: a region's (`America/Guayaquil`) or a fixed
    /// one (`UTC`, `Etc/UTC`, `Etc/GMT+5`), which Foundation's list of known zones leaves out.
    public static func isIANATimeZone(_ identifier: String) -> Bool {
        guard TimeZone(identifier: identifier) != nil else { return false }
        return identifier == "UTC" || identifier.hasPrefix("Etc/") || TimeZone.knownTimeZoneIdentifiers.contains(identifier)
    }
}

extension BusinessCalendar {
    /// Identifies the rules business time depends on (zone, hours, holiday dates, and the version
    /// of the time-zone database that gives the zone's offsets), not the code or the name:
    /// durations measured on a calendar stay valid while its fingerprint is the same.
    public var fingerprint: Int64 {
        struct Rules: Encodable {
            var timeZone: String
            var zoneData: String
            var hours: WeeklyHours
            var holidays: [LocalDate]
        }
        let rules = Rules(
            timeZone: self.timeZone,
            zoneData: TimeZone.timeZoneDataVersion,
            hours: self.hours,
            holidays: self.holidays.map(\.date).sorted()
        )
        // Encoding plain value types with string keys cannot fail.
        let digest = Hashing.sha256(try! PactaJSON.encoder.encode(rules))
        return digest.prefix(8).reduce(0) { $0 << 8 | Int64($1) }
    }
}
