import Foundation
import PactaCore
import PactaStore

/// The publication: the agreements in force, those signed to start later, and the ledger's head to keep.
struct PublishedPage: PageModel {
    static let template = Template.published

    /// What the reader asked for: `?q=`, `?provider=`, `?client=`, `?status=`, `?page=`.
    struct Query: Sendable {
        var text: String
        var provider: String
        var client: String
        var status: ComplianceStatus?
        var page: Int

        var isFiltered: Bool { !self.text.isEmpty || !self.provider.isEmpty || !self.client.isEmpty || self.status != nil }

        /// The query string of this query on page `page`.
        func href(page: Int) -> String {
            var items: [String] = []
            func add(_ name: String, _ value: String) {
                if !value.isEmpty { items.append("\(name)=\(value.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? "")") }
            }
            add("q", self.text)
            add("provider", self.provider)
            add("client", self.client)
            add("status", self.status?.rawValue ?? "")
            if page > 1 { items.append("page=\(page)") }
            return "/published" + (items.isEmpty ? "" : "?" + items.joined(separator: "&"))
        }
    }

    /// One line of the list: an agreement in force and how it did in its last review period.
    struct Row: Sendable {
        var code: String
        var href: String
        var title: String
        var providerName: String
        var clientName: String
        var validTo: String
        var statusLabel: String
        var statusClass: String
        var score: String
        /// The review period the status is of, and whether it is still running.
        var period: String
        var provisional: Bool
    }

    static let pageSize = 10

    var text: String
    var providers: [SelectOption]
    var clients: [SelectOption]
    var statuses: [SelectOption]
    var isFiltered: Bool
    var rows: [Row]
    /// The cards of this page's agreements, in full, for reading and printing.
    var agreements: [AgreementCard]
    var pager: Pager?
    var matching: Int
    var upcoming: [AgreementCard]
    var empty: Bool
    /// Agreements left out for an integrity problem.
    var withheld: [String]
    var ledgerHead: String
    var ledgerSeq: Int64

    /// - Parameter statuses: each agreement in force and its compliance in its latest review period.
    init(
        _ publication: Publication,
        statuses: [String: AgreementPeriodCompliance],
        query: Query,
        ledgerHead: LedgerHead,
        messages: Messages,
        timeZone: TimeZone
    ) {
        let views = AgreementViews(messages: messages, timeZone: timeZone)
        func cards(_ agreements: [PublishedAgreement]) -> [AgreementCard] {
            agreements.map { views.card($0.agreement, providerName: $0.providerName, clientName: $0.clientName) }
        }
        let needle = query.text.lowercased()
        let matching = publication.inForce.filter { published in
            let terms = published.agreement.terms
            let haystack = [published.agreement.code, terms.title, published.providerName, published.clientName, terms.provider, terms.client]
            return (needle.isEmpty || haystack.contains { $0.lowercased().contains(needle) })
                && (query.provider.isEmpty || terms.provider == query.provider) && (query.client.isEmpty || terms.client == query.client)
                && (query.status == nil || statuses[published.agreement.code]?.compliance.status == query.status)
        }
        let pages = max(1, (matching.count + Self.pageSize - 1) / Self.pageSize)
        let page = min(max(query.page, 1), pages)
        let shown = Array(matching.dropFirst((page - 1) * Self.pageSize).prefix(Self.pageSize))
        self.text = query.text
        func units(_ side: KeyPath<AgreementTerms, String>, _ names: KeyPath<PublishedAgreement, String>, selected: String) -> [SelectOption] {
            let all = Dictionary(
                publication.inForce.map { ($0.agreement.terms[keyPath: side], $0[keyPath: names]) },
                uniquingKeysWith: { first, _ in first }
            )
            return [SelectOption(value: "", label: messages.text("published.all", or: "—"), selected: selected.isEmpty)]
                + all.sorted { $0.value < $1.value }.map {
                    SelectOption(value: $0.key, label: "\($0.value) (\($0.key))", selected: $0.key == selected)
                }
        }
        self.providers = units(\.provider, \.providerName, selected: query.provider)
        self.clients = units(\.client, \.clientName, selected: query.client)
        self.statuses =
            [SelectOption(value: "", label: messages.text("published.all", or: "—"), selected: query.status == nil)]
            + ComplianceStatus.allCases.map {
                SelectOption(
                    value: $0.rawValue,
                    label: ComplianceBadge.label($0, messages: messages),
                    selected: $0 == query.status
                )
            }
        self.isFiltered = query.isFiltered
        self.rows = shown.map { published in
            let agreement = published.agreement
            let figure = statuses[agreement.code]
            let badge = ComplianceBadge(figure?.compliance.status ?? .noData, score: figure?.compliance.score, messages: messages)
            return Row(
                code: agreement.code,
                href: "/agreements/\(agreement.code)",
                title: agreement.terms.title,
                providerName: published.providerName,
                clientName: published.clientName,
                validTo: agreement.terms.validTo.description,
                statusLabel: badge.statusLabel,
                statusClass: badge.statusClass,
                score: badge.score,
                period: figure?.period.description ?? "",
                provisional: figure?.provisional ?? false
            )
        }
        self.agreements = cards(shown)
        self.matching = matching.count
        self.pager = Pager(page: page, size: Self.pageSize, total: matching.count, shown: shown.count) { query.href(page: $0) }
        self.upcoming = query.isFiltered ? [] : cards(publication.upcoming)
        self.empty = publication.inForce.isEmpty && publication.upcoming.isEmpty
        self.withheld = publication.withheld
        self.ledgerHead = ledgerHead.hash
        self.ledgerSeq = ledgerHead.seq
    }
}

/// One agreement: its card, state, versions, and the actions the reader may take on it.
struct AgreementPage: PageModel {
    static let template = Template.agreement

    struct Version: Sendable {
        var version: Int
        var href: String
        var documentHref: String
        /// The version it replaced, or nil for the first.
        var supersedes: String?
        var createdBy: String
        var createdAt: String
        var isCurrent: Bool
        var isSigned: Bool
        var signatureCount: Int
        var sha256Short: String
    }

    var agreement: AgreementCard
    var stateLabel: String
    var stateClass: String
    var terminationReason: String?
    var indicatorsHref: String
    /// The sides still to sign, in words (while signatures are pending).
    var pendingSides: [String]
    /// Newest first.
    var versions: [Version]
    // Each action is nil when the reader may not take it.
    var editHref: String?
    var submitAction: String?
    var terminateAction: String?
    /// Terminating an agreement never signed cancels it.
    var isCancellation: Bool
    /// Which calendars changed since they were written into the version, in words.
    var calendarsChanged: String?
    var calendarsSigned: Bool
    var calendarsAction: String?
    var signHref: String?
    var signSideLabel: String?
    /// Its compliance in each review period, newest first; empty before it is signed.
    var compliance: [ComplianceLine]
    var complianceCSVHref: String

    /// One review period's compliance: a status badge, the score, what it rests on.
    struct ComplianceLine: Sendable {
        var period: String
        /// The period's indicators, where each commitment's figures are.
        var href: String
        var statusLabel: String
        var statusClass: String
        /// `66,7 %`, or `—` without data.
        var score: String
        var volume: Int
        /// `Sin datos: C2, C3`; nil when every commitment had data.
        var noData: String?
        var provisional: Bool
        /// The latest changes to its figures after it closed, one line each, newest first.
        var changes: [String]
        /// `y 2 más` when more changes were made than are listed; empty otherwise.
        var moreChanges: String
    }

    /// - Parameters:
    ///   - takesPart: whether `actor` acts for one of the parties (or above them).
    ///   - changedCalendars: codes of the calendars that changed since the version was written.
    init(
        _ record: AgreementRecord,
        by actor: Actor,
        takesPart: Bool,
        changedCalendars: [String],
        compliance: [AgreementPeriodCompliance],
        today: LocalDate,
        messages: Messages,
        timeZone: TimeZone
    ) {
        let views = AgreementViews(messages: messages, timeZone: timeZone)
        self.compliance = compliance.map { ComplianceLine($0, messages: messages, timeZone: timeZone) }
        self.complianceCSVHref = "/agreements/\(record.agreement.code)/compliance.csv"
        let agreement = record.agreement
        let code = agreement.code
        let state = agreement.state(on: today)
        self.agreement = views.card(agreement, providerName: record.providerName, clientName: record.clientName)
        self.stateLabel = views.stateLabel(state, validFrom: agreement.terms.validFrom)
        self.stateClass = views.stateClass(state)
        self.terminationReason = agreement.terminationReason.flatMap { $0.isEmpty ? nil : $0 }
        self.indicatorsHref = "/agreements/\(code)/indicators"
        self.pendingSides =
            state == .pendingSignatures
            ? Side.allCases.filter { agreement.signature(of: $0) == nil }.map { messages.text("sides.\($0.rawValue)", or: $0.rawValue) } : []
        self.versions = record.versions.reversed().map { version in
            Version(
                version: version.version,
                href: "/agreements/\(code)/versions/\(version.version)",
                documentHref: "/agreements/\(code)/versions/\(version.version)/document.json",
                supersedes: version.supersedes.map(String.init),
                createdBy: version.createdBy,
                createdAt: Format.instant(version.createdAt, in: timeZone),
                isCurrent: version.version == agreement.version,
                isSigned: version.version == agreement.signedVersion,
                signatureCount: version.signatures.count,
                sha256Short: String(version.sha256.prefix(16)) + "…"
            )
        }
        let mayChange = Role.editors.contains(actor.role) && takesPart && state.isOpen
        self.editHref = mayChange ? "/agreements/\(code)/edit" : nil
        self.submitAction = mayChange && state == .draft ? "/agreements/\(code)/submit" : nil
        self.terminateAction = mayChange ? "/agreements/\(code)/terminate" : nil
        self.isCancellation = agreement.signedVersion == nil
        // The calendars written into the version may have changed since: say so, and offer a revision.
        let signed = !agreement.signatures.isEmpty || agreement.signedVersion != nil
        self.calendarsSigned = signed
        self.calendarsChanged =
            changedCalendars.isEmpty
            ? nil
            : messages.text(signed ? "agreement.calendars_changed_signed" : "agreement.calendars_changed_unsigned", or: "")
                .replacingOccurrences(of: "{codes}", with: changedCalendars.joined(separator: ", "))
        self.calendarsAction = mayChange && !changedCalendars.isEmpty ? "/agreements/\(code)/calendars" : nil
        if state == .pendingSignatures, Role.signers.contains(actor.role), let side = agreement.side(of: actor),
            agreement.signature(of: side) == nil
        {
            self.signHref = "/agreements/\(code)/sign"
            self.signSideLabel = messages.text("sides.\(side.rawValue)", or: side.rawValue)
        }
    }
}

extension AgreementPage.ComplianceLine {
    /// Changes listed per period; the CSV and the API list them all.
    static let listedChanges = 3

    init(_ figure: AgreementPeriodCompliance, messages: Messages, timeZone: TimeZone) {
        let badge = ComplianceBadge(figure.compliance.status, score: figure.compliance.score, messages: messages)
        self.period = figure.period.description
        self.href = "/agreements/\(figure.agreement)/indicators?period=\(figure.period)"
        self.statusLabel = badge.statusLabel
        self.statusClass = badge.statusClass
        self.score = badge.score
        self.volume = figure.volume
        let missing = figure.compliance.withoutData
        self.noData =
            missing.isEmpty
            ? nil
            : messages.text("compliance.no_data_for", or: "{commitments}").replacingOccurrences(
                of: "{commitments}",
                with: missing.joined(separator: ", ")
            )
        self.provisional = figure.provisional
        self.changes = figure.changes.prefix(Self.listedChanges).map { change in
            let what = messages.text("compliance.causes.\(change.cause.rawValue)", or: change.cause.rawValue)
                .replacingOccurrences(of: "{detail}", with: change.detail)
            return messages.text("compliance.change_line", or: "{date}: {what} ({by})")
                .replacingOccurrences(of: "{date}", with: Format.instant(change.changedAt, in: timeZone))
                .replacingOccurrences(of: "{what}", with: what)
                .replacingOccurrences(of: "{by}", with: change.actor)
        }
        let more = figure.changes.count - self.changes.count
        self.moreChanges =
            more > 0 ? messages.text("compliance.more_changes", or: "+{count}").replacingOccurrences(of: "{count}", with: "\(more)") : ""
    }
}

/// One stored version: its canonical document, hash and signatures.
struct AgreementVersionPage: PageModel {
    static let template = Template.agreementVersion

    var code: String
    var title: String
    var version: Int
    var sha256: String
    /// The document, pretty-printed.
    var document: String
    /// The stored bytes, to check with `sha256sum`.
    var documentHref: String
    /// Written before calendars were part of what is signed.
    var isLegacy: Bool
    var signatures: [AgreementCard.Signature]
    var backHref: String

    init(_ stored: StoredVersion, code: String, number: Int, signatures: [Signature], messages: Messages, timeZone: TimeZone) throws {
        let views = AgreementViews(messages: messages, timeZone: timeZone)
        let encoder = PactaJSON.encoder
        encoder.outputFormatting.insert(.prettyPrinted)
        self.code = code
        self.title = stored.document.terms.title
        self.version = number
        self.sha256 = stored.sha256
        self.document = String(decoding: try encoder.encode(stored.document), as: UTF8.self)
        self.documentHref = "/agreements/\(code)/versions/\(number)/document.json"
        self.isLegacy = stored.format == StoredVersion.legacyFormat
        self.signatures = signatures.map(views.signature)
        self.backHref = "/agreements/\(code)"
    }
}

/// What a signer reads before signing: the version, its terms, its hash, and the confirmation
/// that binds the signature to exactly them.
struct AgreementSignPage: PageModel {
    static let template = Template.agreementSign

    var agreement: AgreementCard
    var action: String
    var backHref: String
    /// The side the reader signs for, in words; empty when they sign for neither.
    var sideLabel: String
    /// "He leído la versión N y la firmo".
    var confirmLabel: String
    var canSign: Bool
    /// Why the last attempt signed nothing, in words.
    var problem: String?

    /// - Parameter problem: the message key of why the last attempt signed nothing.
    init(_ record: AgreementRecord, by actor: Actor, today: LocalDate, problem: String?, messages: Messages, timeZone: TimeZone) {
        let views = AgreementViews(messages: messages, timeZone: timeZone)
        let agreement = record.agreement
        let side = agreement.side(of: actor)
        self.agreement = views.card(agreement, providerName: record.providerName, clientName: record.clientName)
        self.action = "/agreements/\(agreement.code)/sign"
        self.backHref = "/agreements/\(agreement.code)"
        self.sideLabel = side.map { messages.text("sides.\($0.rawValue)", or: $0.rawValue) } ?? ""
        self.confirmLabel = messages.text("sign.confirm", or: "I have read version {version} and sign it")
            .replacingOccurrences(of: "{version}", with: String(agreement.version))
        self.canSign = agreement.state(on: today) == .pendingSignatures && side.map { agreement.signature(of: $0) == nil } == true
        self.problem = problem.map { messages.text($0, or: $0) }
    }
}

/// The agreement form, new or editing, with what was typed and every problem found.
struct AgreementFormPage: PageModel {
    static let template = Template.agreementForm

    struct Row: Sendable {
        var index: Int
        var key: String
        var name: String
        var target: String
        var goal: String
        var weight: String
        var priorities: String
        var metrics: [SelectOption]
        var calendars: [SelectOption]
        /// Problems by the row's field name (`target`, `priorities`…).
        var errors: [String: String]
    }

    var isNew: Bool
    var action: String
    var code: String
    var title: String
    var summary: String
    var validFrom: String
    var validTo: String
    var cadences: [SelectOption]
    var providers: [SelectOption]
    var clients: [SelectOption]
    /// The rows typed, and two blank ones more to fill.
    var commitments: [Row]
    var errors: [String: String]
    var errorList: [FormError]
    /// Saving creates a new version that both sides sign again.
    var willCreateVersion: Bool
    /// Once signed, the parties stay: the form offers only them.
    var partiesFixed: Bool

    init(
        _ form: AgreementForm,
        isNew: Bool,
        errors: FormErrors,
        units: [OrgUnit],
        calendars: [BusinessCalendar],
        willCreateVersion: Bool,
        partiesFixed: Bool,
        messages: Messages
    ) {
        self.isNew = isNew
        self.action = isNew ? "/agreements" : "/agreements/\(form.code)"
        self.code = form.code
        self.title = form.title
        self.summary = form.summary
        self.validFrom = form.validFrom
        self.validTo = form.validTo
        self.cadences = Cadence.allCases.map {
            SelectOption(value: $0.rawValue, label: messages.text("cadences.\($0.rawValue)", or: $0.rawValue), selected: $0.rawValue == form.cadence)
        }
        func parties(_ chosen: String) -> [SelectOption] {
            units.filter { !partiesFixed || $0.code == chosen }.map { SelectOption(unit: $0, selected: $0.code == chosen) }
        }
        self.providers = parties(form.provider)
        self.clients = parties(form.client)
        var rows = form.rows
        while rows.count < form.rows.filter({ !$0.isBlank }).count + 2 { rows.append(AgreementForm.Row()) }
        self.commitments = rows.enumerated().map { index, row in
            var rowErrors: [String: String] = [:]
            for (field, message) in errors.byField where field.hasPrefix("commitments[\(index)].") {
                // `priorities[1]` is shown under the priorities field.
                let name = String(field.dropFirst("commitments[\(index)].".count).prefix { $0 != "[" })
                rowErrors[name] = rowErrors[name] ?? message
            }
            return Row(
                index: index,
                key: row.key,
                name: row.name,
                target: row.target,
                goal: row.goal,
                weight: row.weight,
                priorities: row.priorities,
                metrics: Metric.allCases.map {
                    SelectOption(
                        value: $0.rawValue,
                        label: messages.text("metrics.\($0.rawValue)", or: $0.rawValue),
                        selected: $0.rawValue == row.metric
                    )
                },
                calendars: calendars.map { SelectOption(value: $0.code, label: "\($0.name) (\($0.code))", selected: $0.code == row.calendar) },
                errors: rowErrors
            )
        }
        self.errors = errors.byField
        self.errorList = errors.list
        self.willCreateVersion = willCreateVersion
        self.partiesFixed = partiesFixed
    }
}
