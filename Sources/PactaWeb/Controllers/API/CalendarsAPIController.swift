import Foundation
import Hummingbird
import HummingbirdAuth
import PactaCore
import PactaStore

/// `/api/v1/calendars`: list, read, create, replace.
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

    @Sendable func list(_ request: Request, context: AppRequestContext) async throws -> ItemList<BusinessCalendar> {
        ItemList(items: try await self.services.store.calendars.list())
    }

    @Sendable func show(_ request: Request, context: AppRequestContext) async throws -> BusinessCalendar {
        let code = try context.parameters.require("code")
        guard let calendar = try await self.services.store.calendars.get(code) else { throw NotFoundError("calendar", code) }
        return calendar
    }

    @Sendable func create(_ request: Request, context: AppRequestContext) async throws -> EditedResponse<BusinessCalendar> {
        let calendar = try await request.decodeJSON(as: BusinessCalendar.self, context: context)
        try await self.services.store.calendars.create(calendar, at: self.services.now())
        return EditedResponse(status: .created, headers: [.location: "/api/v1/calendars/\(calendar.code)"], response: calendar)
    }

    @Sendable func update(_ request: Request, context: AppRequestContext) async throws -> BusinessCalendar {
        struct Body: Decodable {
            var name: String
            var timeZone: String
            var hours: WeeklyHours
            var holidays: [Holiday]?
        }
        let body = try await request.decodeJSON(as: Body.self, context: context)
        let calendar = BusinessCalendar(
            code: try context.parameters.require("code"),
            name: body.name,
            timeZone: body.timeZone,
            hours: body.hours,
            holidays: body.holidays ?? []
        )
        try await self.services.store.calendars.update(calendar, at: self.services.now())
        return calendar
    }
}
