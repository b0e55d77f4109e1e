import Foundation
import Hummingbird
import HummingbirdAuth
import PactaCore
import PactaStore

/// Unit pages: list, create, edit, CSV import.
struct UnitsWebController: Sendable {
    let services: AppServices

    func addRoutes(to group: RouterGroup<AppRequestContext>) {
        group.group().add(middleware: RequireRoleMiddleware(Role.everyone)).get("units", use: self.list)
        let edit = group.group("units").add(middleware: RequireRoleMiddleware(Role.editors))
        edit.get("new", use: self.newForm)
        edit.post(use: self.create)
        edit.get("import", use: self.importForm)
        edit.post("import", use: self.importCSV)
        edit.get(":code/edit", use: self.editForm)
        edit.post(":code", use: self.update)
    }

    @Sendable func list(_ request: Request, context: AppRequestContext) async throws -> HTML {
        let page = UnitsPage(try await self.services.store.units.list(), by: try context.actor)
        return self.services.renderer.render(page, titleKey: "units.title", section: "units", request: request, context: context)
    }

    @Sendable func newForm(_ request: Request, context: AppRequestContext) async throws -> HTML {
        try await self.form(OrgUnit(code: "", name: ""), isNew: true, issues: [], request: request, context: context)
    }

    @Sendable func editForm(_ request: Request, context: AppRequestContext) async throws -> HTML {
        let code = try context.parameters.require("code")
        guard let unit = try await self.services.store.units.get(code) else { throw NotFoundError("unit", code) }
        let actor = try context.actor
        guard actor.reaches(code, in: try await self.services.store.units.tree()) else {
            throw ScopeError("\(actor.username) acts for \(actor.unit) and the units below it; \(code) is outside them.")
        }
        return try await self.form(unit, isNew: false, issues: [], request: request, context: context)
    }

    @Sendable func create(_ request: Request, context: AppRequestContext) async throws -> Response {
        try await self.save(code: context.form.text("code"), isNew: true, request: request, context: context) { unit in
            try await self.services.store.units.create(unit, by: try context.actor, at: self.services.now())
        }
    }

    @Sendable func update(_ request: Request, context: AppRequestContext) async throws -> Response {
        try await self.save(code: try context.parameters.require("code"), isNew: false, request: request, context: context) { unit in
            try await self.services.store.units.update(unit, by: try context.actor, at: self.services.now())
        }
    }

    /// Reads the posted unit and writes it; shows the form again with its errors when it is refused.
    private func save(
        code: String,
        isNew: Bool,
        request: Request,
        context: AppRequestContext,
        _ write: (OrgUnit) async throws -> Void
    ) async throws -> Response {
        let form = context.form
        let unit = OrgUnit(code: code, name: form.text("name"), parent: form.text("parent").isEmpty ? nil : form.text("parent"))
        do {
            try await write(unit)
        } catch let error as ValidationError {
            return try await self.form(unit, isNew: isNew, issues: error.issues, request: request, context: context).response(
                from: request,
                context: context
            )
        }
        context.flash("flash.unit_saved")
        return redirect("/units")
    }

    @Sendable func importForm(_ request: Request, context: AppRequestContext) async throws -> HTML {
        self.services.renderer.render(
            .unitsImport,
            titleKey: "units_import.title",
            section: "units",
            page: ImportPage(),
            request: request,
            context: context
        )
    }

    /// Takes the CSV from the uploaded file, or else from the text area.
    @Sendable func importCSV(_ request: Request, context: AppRequestContext) async throws -> HTML {
        let upload = ImportUpload(context.form)
        let report = try await self.services.store.units.importCSV(
            bytes: upload.bytes,
            skipInvalid: upload.skipInvalid,
            by: try context.actor,
            at: self.services.now()
        )
        return self.services.renderer.render(
            .unitsImport,
            titleKey: "units_import.title",
            section: "units",
            page: ImportPage(upload, report: report, messages: self.services.renderer.messages(context.language)),
            request: request,
            context: context,
            status: report.status
        )
    }

    private func form(_ unit: OrgUnit, isNew: Bool, issues: [FieldIssue], request: Request, context: AppRequestContext) async throws -> HTML {
        // A manager places units only under their own unit or below it.
        let actor = try context.actor
        let all = try await self.services.store.units.list()
        let tree = UnitTree(all)
        let units = all.filter { $0.code != unit.code && (actor.reaches($0.code, in: tree) || $0.code == unit.parent) }
        let page = UnitFormPage(
            unit,
            isNew: isNew,
            parents: units,
            errors: self.services.renderer.fieldErrors(issues, language: context.language, form: "unit_form")
        )
        return self.services.renderer.render(
            page,
            titleKey: isNew ? "unit_form.new_title" : "unit_form.edit_title",
            section: "units",
            request: request,
            context: context,
            status: issues.isEmpty ? .ok : .unprocessableContent
        )
    }
}
