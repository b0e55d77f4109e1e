import Foundation
import Hummingbird
import HummingbirdAuth
import PactaCore
import PactaStore

/// Calendar pages: list, create, edit. A manager keeps the calendars of their unit (and those
/// below it); organisation-wide ones are the administrators'.
struct CalendarsWebController: Sendable {
    let services: AppServices

    func addRoutes(to group: RouterGroup<AppRequestContext>) {
        group.group().add(middleware: RequireRoleMiddleware(Role.everyone)).get("calendars", use: self.list)
        let edit = group.group("calendars").add(middleware: RequireRoleMiddleware(Role.editors))
        edit.get("new", use: self.newForm)
        edit.post(use: self.create)
        edit.get(":code/edit", use: self.editForm)
        edit.post(":code", use: self.update)
    }

    @Sendable func list(_ request: Request, context: AppRequestContext) async throws -> HTML {
        let page = CalendarsPage(
            try await self.services.store.calendars.listOwned(),
            by: try context.actor,
            tree: try await self.services.store.units.tree(),
            messages: self.services.renderer.messages(context.language),
            timeZone: self.services.timeZone
        )
        return self.services.renderer.render(page, titleKey: "calendars.title", section: "calendars", request: request, context: context)
    }

    @Sendable func newForm(_ request: Request, context: AppRequestContext) async throws -> HTML {
        var form = CalendarForm()
        let actor = try context.actor
        form.timeZone = self.services.timeZone.identifier
        form.owner = actor.reachesEverything ? "" : actor.unit
        for day in [Weekday.monday, .tuesday, .wednesday, .thursday, .friday] { form.days[day] = "08:30-13:00, 14:00-17:30" }
        return try await self.render(form, isNew: true, issues: [], request: request, context: context)
    }

    @Sendable func editForm(_ request: Request, context: AppRequestContext) async throws -> HTML {
        let code = try context.parameters.require("code")
        guard let owned = try await self.services.store.calendars.getOwned(code) else { throw NotFoundError("calendar", code) }
        let actor = try context.actor
        guard CalendarRepository.mayChange(owned, by: actor, in: try await self.services.store.units.tree()) else {
            throw ScopeError("Calendar \(code) is kept by \(owned.owner ?? "the administrators"); \(actor.username) acts for \(actor.unit).")
        }
        var form = CalendarForm(owned.calendar)
        form.owner = owned.owner ?? ""
        return try await self.render(form, isNew: false, issues: [], request: request, context: context)
    }

    @Sendable func create(_ request: Request, context: AppRequestContext) async throws -> Response {
        let form = CalendarForm(context.form)
        let actor = try context.actor
        return try await self.save(form, isNew: true, request: request, context: context) { calendar in
            try await self.services.store.calendars.create(calendar, owner: form.owner.isEmpty ? nil : form.owner, by: actor, at: self.services.now())
        }
    }

    @Sendable func update(_ request: Request, context: AppRequestContext) async throws -> Response {
        var form = CalendarForm(context.form)
        form.code = try context.parameters.require("code")
        let actor = try context.actor
        let owner = form.owner
        return try await self.save(form, isNew: false, request: request, context: context) { calendar in
            try await self.services.store.calendars.update(calendar, owner: .some(owner.isEmpty ? nil : owner), by: actor, at: self.services.now())
        }
    }

    private func save(
        _ form: CalendarForm,
        isNew: Bool,
        request: Request,
        context: AppRequestContext,
        _ write: (BusinessCalendar) async throws -> Void
    ) async throws -> Response {
        do {
            let calendar = try form.calendar()
            try await write(calendar)
        } catch let error as ValidationError {
            return try await self.render(form, isNew: isNew, issues: error.issues, request: request, context: context).response(
                from: request,
                context: context
            )
        }
        context.flash("flash.calendar_saved")
        return redirect("/calendars")
    }

    private func render(_ form: CalendarForm, isNew: Bool, issues: [FieldIssue], request: Request, context: AppRequestContext) async throws -> HTML {
        let actor = try context.actor
        let units = try await self.services.store.units.list()
        let tree = UnitTree(units)
        let page = CalendarFormPage(
            form,
            isNew: isNew,
            owners: units.filter { actor.reaches($0.code, in: tree) || $0.code == form.owner },
            organisationOwns: actor.reachesEverything || form.owner.isEmpty,
            errors: self.services.renderer.fieldErrors(issues, language: context.language, form: "calendar_form"),
            messages: self.services.renderer.messages(context.language)
        )
        return self.services.renderer.render(
            page,
            titleKey: isNew ? "calendar_form.new_title" : "calendar_form.edit_title",
            section: "calendars",
            request: request,
            context: context,
            status: issues.isEmpty ? .ok : .unprocessableContent
        )
    }
}

/// The calendar form as typed: one line of intervals per weekday, one holiday per line.
struct CalendarForm {
    var code = "", name = "", timeZone = "", holidays = "", owner = ""
    var days: [Weekday: String] = [:]

    init() {}

    init(_ calendar: BusinessCalendar) {
        self.code = calendar.code
        self.name = calendar.name
        self.timeZone = calendar.timeZone
        for day in Weekday.allCases { self.days[day] = calendar.hours[day].map(\.description).joined(separator: ", ") }
        self.holidays = calendar.holidays.sorted { $0.date < $1.date }.map { "\($0.date) \($0.name)" }.joined(separator: "\n")
    }

    init(_ form: FormData) {
        self.code = form.text("code")
        self.name = form.text("name")
        self.timeZone = form.text("time_zone")
        self.holidays = form.text("holidays")
        self.owner = form.text("owner")
        for day in Weekday.allCases { self.days[day] = form.text("hours.\(day.rawValue)") }
    }

    /// The calendar, or every problem with the typed text and the calendar rules.
    func calendar() throws -> BusinessCalendar {
        var validator = Validator()
        var hours = WeeklyHours()
        for day in Weekday.allCases {
            let parts = (self.days[day] ?? "").split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
            var ranges: [TimeRange] = []
            for part in parts {
                if let range = TimeRange(part) {
                    ranges.append(range)
                } else {
                    validator.fail("hours.\(day.rawValue)", "invalid_interval", "'\(part)' is not an interval like 08:30-13:00.")
                }
            }
            hours[day] = ranges
        }
        var holidays: [Holiday] = []
        for (index, line) in self.holidays.split(whereSeparator: \.isNewline).enumerated() {
            let text = line.trimmingCharacters(in: .whitespaces)
            guard !text.isEmpty else { continue }
            let date = String(text.prefix(10))
            guard let day = LocalDate(date) else {
                validator.fail("holidays", "invalid_holiday", "Line \(index + 1): '\(text)' does not start with a date like 2026-08-10.")
                continue
            }
            holidays.append(Holiday(date: day, name: text.dropFirst(10).trimmingCharacters(in: .whitespaces)))
        }
        let calendar = BusinessCalendar(code: self.code, name: self.name, timeZone: self.timeZone, hours: hours, holidays: holidays)
        do { try calendar.validate() } catch { validator.absorb(error, prefix: "") }
        try validator.finish()
        return calendar
    }
}
