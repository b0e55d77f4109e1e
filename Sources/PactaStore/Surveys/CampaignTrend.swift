import Foundation
import PactaCore

/// How the agreements of a campaign were rated by the campaigns before it: for each agreement,
/// its figures in each earlier campaign that rated it (drafts aside), oldest first, this one last.
/// Each campaign's figures are those its own results show: a group hidden there is hidden here.
public struct CampaignTrend: Sendable, Hashable {
    public struct Point: Sendable, Hashable {
        public var campaign: String
        public var period: Period
        public var figures: CampaignResults.Figures

        public init(campaign: String, period: Period, figures: CampaignResults.Figures) {
            self.campaign = campaign
            self.period = period
            self.figures = figures
        }
    }

    public struct Row: Sendable, Hashable {
        public var agreement: String
        public var title: String
        /// One per campaign that rated it, by period; the last is this campaign's.
        public var points: [Point]

        public init(agreement: String, title: String, points: [Point]) {
            self.agreement = agreement
            self.title = title
            self.points = points
        }

        /// The change of a shown figure since the previous shown point of the same agreement.
        public func change(_ figure: (CampaignResults.Figures) -> Double?) -> Double? {
            let shown = self.points.compactMap { figure($0.figures) }
            guard shown.count >= 2, self.points.last.flatMap({ figure($0.figures) }) != nil else { return nil }
            return shown[shown.count - 1] - shown[shown.count - 2]
        }
    }

    /// The periods of the campaigns compared, oldest first.
    public var periods: [Period]
    public var rows: [Row]

    public init(periods: [Period], rows: [Row]) {
        self.periods = periods
        self.rows = rows
    }

    /// Whether any agreement was rated before this campaign.
    public var hasHistory: Bool { self.rows.contains { $0.points.count > 1 } }
}

extension CampaignRepository {
    /// The trend of `results`' agreements over at most `campaigns` campaigns before it.
    public func trend(of results: CampaignResults, campaigns limit: Int = 5) async throws -> CampaignTrend {
        let current = results.campaign
        let rated = Set(current.agreements)
        // The earlier campaigns rating any of these agreements, newest first.
        var earlier: [String] = []
        for row in try await self.db.query(
            """
            SELECT DISTINCT c.code, c.period FROM campaigns c JOIN campaign_agreements ca ON ca.campaign_id = c.id
            JOIN agreements a ON a.id = ca.agreement_id
            WHERE c.state <> 'draft' AND c.code <> \(current.code) AND a.code IN (SELECT a2.code FROM campaign_agreements ca2
            JOIN agreements a2 ON a2.id = ca2.agreement_id JOIN campaigns c2 ON c2.id = ca2.campaign_id WHERE c2.code = \(current.code))
            """
        ) {
            let (code, period) = try row.decode((String, Period).self)
            if period < current.period { earlier.append(code) }
        }
        var all: [CampaignResults] = []
        for code in earlier {
            guard let campaign = try await self.get(code) else { continue }
            all.append(CampaignResults(campaign: campaign, tallies: try await self.tallies(code), k: results.k))
        }
        all.sort { $0.campaign.period > $1.campaign.period }
        all = Array(all.prefix(limit)).reversed() + [results]
        var rows: [CampaignTrend.Row] = []
        for agreement in current.agreements.sorted() {
            var row: CampaignTrend.Row?
            for campaign in all {
                for provider in campaign.providers {
                    for result in provider.agreements where result.agreement == agreement && rated.contains(agreement) {
                        let point = CampaignTrend.Point(campaign: campaign.campaign.code, period: campaign.campaign.period, figures: result.figures)
                        if row == nil { row = CampaignTrend.Row(agreement: agreement, title: result.title, points: []) }
                        row?.points.append(point)
                    }
                }
            }
            if let row { rows.append(row) }
        }
        return CampaignTrend(periods: all.map(\.campaign.period), rows: rows)
    }
}
