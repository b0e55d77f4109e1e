import Foundation
import PactaCore
import PactaStore

/// What the follow-up pages and their CSV read from the query: `?status=`, `?unit=`, `?mine=1`, `?page=`.
struct FollowUpQuery: Sendable {
    var status: FollowUpStatus?
    var unit: String?
    var mine: Bool
    var page: Int

    init(_ fields: [String: String]) {
        self.status = fields["status"].flatMap(FollowUpStatus.init(rawValue:))
        self.unit = fields["unit"].flatMap { $0.isEmpty ? nil : $0 }
        self.mine = fields["mine"] == "1"
        self.page = max(Int(fields["page"] ?? "") ?? 1, 1)
    }

    func filter(for actor: Actor) -> FollowUpFilter {
        FollowUpFilter(status: self.status, unit: self.unit, owner: self.mine ? actor.username : nil)
    }

    /// The query string of these filters, on `page` when given.
    func query(status: FollowUpStatus?? = .none, page: Int? = nil) -> String {
        var parts: [String] = []
        if let status = status ?? self.status { parts.append("status=\(status.rawValue)") }
        if let unit = self.unit { parts.append("unit=\(PageRenderer.percentEncode(unit))") }
        if self.mine { parts.append("mine=1") }
        if let page, page > 1 { parts.append("page=\(page)") }
        return parts.joined(separator: "&")
    }
}

/// The detractor follow-ups within the person's reach, oldest open first, by status and unit.
struct FollowUpsPage: PageModel {
    static let template = Template.npsFollowUps
    static let perPage = 50

    struct Row: Sendable {
        var id: Int64
        var href: String
        var answeredAt: String
        var unit: String
        var client: String
        var touchpoint: String
        var channel: String
        var transaction: String
        var score: Int
        var comment: String
        var owner: String
        var statusLabel: String
        var statusClass: String
    }

    struct Tab: Sendable {
        var label: String
        var count: Int
        var href: String
        var current: Bool
    }

    var tabs: [Tab]
    var units: [SelectOption]
    var mine: Bool
    var status: String
    var rows: [Row]
    var pager: Pager?
    var csvHref: String
    var emptyNote: String

    init(
        _ listed: (rows: [FollowUp], total: Int),
        query: FollowUpQuery,
        counts: [FollowUpStatus: Int],
        units: [OrgUnit],
        transactionNames: [String: String],
        timeZone: TimeZone,
        messages: Messages
    ) {
        let names = Dictionary(uniqueKeysWithValues: units.map { ($0.code, $0.name) })
        let statuses: [FollowUpStatus?] = [nil] + FollowUpStatus.allCases
        self.tabs = statuses.map { status in
            Tab(
                label: messages.text("followups.tabs.\(status?.rawValue ?? "all")", or: status?.rawValue ?? "all"),
                count: status.map { counts[$0] ?? 0 } ?? counts.values.reduce(0, +),
                href: "/nps/followups?" + query.query(status: .some(status)),
                current: status == query.status
            )
        }
        self.units =
            [SelectOption(value: "", label: messages.text("followups.every_unit", or: "—"), selected: query.unit == nil)]
            + units.map { SelectOption(unit: $0, selected: $0.code == query.unit) }
        self.mine = query.mine
        self.status = query.status?.rawValue ?? ""
        self.rows = listed.rows.map { followUp in
            Row(
                id: followUp.id,
                href: "/nps/followups/\(followUp.id)",
                answeredAt: Format.instant(followUp.answer.answeredAt, in: timeZone),
                unit: names[followUp.unit] ?? followUp.unit,
                client: followUp.client.isEmpty ? "—" : names[followUp.client] ?? followUp.client,
                touchpoint: followUp.answer.touchpoint,
                channel: NPSPage.channel(followUp.answer.channel, messages: messages),
                transaction: transactionNames[followUp.answer.transaction] ?? followUp.answer.transaction,
                score: followUp.answer.score,
                comment: followUp.answer.comment,
                owner: followUp.owner ?? "—",
                statusLabel: messages.text("followups.statuses.\(followUp.status.rawValue)", or: followUp.status.rawValue),
                statusClass: Self.badge(followUp.status)
            )
        }
        self.pager = Pager(page: query.page, size: Self.perPage, total: listed.total, shown: listed.rows.count) {
            "/nps/followups?" + query.query(page: $0)
        }
        self.csvHref = "/nps/followups.csv?" + query.query()
        let filtered = query.status != nil || query.unit != nil || query.mine
        self.emptyNote = messages.text(filtered ? "followups.empty_filtered" : "followups.empty", or: "")
    }

    static func badge(_ status: FollowUpStatus) -> String {
        switch status {
        case .open: "pending"
        case .contacted: "draft"
        case .closed: "active"
        }
    }

    static let csvColumns = [
        "id", "status", "unit", "client", "owner", "external_ref", "answered_at", "channel", "touchpoint", "transaction", "score", "comment",
        "contacted_at", "closed_at",
    ]

    static func csv(_ followUps: [FollowUp]) -> String {
        Self.csvColumns.joined(separator: ",") + "\r\n"
            + followUps.map { followUp in
                [
                    String(followUp.id), followUp.status.rawValue, followUp.unit, followUp.client, followUp.owner ?? "", followUp.answer.externalRef,
                    Timestamp.format(followUp.answer.answeredAt), followUp.answer.channel, followUp.answer.touchpoint,
                    followUp.answer.transaction, String(followUp.answer.score), followUp.answer.comment,
                    followUp.contactedAt.map(Timestamp.format) ?? "", followUp.closedAt.map(Timestamp.format) ?? "",
                ].map(CSVField.escape).joined(separator: ",") + "\r\n"
            }.joined()
    }
}

/// One follow-up: the customer's answer, where it stands, what its time to contact counts as in
/// the agreement between the two units, its history, and (for the supporting unit) the form to move it.
struct FollowUpPage: PageModel {
    static let template = Template.npsFollowUp

    struct Note: Sendable {
        var at: String
        var author: String
        var change: String?
        var text: String?
    }

    var id: Int64
    var statusLabel: String
    var statusClass: String
    var score: Int
    var kindClass: String
    var comment: String
    var answeredAt: String
    var externalRef: String
    var touchpoint: String
    var touchpointName: String
    var channel: String
    var transaction: String
    var unit: String
    var unitName: String
    var client: String?
    var clientName: String?
    var owner: String
    var contactedAt: String
    var closedAt: String
    /// The request it is, measured against its agreement; nil without a client.
    var request: RequestPage?
    var requestHref: String?
    var notes: [Note]
    var canEdit: Bool
    var statuses: [SelectOption]
    var owners: [SelectOption]
    var note: String
    var errors: [String: String]
    var errorList: [FormError]

    init(
        _ followUp: FollowUp,
        notes: [FollowUpNote],
        request: RequestDetail?,
        touchpointName: String?,
        transactionName: String?,
        unitNames: [String: String],
        people: [User],
        canEdit: Bool,
        form: (status: String, owner: String, note: String)?,
        errors: FormErrors,
        timeZone: TimeZone,
        messages: Messages
    ) {
        func status(_ status: FollowUpStatus) -> String { messages.text("followups.statuses.\(status.rawValue)", or: status.rawValue) }
        self.id = followUp.id
        self.statusLabel = status(followUp.status)
        self.statusClass = FollowUpsPage.badge(followUp.status)
        self.score = followUp.answer.score
        self.kindClass = "score-\(followUp.answer.kind.rawValue)"
        self.comment = followUp.answer.comment
        self.answeredAt = Format.instant(followUp.answer.answeredAt, in: timeZone)
        self.externalRef = followUp.answer.externalRef
        self.touchpoint = followUp.answer.touchpoint
        self.touchpointName = touchpointName ?? followUp.answer.touchpoint
        self.channel = NPSPage.channel(followUp.answer.channel, messages: messages)
        self.transaction = transactionName ?? followUp.answer.transaction
        self.unit = followUp.unit
        self.unitName = unitNames[followUp.unit] ?? followUp.unit
        self.client = followUp.client.isEmpty ? nil : followUp.client
        self.clientName = self.client.map { unitNames[$0] ?? $0 }
        self.owner = followUp.owner.map { owner in people.first { $0.username == owner }.map { "\($0.name) (\(owner))" } ?? owner } ?? "—"
        self.contactedAt = followUp.contactedAt.map { Format.instant($0, in: timeZone) } ?? "—"
        self.closedAt = followUp.closedAt.map { Format.instant($0, in: timeZone) } ?? "—"
        self.request = request.map { RequestPage($0, unitNames: unitNames, messages: messages, timeZone: timeZone) }
        self.requestHref = request.map { RequestsWebController.href(provider: $0.request.provider, externalRef: $0.request.externalRef) }
        self.notes = notes.reversed().map { note in
            var changes: [String] = []
            if let changed = note.status { changes.append("\(messages.text("followups.status", or: "Status")): \(status(changed))") }
            if let owner = note.owner {
                changes.append(
                    "\(messages.text("followups.owner", or: "Owner")): \(owner.isEmpty ? messages.text("followups.nobody", or: "—") : owner)"
                )
            }
            return Note(
                at: Format.instant(note.at, in: timeZone),
                author: note.author,
                change: changes.isEmpty ? nil : changes.joined(separator: " · "),
                text: note.text.isEmpty ? nil : note.text
            )
        }
        self.canEdit = canEdit
        let chosen = form?.status ?? followUp.status.rawValue
        self.statuses = FollowUpStatus.allCases.map { SelectOption(value: $0.rawValue, label: status($0), selected: $0.rawValue == chosen) }
        let owner = form?.owner ?? followUp.owner ?? ""
        self.owners =
            [SelectOption(value: "", label: messages.text("followups.nobody", or: "—"), selected: owner.isEmpty)]
            + people.map { SelectOption(value: $0.username, label: "\($0.name) (\($0.username))", selected: $0.username == owner) }
        self.note = form?.note ?? ""
        self.errors = errors.byField
        self.errorList = errors.list
    }
}
