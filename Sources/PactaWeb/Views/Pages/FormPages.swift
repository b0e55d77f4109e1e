import Foundation
import PactaCore
import PactaStore

/// A unit's form: its code (fixed once made), name and parent.
struct UnitFormPage: PageModel {
    static let template = Template.unitForm

    var isNew: Bool
    var action: String
    var code: String
    var name: String
    /// The units it may hang from.
    var parents: [SelectOption]
    var errors: [String: String]
    var errorList: [FormError]

    /// - Parameter parents: the units the reader may place it under.
    init(_ unit: OrgUnit, isNew: Bool, parents: [OrgUnit], errors: FormErrors) {
        self.isNew = isNew
        self.action = isNew ? "/units" : "/units/\(unit.code)"
        self.code = unit.code
        self.name = unit.name
        self.parents = parents.map { SelectOption(unit: $0, selected: $0.code == unit.parent) }
        self.errors = errors.byField
        self.errorList = errors.list
    }
}

/// A business calendar's form: one line of intervals per weekday, one holiday per line, and who keeps it.
struct CalendarFormPage: PageModel {
    static let template = Template.calendarForm

    struct Day: Sendable {
        /// The field is `hours.<key>`.
        var key: String
        var label: String
        /// `08:30-13:00, 14:00-17:30`
        var value: String
        var error: String?
    }

    var isNew: Bool
    var action: String
    var code: String
    var name: String
    var timeZone: String
    /// The zones offered in the time zone's list.
    var zones: [String]
    var days: [Day]
    var holidays: String
    /// The keeping unit: the organisation (value empty) or a unit.
    var owners: [SelectOption]
    var errors: [String: String]
    var errorList: [FormError]

    static let zones = TimeZone.knownTimeZoneIdentifiers.filter { $0.hasPrefix("America/") || $0.hasPrefix("Europe/") || $0 == "UTC" }

    /// - Parameters:
    ///   - owners: the units the reader may give it to.
    ///   - organisationOwns: whether "the whole organisation" is offered as keeper.
    init(_ form: CalendarForm, isNew: Bool, owners: [OrgUnit], organisationOwns: Bool, errors: FormErrors, messages: Messages) {
        self.isNew = isNew
        self.action = isNew ? "/calendars" : "/calendars/\(form.code)"
        self.code = form.code
        self.name = form.name
        self.timeZone = form.timeZone
        self.zones = Self.zones
        self.holidays = form.holidays
        self.owners =
            (organisationOwns
                ? [SelectOption(value: "", label: messages.text("calendars.organisation", or: "Organisation"), selected: form.owner.isEmpty)]
                : []) + owners.map { SelectOption(unit: $0, selected: $0.code == form.owner) }
        var byField = errors.byField
        // `holidays[2].date` is shown under the holidays field.
        if byField["holidays"] == nil, let holiday = byField.first(where: { $0.key.hasPrefix("holidays[") }) {
            byField["holidays"] = holiday.value
        }
        self.days = Weekday.allCases.map { day in
            Day(
                key: day.rawValue,
                label: messages.text("weekdays.\(day.rawValue)", or: day.rawValue),
                value: form.days[day] ?? "",
                error: byField.first { $0.key == "hours.\(day.rawValue)" || $0.key.hasPrefix("hours.\(day.rawValue)[") }?.value
            )
        }
        self.errors = byField
        self.errorList = errors.list
    }
}

/// The sign-in form.
struct LoginPage: PageModel {
    static let template = Template.login

    var username: String
    /// Where to go once signed in (a local path).
    var next: String
    var error: String?
}

/// One's own account: the layout shows who they are; the page, the password form's problems.
struct AccountPage: PageModel {
    static let template = Template.account

    /// Where survey invitations go, as stored or as typed.
    var email: String
    var errors: [String: String]
    var errorList: [FormError]

    init(email: String, errors: FormErrors) {
        self.email = email
        self.errors = errors.byField
        self.errorList = errors.list
    }
}

/// What went wrong, where, and what to do next.
struct ErrorPage: PageModel {
    static let template = Template.error

    var status: Int
    var heading: String
    var message: String
    /// The field or parameter at fault.
    var field: String?
    /// The limit the request went over ("20 MB").
    var limit: String?
    /// The same page again, when trying later is the way on.
    var retry: String?
}
