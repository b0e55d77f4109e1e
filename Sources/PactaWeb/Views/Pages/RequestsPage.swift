import Foundation
import PactaCore
import PactaStore

/// The requests, browsed: the counters (each a link to its list), the filters, and the requests
/// that match them a page at a time, newest first.
struct RequestsPage: PageModel {
    static let template = Template.requests
    static let perPage = 50

    /// The filters as typed in the query, shown back in the form.
    struct Query: Sendable, Hashable {
        var provider = ""
        var client = ""
        /// An agreement's code, `none` (no agreement) or `any`.
        var agreement = ""
        var period = ""
        var priority = ""
        /// `open`, `closed` or empty.
        var state = ""
        var ref = ""
        /// `met`, `missed`, `pending` or empty: what the request counted as for the agreement's
        /// time commitments in the period (with an agreement chosen).
        var outcome = ""
        /// A time commitment's key: the outcome for that commitment alone.
        var commitment = ""
        var page = 1

        init() {}

        init(_ parameters: [String: String]) {
            func value(_ name: String) -> String { (parameters[name] ?? "").trimmingCharacters(in: .whitespaces) }
            self.provider = value("provider")
            self.client = value("client")
            self.agreement = value("agreement")
            self.period = value("period")
            self.priority = value("priority")
            self.state = value("state")
            self.ref = value("ref")
            self.outcome = value("outcome")
            self.commitment = value("commitment")
            self.page = max(1, Int(value("page")) ?? 1)
        }

        /// The query string of these filters (without the page unless asked), for links.
        func queryString(page: Int? = nil) -> String {
            let pairs: [(String, String)] = [
                ("provider", self.provider), ("client", self.client), ("agreement", self.agreement), ("period", self.period),
                ("priority", self.priority), ("state", self.state), ("ref", self.ref), ("outcome", self.outcome),
                ("commitment", self.commitment), ("page", page.map(String.init) ?? ""),
            ]
            let text = pairs.filter { !$0.1.isEmpty }.map { "\($0.0)=\(PageRenderer.percentEncode($0.1))" }.joined(separator: "&")
            return text.isEmpty ? "" : "?" + text
        }

        /// The store's filter, or the field whose value cannot be read.
        func filter(in zone: TimeZone) -> Result<RequestFilter, ValidationError> {
            var filter = RequestFilter()
            filter.provider = self.provider.isEmpty ? nil : self.provider
            filter.client = self.client.isEmpty ? nil : self.client
            switch self.agreement {
            case "": break
            case "none": filter.agreement = RequestFilter.Agreement.none
            case "any": filter.agreement = .any
            default: filter.agreement = .code(self.agreement)
            }
            if !self.period.isEmpty {
                guard let period = Period(self.period) else {
                    return .failure(
                        ValidationError(field: "period", code: "invalid_period", message: "The period must look like 2026-10 or 2026-Q4.")
                    )
                }
                filter.opened = period.instants(in: zone)
            }
            filter.priority = self.priority.isEmpty ? nil : self.priority
            if !self.state.isEmpty {
                guard let state = RequestFilter.State(rawValue: self.state) else {
                    return .failure(ValidationError(field: "state", code: "invalid_choice", message: "The state is open or closed."))
                }
                filter.state = state
            }
            filter.reference = self.ref.isEmpty ? nil : self.ref
            if !self.outcome.isEmpty, Outcome(rawValue: self.outcome) == nil {
                return .failure(ValidationError(field: "outcome", code: "invalid_choice", message: "The outcome is met, missed or pending."))
            }
            if self.measuresOutcome, self.agreementCode == nil {
                return .failure(
                    ValidationError(field: "outcome", code: "outcome_needs_agreement", message: "Choose an agreement to filter by outcome.")
                )
            }
            return .success(filter)
        }

        /// Whether the list keeps requests by what they counted as, which the agreement's
        /// indicators tell.
        var measuresOutcome: Bool { !self.outcome.isEmpty || !self.commitment.isEmpty }

        /// The one agreement chosen, if one is.
        var agreementCode: String? { ["", "any", "none"].contains(self.agreement) ? nil : self.agreement }
    }

    struct Counter: Sendable {
        var label: String
        var count: Int
        var href: String
    }

    struct Row: Sendable {
        var externalRef: String
        var href: String
        var provider: String
        var client: String
        var agreement: String?
        var agreementHref: String?
        var service: String
        var priority: String
        var openedAt: String
        var stateLabel: String
        var stateClass: String
    }

    var counters: [Counter]
    var query: Query
    var providers: [SelectOption]
    var clients: [SelectOption]
    var agreements: [SelectOption]
    var states: [SelectOption]
    var outcomes: [SelectOption]
    /// The filter that cannot be read, shown next to its field; nothing is listed then.
    var error: FieldError?
    var rows: [Row]
    var total: Int
    /// Which filters are on, in words, for an empty list to say so; nil when none is.
    var activeFilters: String?
    /// `Solicitudes 51–100 de 1.234`, `3 solicitudes`.
    var summary: String
    /// What an empty list says: no request at all, or none matching the filters on.
    var emptyTitle: String
    var pager: Pager?

    struct FieldError: Sendable {
        var agreement: String?
        var period: String?
        var state: String?
        var outcome: String?
    }

    init(
        query: Query,
        counts: (total: Int, unmatched: Int),
        units: [OrgUnit],
        agreementCodes: [String],
        listed: (rows: [BrowsedRequest], total: Int)?,
        issue: FieldIssue?,
        messages: Messages,
        timeZone: TimeZone
    ) {
        self.query = query
        self.counters = [
            Counter(label: messages.text("requests.total", or: "Requests"), count: counts.total, href: "/requests"),
            Counter(
                label: messages.text("requests.matched", or: "With agreement"),
                count: counts.total - counts.unmatched,
                href: "/requests?agreement=any"
            ),
            Counter(label: messages.text("requests.unmatched", or: "Without agreement"), count: counts.unmatched, href: "/requests?agreement=none"),
        ]
        let all = SelectOption(value: "", label: messages.text("requests.all", or: "All"), selected: false)
        func unitOptions(_ selected: String) -> [SelectOption] {
            [all] + units.map { SelectOption(unit: $0, selected: $0.code == selected) }
        }
        self.providers = unitOptions(query.provider)
        self.clients = unitOptions(query.client)
        self.agreements =
            [
                all,
                SelectOption(value: "any", label: messages.text("requests.with_agreement", or: "Any agreement"), selected: query.agreement == "any"),
                SelectOption(
                    value: "none",
                    label: messages.text("requests.without_agreement", or: "No agreement"),
                    selected: query.agreement == "none"
                ),
            ] + agreementCodes.map { SelectOption(value: $0, label: $0, selected: $0 == query.agreement) }
        self.states =
            [all]
            + RequestFilter.State.allCases.map {
                SelectOption(
                    value: $0.rawValue,
                    label: messages.text("requests.states.\($0.rawValue)", or: $0.rawValue),
                    selected: $0.rawValue == query.state
                )
            }
        self.outcomes =
            [all]
            + [Outcome.met, .missed, .pending].map {
                SelectOption(
                    value: $0.rawValue,
                    label: messages.text("indicators.outcomes.\($0.rawValue)", or: $0.rawValue),
                    selected: $0.rawValue == query.outcome
                )
            }
        self.error = issue.map { issue in
            let text = messages.text("errors.\(issue.code)", or: issue.message)
            return FieldError(
                agreement: issue.field == "agreement" ? text : nil,
                period: issue.field == "period" ? text : nil,
                state: issue.field == "state" ? text : nil,
                outcome: issue.field == "outcome" ? text : nil
            )
        }
        let listed = listed ?? (rows: [], total: 0)
        self.total = listed.total
        self.rows = listed.rows.map { browsed in
            let request = browsed.request
            let open = request.resolvedAt == nil
            return Row(
                externalRef: request.externalRef,
                href: RequestsWebController.href(provider: request.provider, externalRef: request.externalRef),
                provider: request.provider,
                client: request.client,
                agreement: browsed.agreement,
                agreementHref: browsed.agreement.map { "/agreements/\($0)" },
                service: request.service,
                priority: request.priority,
                openedAt: Format.instant(request.openedAt, in: timeZone),
                stateLabel: messages.text("requests.states.\(open ? "open" : "closed")", or: open ? "open" : "closed"),
                stateClass: open ? "pending" : "active"
            )
        }
        // The chosen options by their labels, typed values as typed.
        func label(_ options: [SelectOption], _ value: String) -> String { options.first { $0.value == value && !value.isEmpty }?.label ?? value }
        let described: [(String, String)] = [
            ("requests.provider", label(self.providers, query.provider)), ("requests.client", label(self.clients, query.client)),
            ("requests.agreement", label(self.agreements, query.agreement)), ("requests.period", query.period),
            ("requests.priority", query.priority), ("requests.state", label(self.states, query.state)), ("requests.external_ref", query.ref),
            ("requests.outcome", label(self.outcomes, query.outcome)), ("requests.commitment", query.commitment),
        ]
        let active = described.filter { !$0.1.isEmpty }.map { "\(messages.text($0.0, or: $0.0)): \($0.1)" }
        self.activeFilters = active.isEmpty ? nil : active.joined(separator: " · ")
        let first = (query.page - 1) * Self.perPage
        func fill(_ key: String, _ values: [String: Int]) -> String {
            values.reduce(messages.text(key, or: key)) { $0.replacingOccurrences(of: "{\($1.key)}", with: String($1.value)) }
        }
        self.summary =
            listed.total > Self.perPage
            ? fill("requests.listed", ["first": first + 1, "last": first + listed.rows.count, "total": listed.total])
            : listed.total == 1 ? fill("requests.count_one", [:]) : fill("requests.count", ["total": listed.total])
        self.emptyTitle = messages.text(active.isEmpty ? "requests.none_at_all" : "requests.none_filtered", or: "")
        self.pager = Pager(page: query.page, size: Self.perPage, total: listed.total, shown: listed.rows.count) {
            "/requests" + query.queryString(page: $0)
        }
    }
}
