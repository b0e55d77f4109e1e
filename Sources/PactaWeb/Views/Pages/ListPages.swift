import Foundation
import PactaCore
import PactaStore

/// The units, each with its parent and, for those the reader may change, a link to edit it.
struct UnitsPage: PageModel {
    static let template = Template.units

    struct Row: Sendable {
        var code: String
        var name: String
        var parent: String?
        var parentName: String?
        /// Nil when the reader may not change the unit.
        var editHref: String?
    }

    var rows: [Row]
    var empty: Bool

    init(_ units: [OrgUnit], by actor: Actor) {
        let names = Dictionary(uniqueKeysWithValues: units.map { ($0.code, $0.name) })
        let tree = UnitTree(units)
        let mayEdit = Role.editors.contains(actor.role)
        self.rows = units.map { unit in
            Row(
                code: unit.code,
                name: unit.name,
                parent: unit.parent,
                parentName: unit.parent.flatMap { names[$0] },
                editHref: mayEdit && actor.reaches(unit.code, in: tree) ? "/units/\(unit.code)/edit" : nil
            )
        }
        self.empty = units.isEmpty
    }
}

/// The business calendars, with who keeps each and, for the keepers, a link to edit it.
struct CalendarsPage: PageModel {
    static let template = Template.calendars

    struct Row: Sendable {
        var code: String
        var name: String
        var timeZone: String
        /// `Lun 08:30-13:00, 14:00-17:30 · Mar …`
        var hoursSummary: String
        var holidayCount: Int
        /// The keeping unit's code, or "the organisation".
        var owner: String
        /// Nil when the reader may not change the calendar.
        var editHref: String?
    }

    var rows: [Row]
    var empty: Bool

    init(_ calendars: [OwnedCalendar], by actor: Actor, tree: UnitTree, messages: Messages, timeZone: TimeZone) {
        let views = AgreementViews(messages: messages, timeZone: timeZone)
        let mayEdit = Role.editors.contains(actor.role)
        self.rows = calendars.map { owned in
            let calendar = owned.calendar
            return Row(
                code: calendar.code,
                name: calendar.name,
                timeZone: calendar.timeZone,
                hoursSummary: views.hoursSummary(calendar),
                holidayCount: calendar.holidays.count,
                owner: owned.owner ?? messages.text("calendars.organisation", or: "Organisation"),
                editHref: mayEdit && CalendarRepository.mayChange(owned, by: actor, in: tree) ? "/calendars/\(calendar.code)/edit" : nil
            )
        }
        self.empty = calendars.isEmpty
    }
}

/// The agreements the reader may see, by state; or those awaiting the reader's signature.
struct AgreementsPage: PageModel {
    static let template = Template.agreements

    struct Row: Sendable {
        var code: String
        var href: String
        var title: String
        var provider: String
        var providerName: String
        var client: String
        var clientName: String
        var stateLabel: String
        var stateClass: String
        var version: Int
        var validFrom: String
        var validTo: String
    }

    var rows: [Row]
    var states: [SelectOption]
    var empty: Bool
    /// The list of agreements awaiting the reader's signature, not the whole list.
    var toSign: Bool

    /// - Parameters:
    ///   - state: the state filter, if any.
    ///   - toSign: the codes awaiting the reader's signature, when only those are listed.
    init(_ summaries: [AgreementSummary], state: AgreementState?, toSign: Set<String>?, today: LocalDate, messages: Messages, timeZone: TimeZone) {
        let views = AgreementViews(messages: messages, timeZone: timeZone)
        self.rows =
            summaries
            .filter { state == nil || $0.state(on: today) == state }
            .filter { toSign?.contains($0.code) ?? true }
            .map { summary in
                let current = summary.state(on: today)
                return Row(
                    code: summary.code,
                    href: "/agreements/\(summary.code)",
                    title: summary.title,
                    provider: summary.provider,
                    providerName: summary.providerName,
                    client: summary.client,
                    clientName: summary.clientName,
                    stateLabel: views.stateLabel(current, validFrom: summary.validFrom),
                    stateClass: views.stateClass(current),
                    version: summary.version,
                    validFrom: summary.validFrom.description,
                    validTo: summary.validTo.description
                )
            }
        self.states = AgreementState.allCases.map {
            SelectOption(value: $0.rawValue, label: messages.text("states.\($0.rawValue)", or: $0.rawValue), selected: $0 == state)
        }
        self.empty = self.rows.isEmpty
        self.toSign = toSign != nil
    }
}

/// One request: its times, its agreement, and what it counts as for each time commitment now.
struct RequestPage: PageModel {
    static let template = Template.request

    struct Evaluation: Sendable {
        var key: String
        var name: String
        var metricLabel: String
        var target: String
        var businessTime: String
        var dueAt: String
        var outcomeLabel: String
        var outcomeClass: String
    }

    struct Pause: Sendable {
        var start: String
        var end: String
    }

    var externalRef: String
    var service: String
    var priority: String
    var provider: String
    var providerName: String
    var client: String
    var clientName: String
    var matched: Bool
    var agreement: String?
    var agreementTitle: String?
    var agreementHref: String?
    var openedAt: String
    /// `—` until it happens.
    var firstResponseAt: String
    var resolvedAt: String
    var pauses: [Pause]
    var evaluatedAt: String
    var evaluations: [Evaluation]
    /// The detractor follow-up this request is, when it is one.
    var followUpHref: String?

    init(_ detail: RequestDetail, unitNames: [String: String], messages: Messages, timeZone: TimeZone) {
        let views = AgreementViews(messages: messages, timeZone: timeZone)
        let served = detail.request
        self.externalRef = served.externalRef
        self.service = served.service
        self.priority = served.priority
        self.provider = served.provider
        self.providerName = unitNames[served.provider] ?? served.provider
        self.client = served.client
        self.clientName = unitNames[served.client] ?? served.client
        self.matched = detail.agreement != nil
        self.agreement = detail.agreement
        self.agreementTitle = detail.terms?.title
        self.agreementHref = detail.agreement.map { "/agreements/\($0)" }
        self.openedAt = Format.instant(served.openedAt, in: timeZone)
        self.firstResponseAt = served.firstResponseAt.map { Format.instant($0, in: timeZone) } ?? "—"
        self.resolvedAt = served.resolvedAt.map { Format.instant($0, in: timeZone) } ?? "—"
        self.pauses = served.pauses.map { Pause(start: Format.instant($0.start, in: timeZone), end: Format.instant($0.end, in: timeZone)) }
        self.evaluatedAt = Format.instant(detail.evaluatedAt, in: timeZone)
        self.followUpHref = FollowUp.id(of: served).map { "/nps/followups/\($0)" }
        self.evaluations = detail.evaluations.map { evaluation in
            let labels = views.commitment(evaluation.commitment, calendars: [])
            return Evaluation(
                key: evaluation.commitment.key,
                name: evaluation.commitment.name,
                metricLabel: labels.metricLabel,
                target: labels.targetLabel,
                businessTime: Format.duration(evaluation.businessSeconds),
                dueAt: evaluation.dueAt.map { Format.instant($0, in: timeZone) } ?? "—",
                outcomeLabel: messages.text("indicators.outcomes.\(evaluation.outcome.rawValue)", or: evaluation.outcome.rawValue),
                outcomeClass: Badge.of(evaluation.outcome)
            )
        }
    }
}
