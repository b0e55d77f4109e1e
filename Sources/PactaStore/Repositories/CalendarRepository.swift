import Foundation
import PactaCore

/// A calendar and the unit that keeps it.
public struct OwnedCalendar: Sendable, Hashable {
    public var calendar: BusinessCalendar
    /// Code of the unit whose managers may change it; nil for an organisation-wide calendar,
    /// which only administrators change.
    public var owner: String?

    public init(calendar: BusinessCalendar, owner: String?) {
        self.calendar = calendar
        self.owner = owner
    }
}

/// Business calendars. Changing one changes nothing already signed: each version of an agreement
/// holds the calendars it was written with.
public struct CalendarRepository: Sendable {
    let db: any DatabaseExecutor

    private static let columns: SQL =
        "c.code, c.name, c.time_zone, c.hours, c.holidays, o.code FROM calendars c LEFT JOIN units o ON o.id = c.owner_unit_id"

    /// Every calendar, by code.
    public func list() async throws -> [BusinessCalendar] {
        try await self.listOwned().map(\.calendar)
    }

    /// Every calendar with its owner, by code.
    public func listOwned() async throws -> [OwnedCalendar] {
        try await self.db.query("SELECT " + Self.columns + " ORDER BY c.code").map(Self.owned)
    }

    /// The calendar with `code`, if any.
    public func get(_ code: String) async throws -> BusinessCalendar? {
        try await self.getOwned(code)?.calendar
    }

    /// The calendar with `code` and its owner, if any.
    public func getOwned(_ code: String) async throws -> OwnedCalendar? {
        try await self.db.first("SELECT " + Self.columns + " WHERE c.code = \(code)").map(Self.owned)
    }

    /// Adds a calendar kept by `owner`: a unit within the actor's reach, or nobody (the whole
    /// organisation), which only an administrator may choose.
    public func create(_ calendar: BusinessCalendar, owner: String?, by actor: Actor, at instant: Date) async throws {
        try calendar.validate()
        let (hours, holidays) = try Self.encode(calendar)
        try await self.db.transaction { db in
            let ownerID = try await Self.ownerID(owner, by: actor, in: db)
            do {
                try await db.execute(
                    """
                    INSERT INTO calendars (code, name, time_zone, hours, holidays, owner_unit_id, created_at, updated_at)
                    VALUES (\(calendar.code), \(calendar.name.trimmed), \(calendar.timeZone), \(hours), \(holidays), \(ownerID), \(instant), \(instant))
                    """
                )
            } catch DatabaseError.uniqueViolation {
                throw ValidationError(field: "code", code: "taken", message: "Calendar \(calendar.code) already exists.")
            }
        }
    }

    /// Replaces a calendar's name, zone, hours and holidays, and its owner when one is given;
    /// the code never changes. The actor must reach the calendar's owner.
    public func update(_ calendar: BusinessCalendar, owner: String?? = .none, by actor: Actor, at instant: Date) async throws {
        try calendar.validate()
        let (hours, holidays) = try Self.encode(calendar)
        try await self.db.transaction { db in
            guard let stored = try await CalendarRepository(db: db).getOwned(calendar.code) else {
                throw NotFoundError("calendar", calendar.code)
            }
            try Self.requireKeeper(actor, of: stored, in: try await UnitRepository(db: db).tree())
            let ownerID = try await Self.ownerID(owner ?? stored.owner, by: actor, in: db)
            try await db.execute(
                """
                UPDATE calendars SET name = \(calendar.name.trimmed), time_zone = \(calendar.timeZone), hours = \(hours),
                holidays = \(holidays), owner_unit_id = \(ownerID), updated_at = \(instant) WHERE code = \(calendar.code)
                """
            )
        }
    }

    /// Whether `actor` may change `calendar`: an administrator, or a manager reaching its owner.
    public static func mayChange(_ calendar: OwnedCalendar, by actor: Actor, in tree: UnitTree) -> Bool {
        actor.reachesEverything || calendar.owner.map { actor.reaches($0, in: tree) } ?? false
    }

    private static func requireKeeper(_ actor: Actor, of calendar: OwnedCalendar, in tree: UnitTree) throws {
        guard Self.mayChange(calendar, by: actor, in: tree) else {
            let keeper = calendar.owner.map { "unit \($0)" } ?? "the administrators (it is organisation-wide)"
            throw ScopeError("Calendar \(calendar.calendar.code) is kept by \(keeper); \(actor.username) acts for \(actor.unit).", field: "owner")
        }
    }

    /// The id of the owner unit, checked: it exists and the actor reaches it.
    private static func ownerID(_ owner: String?, by actor: Actor, in db: any DatabaseExecutor) async throws -> Int64? {
        guard let owner, !owner.isEmpty else {
            guard actor.reachesEverything else {
                throw ScopeError("Only an administrator keeps organisation-wide calendars; choose your unit as the owner.", field: "owner")
            }
            return nil
        }
        guard let row = try await db.first("SELECT id FROM units WHERE code = \(owner)") else {
            throw ValidationError(field: "owner", code: "unknown_unit", message: "There is no unit \(owner).")
        }
        guard actor.reaches(owner, in: try await UnitRepository(db: db).tree()) else {
            throw ScopeError("\(actor.username) acts for \(actor.unit) and the units below it; \(owner) is outside them.", field: "owner")
        }
        return try row.decode(Int64.self)
    }

    private static func encode(_ calendar: BusinessCalendar) throws -> (String, String) {
        let encoder = PactaJSON.encoder
        return (
            String(decoding: try encoder.encode(calendar.hours), as: UTF8.self),
            String(decoding: try encoder.encode(calendar.holidays), as: UTF8.self)
        )
    }

    private static func owned(_ row: DatabaseRow) throws -> OwnedCalendar {
        let (code, name, timeZone, hours, holidays, owner) = try row.decode((String, String, String, String, String, String?).self)
        let decoder = PactaJSON.decoder
        return OwnedCalendar(
            calendar: BusinessCalendar(
                code: code,
                name: name,
                timeZone: timeZone,
                hours: try decoder.decode(WeeklyHours.self, from: Data(hours.utf8)),
                holidays: try decoder.decode([Holiday].self, from: Data(holidays.utf8))
            ),
            owner: owner
        )
    }
}
