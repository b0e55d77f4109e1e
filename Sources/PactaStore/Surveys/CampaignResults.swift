import Foundation
import PactaCore

/// A campaign's results as anyone may see them: per agreement, per provider and for the whole
/// campaign, with every figure of a group below `k` answers hidden, and the figures that would
/// let someone subtract their way to such a group hidden too (``Disclosure``). Response rates
/// are always shown. Administrators see no more than anyone else.
public struct CampaignResults: Sendable {
    /// The figures of one group; `shown` false leaves only its invitations and answer count.
    public struct Figures: Sendable, Hashable {
        public var invitations: Int
        /// Every answer, those imported included.
        public var responses: Int
        /// Answers imported from elsewhere: not answers to invitations.
        public var imported: Int
        /// Whether the figures below may be shown.
        public var shown: Bool
        /// Why not: fewer than k answers (`false`), or to protect another group (`true`).
        public var hiddenToProtectAnother: Bool
        public var perceptionIndex: Double?
        /// Mean rating of each attribute (1–5), by key.
        public var attributeMeans: [String: Double]
        /// The 0–10 answers: score, margin, distribution.
        public var nps: NPS?
        /// Only where the group has at least k answers; sorted.
        public var comments: [String]

        /// Invitations answered per invitation (imported answers are no invitation's); nil without invitations.
        public var responseRate: Double? {
            self.invitations > 0 ? Double(self.responses - self.imported) / Double(self.invitations) : nil
        }

        init(invitations: Int, imported: Int, figures: PerceptionFigures, shown: Bool, k: Int, comments: [String] = []) {
            self.invitations = invitations
            self.imported = imported
            self.responses = figures.responses
            self.shown = shown
            self.hiddenToProtectAnother = !shown && figures.responses >= k
            self.perceptionIndex = shown ? figures.perceptionIndex : nil
            self.attributeMeans = shown ? figures.attributes.compactMapValues(\.mean) : [:]
            self.nps = shown ? figures.nps : nil
            self.comments = figures.responses >= k ? comments : []
        }
    }

    public struct AgreementResult: Sendable, Hashable {
        public var agreement: String
        public var title: String
        public var client: String
        public var clientName: String
        public var figures: Figures
    }

    public struct ProviderResult: Sendable, Hashable {
        public var provider: String
        public var providerName: String
        public var figures: Figures
        public var agreements: [AgreementResult]
    }

    public var campaign: Campaign
    /// The fewest answers a shown group has.
    public var k: Int
    public var total: Figures
    /// By provider code.
    public var providers: [ProviderResult]

    public init(campaign: Campaign, tallies: [AgreementTally], k: Int) {
        self.campaign = campaign
        self.k = k
        let byProvider = Dictionary(grouping: tallies, by: \.provider)
        var groups = [Disclosure.Group(id: "campaign", parent: nil, responses: tallies.reduce(0) { $0 + $1.figures.responses })]
        for (provider, agreements) in byProvider {
            groups.append(
                Disclosure.Group(id: "provider:\(provider)", parent: "campaign", responses: agreements.reduce(0) { $0 + $1.figures.responses })
            )
            for tally in agreements {
                groups.append(
                    Disclosure.Group(id: "agreement:\(tally.agreement)", parent: "provider:\(provider)", responses: tally.figures.responses)
                )
            }
        }
        let shown = Disclosure.shown(groups, k: k)
        var total = PerceptionFigures()
        self.providers = byProvider.keys.sorted().map { provider in
            let agreements = byProvider[provider, default: []].sorted { $0.agreement < $1.agreement }
            var figures = PerceptionFigures()
            for tally in agreements { figures.merge(tally.figures) }
            total.merge(figures)
            return ProviderResult(
                provider: provider,
                providerName: agreements.first?.providerName ?? provider,
                figures: Figures(
                    invitations: agreements.reduce(0) { $0 + $1.invitations },
                    imported: agreements.reduce(0) { $0 + $1.imported },
                    figures: figures,
                    shown: shown.contains("provider:\(provider)"),
                    k: k
                ),
                agreements: agreements.map { tally in
                    AgreementResult(
                        agreement: tally.agreement,
                        title: tally.title,
                        client: tally.client,
                        clientName: tally.clientName,
                        figures: Figures(
                            invitations: tally.invitations,
                            imported: tally.imported,
                            figures: tally.figures,
                            shown: shown.contains("agreement:\(tally.agreement)"),
                            k: k,
                            comments: tally.comments
                        )
                    )
                }
            )
        }
        self.total = Figures(
            invitations: tallies.reduce(0) { $0 + $1.invitations },
            imported: tallies.reduce(0) { $0 + $1.imported },
            figures: total,
            shown: shown.contains("campaign"),
            k: k
        )
    }
}
