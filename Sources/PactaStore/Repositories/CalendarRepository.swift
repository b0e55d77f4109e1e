import Foundation
import PactaCore

/// Business calendars.
public struct CalendarRepository: Sendable {
    let database: any Database

    /// Every calendar, by code.
    public func list() async throws -> [BusinessCalendar] {
        try await self.database.query("SELECT code, name, time_zone, hours, holidays FROM calendars ORDER BY code")
            .map(Self.calendar)
    }

    /// The calendar with `code`, if any.
    public func get(_ code: String) async throws -> BusinessCalendar? {
        try await Self.get(code, in: self.database)
    }

    /// The calendar with `code`, read through `db` (inside a transaction, say).
    static func get(_ code: String, in db: any DatabaseExecutor) async throws -> BusinessCalendar? {
        try await db.first("SELECT code, name, time_zone, hours, holidays FROM calendars WHERE code = \(code)").map(Self.calendar)
    }

    /// Adds a calendar.
    public func create(_ calendar: BusinessCalendar, at instant: Date) async throws {
        try calendar.validate()
        let (hours, holidays) = try Self.encode(calendar)
        do {
            try await self.database.execute(
                """
                INSERT INTO calendars (code, name, time_zone, hours, holidays, created_at, updated_at)
                VALUES (\(calendar.code), \(calendar.name.trimmed), \(calendar.timeZone), \(hours), \(holidays), \(instant), \(instant))
                """
            )
        } catch DatabaseError.uniqueViolation {
            throw ValidationError(field: "code", code: "taken", message: "Calendar \(calendar.code) already exists.")
        }
    }

    /// Replaces a calendar's name, zone, hours and holidays; the code never changes.
    public func update(_ calendar: BusinessCalendar, at instant: Date) async throws {
        try calendar.validate()
        let (hours, holidays) = try Self.encode(calendar)
        try await self.database.transaction { db in
            guard try await db.first("SELECT id FROM calendars WHERE code = \(calendar.code)") != nil else {
                throw NotFoundError("calendar", calendar.code)
            }
            try await db.execute(
                """
                UPDATE calendars SET name = \(calendar.name.trimmed), time_zone = \(calendar.timeZone), hours = \(hours),
                holidays = \(holidays), updated_at = \(instant) WHERE code = \(calendar.code)
                """
            )
        }
    }

    private static func encode(_ calendar: BusinessCalendar) throws -> (String, String) {
        let encoder = PactaJSON.encoder
        return (
            String(decoding: try encoder.encode(calendar.hours), as: UTF8.self),
            String(decoding: try encoder.encode(calendar.holidays), as: UTF8.self)
        )
    }

    private static func calendar(_ row: DatabaseRow) throws -> BusinessCalendar {
        let decoder = PactaJSON.decoder
        return BusinessCalendar(
            code: try row.decode(0),
            name: try row.decode(1),
            timeZone: try row.decode(2),
            hours: try decoder.decode(WeeklyHours.self, from: Data(try row.decode(3, as: String.self).utf8)),
            holidays: try decoder.decode([Holiday].self, from: Data(try row.decode(4, as: String.self).utf8))
        )
    }
}
