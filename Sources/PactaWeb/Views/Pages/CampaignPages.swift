import Foundation
import PactaCore
import PactaStore

extension CampaignState {
    /// The badge class of the style sheet.
    var badge: String {
        switch self {
        case .draft: "draft"
        case .open: "active"
        case .closed: "expired"
        }
    }
}

/// The campaigns the reader may see, newest period first.
struct CampaignsPage: PageModel {
    static let template = Template.campaigns

    struct Row: Sendable {
        var code: String
        var href: String
        var title: String
        var period: String
        var unit: String
        var agreements: Int
        var stateLabel: String
        var stateClass: String
        var closesOn: String
    }

    var rows: [Row]
    /// Nil when the reader may not run campaigns.
    var newHref: String?

    init(_ campaigns: [Campaign], mayRun: Bool, today: LocalDate, messages: Messages) {
        self.rows = campaigns.map { campaign in
            let state = campaign.state(on: today)
            return Row(
                code: campaign.code,
                href: "/campaigns/\(campaign.code)",
                title: campaign.title,
                period: campaign.period.description,
                unit: campaign.unit,
                agreements: campaign.agreements.count,
                stateLabel: messages.text("campaigns.states.\(state.rawValue)", or: state.rawValue),
                stateClass: state.badge,
                closesOn: campaign.closesOn.description
            )
        }
        self.newHref = mayRun ? "/campaigns/new" : nil
    }
}

/// One campaign: what it asks and of whom, its state and actions, and its results with every
/// group below k hidden (and those that would reveal one by subtraction).
struct CampaignPage: PageModel {
    static let template = Template.campaign

    /// A group's figures in words; hidden ones carry only their response rate and why.
    struct Figures: Sendable {
        var invitations: Int
        /// Every answer, those imported included: the `n` of the figures.
        var responses: Int
        /// Answers to invitations.
        var answered: Int
        /// `+ 3 importadas`; nil when none was imported.
        var importedNote: String?
        /// `60 %`; nil without invitations.
        var responseRate: String?
        var shown: Bool
        /// Why the figures are hidden, in words.
        var hiddenReason: String?
        var perceptionIndex: String?
        var nps: String?
        /// `± 12,4`.
        var margin: String?
        var attributes: [Mean]
        /// The 0–10 answers as an inline SVG bar chart, and as a table for screen readers.
        var chart: String?
        var distribution: [Bar]
        var comments: [String]
    }

    struct Mean: Sendable {
        var label: String
        var value: String
    }

    struct Bar: Sendable {
        var score: Int
        var count: Int
    }

    struct AgreementRow: Sendable {
        var code: String
        var title: String
        var clientName: String
        var href: String
        var figures: Figures
    }

    /// One agreement's figures campaign after campaign; cells line up with `trendPeriods`.
    struct TrendRow: Sendable {
        var code: String
        var title: String
        var cells: [TrendCell]
        /// The perception index's change since the previous shown campaign, `+5,2`; "" without one.
        var change: String
    }

    /// Every field is set, so that nothing is read from an enclosing row.
    struct TrendCell: Sendable {
        var shown: Bool
        var perceptionIndex: String
        var nps: String
        /// Why nothing shows: not rated then, or hidden.
        var label: String
    }

    struct ProviderRow: Sendable {
        var code: String
        var name: String
        var figures: Figures
        var agreements: [AgreementRow]
    }

    var code: String
    var title: String
    var period: String
    var unit: String
    var stateLabel: String
    var stateClass: String
    var opensOn: String
    var closesOn: String
    var reminderDays: Int
    var attributes: [String]
    var guests: [String]
    var guestCount: Int
    /// `Se muestran grupos de al menos 3 respuestas.`
    var anonymityNote: String
    var total: Figures
    var providers: [ProviderRow]
    // Each action is nil when the reader may not take it now.
    var editHref: String?
    var openAction: String?
    var closeAction: String?
    var linksAction: String?
    var linksCSVAction: String?
    var importHref: String?
    /// The agreements' figures in the campaigns before this one; empty without any.
    var trendPeriods: [String]
    var trendRows: [TrendRow]
    var hasTrend: Bool
    /// The results as CSV, for everyone who sees them.
    var csvHref: String
    /// How the invitations reach people: by e-mail (with what was sent), or by the links here.
    var delivery: String?

    /// - Parameter mail: the e-mails sent so far when a relay sends them; nil without one.
    init(
        _ results: CampaignResults,
        trend: CampaignTrend,
        mayRun: Bool,
        mail: (invited: Int, reminded: Int)?,
        today: LocalDate,
        language: Language,
        messages: Messages
    ) {
        let campaign = results.campaign
        let state = campaign.state(on: today)
        self.code = campaign.code
        self.title = campaign.title
        self.period = campaign.period.description
        self.unit = campaign.unit
        self.stateLabel = messages.text("campaigns.states.\(state.rawValue)", or: state.rawValue)
        self.stateClass = state.badge
        self.opensOn = campaign.opensOn.description
        self.closesOn = campaign.closesOn.description
        self.reminderDays = campaign.reminderDays
        let labels = Dictionary(uniqueKeysWithValues: campaign.questionnaire.attributes.map { ($0.key, $0.label.text(language)) })
        self.attributes = campaign.questionnaire.attributes.map { $0.label.text(language) }
        self.guests = campaign.guests.map { "\($0.email) (\($0.unit))" }
        self.guestCount = campaign.guests.count
        self.anonymityNote = messages.text("campaign.anonymity", or: "").replacingOccurrences(of: "{k}", with: String(results.k))
        let order = campaign.questionnaire.attributes.map(\.key)
        func words(_ figures: CampaignResults.Figures) -> Figures {
            Self.words(figures, order: order, labels: labels, k: results.k, messages: messages)
        }
        self.total = words(results.total)
        self.providers = results.providers.map { provider in
            ProviderRow(
                code: provider.provider,
                name: provider.providerName,
                figures: words(provider.figures),
                agreements: provider.agreements.map {
                    AgreementRow(
                        code: $0.agreement,
                        title: $0.title,
                        clientName: $0.clientName,
                        href: "/agreements/\($0.agreement)",
                        figures: words($0.figures)
                    )
                }
            )
        }
        let code = campaign.code
        self.editHref = mayRun && state == .draft ? "/campaigns/\(code)/edit" : nil
        self.openAction = mayRun && state == .draft ? "/campaigns/\(code)/open" : nil
        self.closeAction = mayRun && state == .open ? "/campaigns/\(code)/close" : nil
        self.linksAction = mayRun && state == .open ? "/campaigns/\(code)/links" : nil
        self.linksCSVAction = mayRun && state == .open ? "/campaigns/\(code)/links.csv" : nil
        self.importHref = mayRun && state != .draft ? "/campaigns/\(code)/import" : nil
        self.hasTrend = trend.hasHistory
        self.trendPeriods = trend.periods.map(\.description)
        self.trendRows = trend.rows.map { row in
            TrendRow(
                code: row.agreement,
                title: row.title,
                cells: trend.periods.map { period in
                    guard let point = row.points.first(where: { $0.period == period }) else {
                        return TrendCell(shown: false, perceptionIndex: "", nps: "", label: "—")
                    }
                    let figures = point.figures
                    guard figures.shown else {
                        return TrendCell(shown: false, perceptionIndex: "", nps: "", label: messages.text("campaign.trend_hidden", or: "hidden"))
                    }
                    return TrendCell(
                        shown: true,
                        perceptionIndex: figures.perceptionIndex.map(Self.oneDecimal(messages)) ?? "—",
                        nps: figures.nps?.score.map { ($0 > 0 ? "+" : "") + Self.oneDecimal(messages)($0) } ?? "—",
                        label: ""
                    )
                },
                change: row.change(\.perceptionIndex).map { ($0 > 0 ? "+" : "") + Self.oneDecimal(messages)($0) } ?? ""
            )
        }
        self.csvHref = "/campaigns/\(code)/results.csv"
        self.delivery =
            state == .draft
            ? nil
            : mail.map {
                messages.text("campaign.mail_sent", or: "").replacingOccurrences(of: "{invited}", with: String($0.invited))
                    .replacingOccurrences(of: "{reminded}", with: String($0.reminded))
            } ?? messages.text("campaign.mail_off", or: "")
    }

    static func words(
        _ figures: CampaignResults.Figures,
        order: [String],
        labels: [String: String],
        k: Int,
        messages: Messages
    ) -> Figures {
        let one = Self.oneDecimal(messages)
        let hiddenReason: String? =
            figures.shown
            ? nil
            : messages.text(figures.hiddenToProtectAnother ? "campaign.hidden_protects" : "campaign.hidden_few", or: "")
                .replacingOccurrences(of: "{k}", with: String(k))
        let nps = figures.nps
        return Figures(
            invitations: figures.invitations,
            responses: figures.responses,
            answered: figures.responses - figures.imported,
            importedNote: figures.imported > 0
                ? messages.text("campaign.imported", or: "").replacingOccurrences(of: "{count}", with: String(figures.imported)) : nil,
            responseRate: figures.responseRate.map { messages.percent($0) },
            shown: figures.shown,
            hiddenReason: hiddenReason,
            perceptionIndex: figures.perceptionIndex.map(one),
            nps: nps?.score.map { ($0 > 0 ? "+" : "") + one($0) },
            margin: nps?.marginOfError.map { "± " + one($0) },
            attributes: order.compactMap { key in
                figures.attributeMeans[key].map { Mean(label: labels[key] ?? key, value: one($0)) }
            },
            chart: nps.map { Self.chart($0, messages: messages) },
            distribution: nps.map { nps in (0...10).map { Bar(score: $0, count: nps.distribution[$0]) } } ?? [],
            comments: figures.comments
        )
    }

    /// A figure to one decimal, as the reader writes numbers.
    static func oneDecimal(_ messages: Messages) -> @Sendable (Double) -> String {
        { messages.number(($0 * 10).rounded() / 10) }
    }

    /// Eleven bars, 0–10, red for detractors, grey for passives, green for promoters; the counts
    /// above. Drawn from numbers only: nothing typed by anyone reaches the SVG.
    static func chart(_ nps: NPS, messages: Messages) -> String {
        let top = max(nps.distribution.max() ?? 0, 1)
        let (width, height, bar, gap) = (11 * 26, 120, 20, 6)
        var svg =
            "<svg class=\"nps-chart\" viewBox=\"0 0 \(width) \(height + 36)\" width=\"\(width)\" height=\"\(height + 36)\" role=\"img\" aria-label=\"\(messages.text("campaign.chart_label", or: "0–10"))\">"
        for score in 0...10 {
            let count = nps.distribution[score]
            let barHeight = count * height / top
            let x = score * (bar + gap) + gap / 2
            let color = score >= 9 ? "#1f7a4d" : score >= 7 ? "#8a94a3" : "#b4232a"
            svg += "<rect x=\"\(x)\" y=\"\(height - barHeight + 16)\" width=\"\(bar)\" height=\"\(barHeight)\" fill=\"\(color)\"/>"
            svg += "<text x=\"\(x + bar / 2)\" y=\"\(height - barHeight + 12)\" text-anchor=\"middle\" font-size=\"10\">\(count)</text>"
            svg += "<text x=\"\(x + bar / 2)\" y=\"\(height + 30)\" text-anchor=\"middle\" font-size=\"11\">\(score)</text>"
        }
        return svg + "</svg>"
    }
}

/// The campaign form: its period and dates, its questions (rows like an agreement's commitments),
/// the agreements it rates and guests without an account.
struct CampaignFormPage: PageModel {
    static let template = Template.campaignForm

    struct AttributeRow: Sendable {
        var index: Int
        var key: String
        var es: String
        var en: String
        var errors: [String: String]
    }

    struct AgreementChoice: Sendable {
        var code: String
        var title: String
        var provider: String
        var checked: Bool
    }

    var isNew: Bool
    var action: String
    var code: String
    var title: String
    var period: String
    var units: [SelectOption]
    var opensOn: String
    var closesOn: String
    var reminderDays: String
    var attributes: [AttributeRow]
    var agreements: [AgreementChoice]
    var guests: String
    var errors: [String: String]
    var errorList: [FormError]

    /// - Parameter candidates: the signed agreements with a soft commitment the reader's units provide.
    init(_ form: CampaignForm, isNew: Bool, units: [OrgUnit], candidates: [AgreementSummary], errors: FormErrors) {
        self.isNew = isNew
        self.action = isNew ? "/campaigns" : "/campaigns/\(form.code)"
        self.code = form.code
        self.title = form.title
        self.period = form.period
        self.units = units.map { SelectOption(unit: $0, selected: $0.code == form.unit) }
        self.opensOn = form.opensOn
        self.closesOn = form.closesOn
        self.reminderDays = form.reminderDays
        var rows = form.attributes
        while rows.count < form.attributes.filter({ !$0.isBlank }).count + 1 { rows.append(CampaignForm.Attribute()) }
        self.attributes = rows.enumerated().map { index, row in
            var rowErrors: [String: String] = [:]
            for (field, message) in errors.byField where field.hasPrefix("attributes[\(index)].") {
                let name = String(field.dropFirst("attributes[\(index)].".count))
                rowErrors[name] = rowErrors[name] ?? message
            }
            return AttributeRow(index: index, key: row.key, es: row.es, en: row.en, errors: rowErrors)
        }
        self.agreements = candidates.map {
            AgreementChoice(code: $0.code, title: $0.title, provider: $0.providerName, checked: form.agreements.contains($0.code))
        }
        self.guests = form.guests
        self.errors = errors.byField
        self.errorList = errors.list
    }
}

/// Fresh links to the invitations not used yet, shown once (each link is a secret).
struct CampaignLinksPage: PageModel {
    static let template = Template.campaignLinks

    struct Row: Sendable {
        var agreement: String
        var rater: String
        var email: String?
        var url: String
    }

    var code: String
    var backHref: String
    var rows: [Row]

    init(_ links: [SurveyLink], campaign: String, publicURL: String) {
        self.code = campaign
        self.backHref = "/campaigns/\(campaign)"
        self.rows = links.map { Row(agreement: $0.agreement, rater: $0.rater, email: $0.email, url: "\(publicURL)/s/\($0.token)") }
    }
}

/// The import of answers collected elsewhere into one campaign: the form, what the file must
/// hold for this campaign's questions, and the outcome of the last upload.
struct CampaignImportPage: PageModel {
    static let template = Template.campaignImport

    var code: String
    var title: String
    var action: String
    /// The header this campaign's file has.
    var header: String
    /// Two rows of a file for this campaign.
    var example: String
    var attributes: [CampaignPage.Mean]
    var form: ImportPage

    init(_ campaign: Campaign, form: ImportPage, language: Language) {
        self.code = campaign.code
        self.title = campaign.title
        self.action = "/campaigns/\(campaign.code)/import"
        let keys = campaign.questionnaire.attributes.map(\.key)
        self.header = (["external_ref", "agreement", "period"] + keys + ["recommend", "comment", "answered_on"]).joined(separator: ",")
        let agreement = campaign.agreements.first ?? "ACUERDO"
        let period = campaign.period.description
        let first = (["F-001", agreement, period] + keys.map { _ in "4" } + ["9", "Muy buena atención", campaign.opensOn.description])
        let second = (["F-002", agreement, period] + keys.enumerated().map { $0.offset == 0 ? "" : "3" } + ["6", "", ""])
        self.example = [self.header, first.joined(separator: ","), second.joined(separator: ",")].joined(separator: "\n")
        self.attributes = campaign.questionnaire.attributes.map { CampaignPage.Mean(label: $0.key, value: $0.label.text(language)) }
        self.form = form
    }
}

// Read by key path: a campaign's page has thousands of lookups (see KeyPathParent).
extension CampaignPage.Figures: KeyPathParent {
    static let fields: [String: any PartialKeyPath<CampaignPage.Figures> & Sendable] = [
        "invitations": \CampaignPage.Figures.invitations,
        "responses": \CampaignPage.Figures.responses,
        "answered": \CampaignPage.Figures.answered,
        "importedNote": \CampaignPage.Figures.importedNote,
        "responseRate": \CampaignPage.Figures.responseRate,
        "shown": \CampaignPage.Figures.shown,
        "hiddenReason": \CampaignPage.Figures.hiddenReason,
        "perceptionIndex": \CampaignPage.Figures.perceptionIndex,
        "nps": \CampaignPage.Figures.nps,
        "margin": \CampaignPage.Figures.margin,
        "attributes": \CampaignPage.Figures.attributes,
        "chart": \CampaignPage.Figures.chart,
        "distribution": \CampaignPage.Figures.distribution,
        "comments": \CampaignPage.Figures.comments,
    ]
}

extension CampaignPage.Mean: KeyPathParent {
    static let fields: [String: any PartialKeyPath<CampaignPage.Mean> & Sendable] = [
        "label": \CampaignPage.Mean.label,
        "value": \CampaignPage.Mean.value,
    ]
}

extension CampaignPage.Bar: KeyPathParent {
    static let fields: [String: any PartialKeyPath<CampaignPage.Bar> & Sendable] = [
        "score": \CampaignPage.Bar.score,
        "count": \CampaignPage.Bar.count,
    ]
}

extension CampaignPage.AgreementRow: KeyPathParent {
    static let fields: [String: any PartialKeyPath<CampaignPage.AgreementRow> & Sendable] = [
        "code": \CampaignPage.AgreementRow.code,
        "title": \CampaignPage.AgreementRow.title,
        "clientName": \CampaignPage.AgreementRow.clientName,
        "href": \CampaignPage.AgreementRow.href,
        "figures": \CampaignPage.AgreementRow.figures,
    ]
}

extension CampaignPage.TrendRow: KeyPathParent {
    static let fields: [String: any PartialKeyPath<CampaignPage.TrendRow> & Sendable] = [
        "code": \CampaignPage.TrendRow.code,
        "title": \CampaignPage.TrendRow.title,
        "cells": \CampaignPage.TrendRow.cells,
        "change": \CampaignPage.TrendRow.change,
    ]
}

extension CampaignPage.TrendCell: KeyPathParent {
    static let fields: [String: any PartialKeyPath<CampaignPage.TrendCell> & Sendable] = [
        "shown": \CampaignPage.TrendCell.shown,
        "perceptionIndex": \CampaignPage.TrendCell.perceptionIndex,
        "nps": \CampaignPage.TrendCell.nps,
        "label": \CampaignPage.TrendCell.label,
    ]
}

extension CampaignPage.ProviderRow: KeyPathParent {
    static let fields: [String: any PartialKeyPath<CampaignPage.ProviderRow> & Sendable] = [
        "code": \CampaignPage.ProviderRow.code,
        "name": \CampaignPage.ProviderRow.name,
        "figures": \CampaignPage.ProviderRow.figures,
        "agreements": \CampaignPage.ProviderRow.agreements,
    ]
}

extension CampaignPage: KeyPathParent {
    static let fields: [String: any PartialKeyPath<CampaignPage> & Sendable] = [
        "code": \CampaignPage.code,
        "title": \CampaignPage.title,
        "period": \CampaignPage.period,
        "unit": \CampaignPage.unit,
        "stateLabel": \CampaignPage.stateLabel,
        "stateClass": \CampaignPage.stateClass,
        "opensOn": \CampaignPage.opensOn,
        "closesOn": \CampaignPage.closesOn,
        "reminderDays": \CampaignPage.reminderDays,
        "attributes": \CampaignPage.attributes,
        "guests": \CampaignPage.guests,
        "guestCount": \CampaignPage.guestCount,
        "anonymityNote": \CampaignPage.anonymityNote,
        "total": \CampaignPage.total,
        "providers": \CampaignPage.providers,
        "editHref": \CampaignPage.editHref,
        "openAction": \CampaignPage.openAction,
        "closeAction": \CampaignPage.closeAction,
        "linksAction": \CampaignPage.linksAction,
        "linksCSVAction": \CampaignPage.linksCSVAction,
        "importHref": \CampaignPage.importHref,
        "trendPeriods": \CampaignPage.trendPeriods,
        "trendRows": \CampaignPage.trendRows,
        "hasTrend": \CampaignPage.hasTrend,
        "csvHref": \CampaignPage.csvHref,
        "delivery": \CampaignPage.delivery,
    ]
}
