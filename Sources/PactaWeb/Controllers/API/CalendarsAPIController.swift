import Foundation
import Hummingbird
import HummingbirdAuth
import PactaCore
import PactaStore

/// `/api/v1/calendars`: list, read, create, replace. A calendar is kept by an owner unit, whose
/// managers change it; organisation-wide ones (no owner) only administrators change.
struct CalendarsAPIController: Sendable {
    let services: AppServices

    func addRoutes(to group: RouterGroup<AppRequestContext>) {
        let read = group.group("calendars").add(middleware: RequireRoleMiddleware(Role.everyone))
        read.get(use: self.list)
        read.get(":code", use: self.show)
        let write = group.group("calendars").add(middleware: RequireRoleMiddleware(Role.editors))
        write.post(use: self.create)
        write.put(":code", use: self.update)
    }

    @Sendable func list(_ request: Request, context: AppRequestContext) async throws -> ItemList<CalendarJSON> {
        ItemList(items: try await self.services.store.calendars.listOwned().map(CalendarJSON.init))
    }

    @Sendable func show(_ request: Request, context: AppRequestContext) async throws -> CalendarJSON {
        let code = try context.parameters.require("code")
        guard let calendar = try await self.services.store.calendars.getOwned(code) else { throw NotFoundError("calendar", code) }
        return CalendarJSON(calendar)
    }

    /// `owner` defaults to the caller's unit, or to none (organisation-wide) for an administrator.
    @Sendable func create(_ request: Request, context: AppRequestContext) async throws -> EditedResponse<CalendarJSON> {
        let input = try await request.decodeJSON(as: CalendarInput.self, context: context)
        let calendar = input.calendar
        let actor = try context.actor
        let owner = input.owner ?? (actor.reachesEverything ? nil : actor.unit)
        try await self.services.store.calendars.create(calendar, owner: owner, by: actor, at: self.services.now())
        return EditedResponse(
            status: .created,
            headers: [.location: "/api/v1/calendars/\(calendar.code)"],
            response: CalendarJSON(OwnedCalendar(calendar: calendar, owner: owner))
        )
    }

    /// Replaces the calendar; `owner`, when present, hands it to another unit (`null`: to the organisation).
    @Sendable func update(_ request: Request, context: AppRequestContext) async throws -> CalendarJSON {
        struct Body: Codable {
            var name: String
            var timeZone: String
            var hours: WeeklyHours
            var holidays: [Holiday]?
            /// Absent: kept; `null`: organisation-wide.
            var owner: String??

            init(from decoder: any Decoder) throws {
                let container = try decoder.container(keyedBy: CodingKeys.self)
                self.name = try container.decode(String.self, forKey: .name)
                self.timeZone = try container.decode(String.self, forKey: .timeZone)
                self.hours = try container.decode(WeeklyHours.self, forKey: .hours)
                self.holidays = try container.decodeIfPresent([Holiday].self, forKey: .holidays)
                self.owner = container.contains(.owner) ? .some(try container.decodeIfPresent(String.self, forKey: .owner)) : .none
            }

            enum CodingKeys: String, CodingKey { case name, timeZone, hours, holidays, owner }
        }
        let code = try context.parameters.require("code")
        let body = try await request.decodeJSON(as: Body.self, context: context)
        let calendar = BusinessCalendar(code: code, name: body.name, timeZone: body.timeZone, hours: body.hours, holidays: body.holidays ?? [])
        try await self.services.store.calendars.update(calendar, owner: body.owner, by: try context.actor, at: self.services.now())
        guard let saved = try await self.services.store.calendars.getOwned(code) else { throw NotFoundError("calendar", code) }
        return CalendarJSON(saved)
    }
}

/// The body of `POST /calendars`: a calendar and, optionally, its owner unit.
struct CalendarInput: Codable, Sendable {
    var calendar: BusinessCalendar
    var owner: String?

    init(from decoder: any Decoder) throws {
        self.calendar = try BusinessCalendar(from: decoder)
        self.owner = try decoder.container(keyedBy: CodingKeys.self).decodeIfPresent(String.self, forKey: .owner)
    }

    func encode(to encoder: any Encoder) throws {
        try self.calendar.encode(to: encoder)
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encodeIfPresent(self.owner, forKey: .owner)
    }

    enum CodingKeys: String, CodingKey { case owner }
}

/// A calendar as the API shows it, with the unit that keeps it.
struct CalendarJSON: ResponseEncodable, Sendable {
    var code: String
    var name: String
    var timeZone: String
    var hours: WeeklyHours
    var holidays: [Holiday]
    /// Code of the unit whose managers change it; null for an organisation-wide calendar.
    @Nullable var owner: String?

    init(_ owned: OwnedCalendar) {
        self.code = owned.calendar.code
        self.name = owned.calendar.name
        self.timeZone = owned.calendar.timeZone
        self.hours = owned.calendar.hours
        self.holidays = owned.calendar.holidays
        self.owner = owned.owner
    }
}
