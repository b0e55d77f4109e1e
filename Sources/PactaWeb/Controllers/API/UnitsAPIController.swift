import Foundation
import Hummingbird
import HummingbirdAuth
import PactaCore
import PactaStore

/// `/api/v1/units`: list, read, create, update, import CSV.
struct UnitsAPIController: Sendable {
    let services: AppServices

    func addRoutes(to group: RouterGroup<AppRequestContext>) {
        let read = group.group("units").add(middleware: RequireRoleMiddleware(Role.everyone))
        read.get(use: self.list)
        read.get(":code", use: self.show)
        let write = group.group("units").add(middleware: RequireRoleMiddleware(Role.editors))
        write.post(use: self.create)
        write.put(":code", use: self.update)
        write.post("import", use: self.importCSV)
    }

    @Sendable func list(_ request: Request, context: AppRequestContext) async throws -> ItemList<OrgUnit> {
        ItemList(items: try await self.services.store.units.list())
    }

    @Sendable func show(_ request: Request, context: AppRequestContext) async throws -> OrgUnit {
        let code = try context.parameters.require("code")
        guard let unit = try await self.services.store.units.get(code) else { throw NotFoundError("unit", code) }
        return unit
    }

    @Sendable func create(_ request: Request, context: AppRequestContext) async throws -> EditedResponse<OrgUnit> {
        let unit = try await request.decodeJSON(as: OrgUnit.self, context: context)
        try await self.services.store.units.create(unit, by: try context.actor, at: self.services.now())
        return EditedResponse(status: .created, headers: [.location: "/api/v1/units/\(unit.code)"], response: unit)
    }

    @Sendable func update(_ request: Request, context: AppRequestContext) async throws -> OrgUnit {
        struct Body: Codable {
            var name: String
            var parent: String?
        }
        let body = try await request.decodeJSON(as: Body.self, context: context)
        let unit = OrgUnit(code: try context.parameters.require("code"), name: body.name, parent: body.parent)
        try await self.services.store.units.update(unit, by: try context.actor, at: self.services.now())
        return unit
    }

    /// Takes the CSV as the body (`text/csv`); `?skip_invalid=true` imports the good rows.
    @Sendable func importCSV(_ request: Request, context: AppRequestContext) async throws -> EditedResponse<ImportReport> {
        let body = try await request.body(upTo: FormData.maximumSize)
        let skipInvalid = try request.flag("skip_invalid")
        let report = try await self.services.store.units.importCSV(
            bytes: Array(body.readableBytesView),
            skipInvalid: skipInvalid,
            by: try context.actor,
            at: self.services.now()
        )
        return EditedResponse(status: report.status, response: report)
    }
}
