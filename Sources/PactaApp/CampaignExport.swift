import Foundation
import PactaCore
import PactaStore

/// A campaign as the API and the CLI show it.
public struct CampaignJSON: Codable, Sendable {
    public var code: String
    public var title: String
    public var period: String
    public var unit: String
    /// As of today: an open campaign past its closing day is `closed`.
    public var state: CampaignState
    public var opensOn: String
    public var closesOn: String
    public var reminderDays: Int
    public var questionnaire: Questionnaire
    public var agreements: [String]
    public var guests: [Campaign.Guest]
    public var createdBy: String
    public var createdAt: Date

    public init(_ campaign: Campaign, today: LocalDate) {
        self.code = campaign.code
        self.title = campaign.title
        self.period = campaign.period.description
        self.unit = campaign.unit
        self.state = campaign.state(on: today)
        self.opensOn = campaign.opensOn.description
        self.closesOn = campaign.closesOn.description
        self.reminderDays = campaign.reminderDays
        self.questionnaire = campaign.questionnaire
        self.agreements = campaign.agreements
        self.guests = campaign.guests
        self.createdBy = campaign.createdBy
        self.createdAt = campaign.createdAt
    }
}

/// A campaign's results as the API and the CLI give them: exactly what the page shows, with
/// every figure of a hidden group null (see ``CampaignResults``).
public struct CampaignResultsJSON: Codable, Sendable {
    public struct NPSJSON: Codable, Sendable {
        @Nullable public var score: Double?
        @Nullable public var marginOfError: Double?
        public var n: Int
        public var promoters: Int
        public var passives: Int
        public var detractors: Int
        /// Answers of each score, 0 to 10.
        public var distribution: [Int]
    }

    public struct FiguresJSON: Codable, Sendable {
        public var invitations: Int
        /// Every answer, those imported included: the `n` of the figures.
        public var responses: Int
        /// Answers imported from elsewhere, not to invitations.
        public var imported: Int
        /// Invitations answered per invitation, 0–1.
        @Nullable public var responseRate: Double?
        public var shown: Bool
        /// `below_k`, or `protects_another` (shown, another group could be deduced by subtraction); null when shown.
        @Nullable public var hidden: String?
        @Nullable public var perceptionIndex: Double?
        /// Mean of each attribute (1–5), by key; empty when hidden.
        public var attributeMeans: [String: Double]
        @Nullable public var nps: NPSJSON?
        public var comments: [String]

        init(_ figures: CampaignResults.Figures) {
            self.invitations = figures.invitations
            self.responses = figures.responses
            self.imported = figures.imported
            self.responseRate = figures.responseRate
            self.shown = figures.shown
            self.hidden = figures.shown ? nil : figures.hiddenToProtectAnother ? "protects_another" : "below_k"
            self.perceptionIndex = figures.perceptionIndex
            self.attributeMeans = figures.attributeMeans
            self.nps = figures.nps.map {
                NPSJSON(
                    score: $0.score,
                    marginOfError: $0.marginOfError,
                    n: $0.n,
                    promoters: $0.promoters,
                    passives: $0.passives,
                    detractors: $0.detractors,
                    distribution: $0.distribution
                )
            }
            self.comments = figures.comments
        }
    }

    public struct AgreementJSON: Codable, Sendable {
        public var agreement: String
        public var title: String
        public var client: String
        public var figures: FiguresJSON
    }

    public struct ProviderJSON: Codable, Sendable {
        public var provider: String
        public var name: String
        public var figures: FiguresJSON
        public var agreements: [AgreementJSON]
    }

    /// One agreement in one campaign of the trend.
    public struct PointJSON: Codable, Sendable {
        public var campaign: String
        public var period: String
        public var figures: FiguresJSON
    }

    public struct TrendJSON: Codable, Sendable {
        public var agreement: String
        /// Oldest first; the last is this campaign's.
        public var points: [PointJSON]
    }

    public var campaign: CampaignJSON
    /// The fewest answers a shown group has.
    public var k: Int
    public var total: FiguresJSON
    public var providers: [ProviderJSON]
    /// Each agreement's figures in the campaigns before this one that rated it, as each showed them.
    public var trend: [TrendJSON]

    public init(_ results: CampaignResults, trend: CampaignTrend, today: LocalDate) {
        self.trend = trend.rows.map { row in
            TrendJSON(
                agreement: row.agreement,
                points: row.points.map { PointJSON(campaign: $0.campaign, period: $0.period.description, figures: FiguresJSON($0.figures)) }
            )
        }
        self.campaign = CampaignJSON(results.campaign, today: today)
        self.k = results.k
        self.total = FiguresJSON(results.total)
        self.providers = results.providers.map { provider in
            ProviderJSON(
                provider: provider.provider,
                name: provider.providerName,
                figures: FiguresJSON(provider.figures),
                agreements: provider.agreements.map {
                    AgreementJSON(agreement: $0.agreement, title: $0.title, client: $0.client, figures: FiguresJSON($0.figures))
                }
            )
        }
    }
}

public enum CampaignExport {
    /// One row per group (the campaign, each provider, each agreement):
    /// `level,provider,agreement,client,invitations,responses,imported,response_rate,hidden,perception_index,nps,margin_of_error,promoters,passives,detractors`
    /// then the mean of each attribute of the questionnaire, by key. A hidden group has only its
    /// counts; comments are in the JSON and on the page, not here.
    public static func resultsCSV(_ results: CampaignResults) -> String {
        let keys = results.campaign.questionnaire.attributes.map(\.key)
        let columns: [String] = [
            "level", "provider", "agreement", "client", "invitations", "responses", "imported", "response_rate", "hidden", "perception_index",
            "nps", "margin_of_error", "promoters", "passives", "detractors",
        ]
        var text = (columns + keys.map(CSVField.escape)).joined(separator: ",") + "\r\n"
        func number(_ value: Double?) -> String { value.map { String($0) } ?? "" }
        func row(_ level: String, provider: String, agreement: String, client: String, _ figures: CampaignResults.Figures) {
            let nps = figures.nps
            let hidden = figures.shown ? "" : figures.hiddenToProtectAnother ? "protects_another" : "below_k"
            let counts: [String] = [String(figures.invitations), String(figures.responses), String(figures.imported)]
            let shares: [String] = [number(figures.responseRate), hidden, number(figures.perceptionIndex)]
            let scores: [String] = [number(nps?.score), number(nps?.marginOfError)]
            let kinds: [String] = [nps?.promoters, nps?.passives, nps?.detractors].map { $0.map(String.init) ?? "" }
            let names: [String] = [level, CSVField.escape(provider), CSVField.escape(agreement), CSVField.escape(client)]
            let means: [String] = keys.map { number(figures.attributeMeans[$0]) }
            let fields: [String] = names + counts + shares + scores + kinds + means
            text += fields.joined(separator: ",") + "\r\n"
        }
        row("campaign", provider: "", agreement: "", client: "", results.total)
        for provider in results.providers {
            row("provider", provider: provider.provider, agreement: "", client: "", provider.figures)
            for agreement in provider.agreements {
                row("agreement", provider: provider.provider, agreement: agreement.agreement, client: agreement.client, agreement.figures)
            }
        }
        return text
    }
}
