import Foundation
import PactaCore
import PactaStore
import PactaTestSupport
import Testing

/// The trend of a campaign's agreements against the campaigns before it.
@Suite struct CampaignTrendTests {
    static let ana = CampaignRepositoryTests.ana

    /// A campaign of `month` over TI-CRED, opened, with one imported answer per recommend score
    /// (every attribute rated `rating`).
    static func campaign(_ store: Store, _ month: String, rating: Int, recommends: [Int], open: Bool = true) async throws {
        var draft = CampaignRepositoryTests.draft(code: "ENC-\(month)")
        draft.period = Period(month)!
        _ = try await store.campaigns.create(draft, by: Self.ana, at: Fixtures.now)
        guard open else { return }
        _ = try await store.campaigns.open("ENC-\(month)", by: Self.ana, at: Fixtures.now)
        let rows = recommends.enumerated().map { "R-\($0.offset),TI-CRED,\(month),\(rating),\($0.element)" }
        let report = try await store.campaigns.importAnswers(
            bytes: Array((["external_ref,agreement,period,quality,recommend"] + rows).joined(separator: "\n").utf8),
            skipInvalid: false,
            by: Self.ana,
            today: Fixtures.today
        )
        #expect(report.committed, "\(report.problems)")
    }

    @Test(arguments: TestDatabase.available)
    func eachAgreementIsComparedWithTheEarlierCampaignsThatRatedIt(database: TestDatabase) async throws {
        try await database.withStore { store in
            try await CampaignRepositoryTests.seed(store)
            try await Self.campaign(store, "2026-06", rating: 2, recommends: [5, 6, 9])
            try await Self.campaign(store, "2026-07", rating: 5, recommends: [10, 9])  // below k: hidden
            try await Self.campaign(store, "2026-08", rating: 3, recommends: [], open: false)  // a draft: not compared
            try await Self.campaign(store, "2026-09", rating: 4, recommends: [9, 9, 7, 3])
            try await Self.campaign(store, "2026-10", rating: 5, recommends: [10, 10, 10])  // later: not compared

            let results = try #require(try await store.campaigns.results("ENC-2026-09", visibleTo: Self.ana, k: 3))
            let trend = try await store.campaigns.trend(of: results)
            #expect(trend.periods.map(\.description) == ["2026-06", "2026-07", "2026-09"] && trend.hasHistory)
            let row = try #require(trend.rows.first)
            #expect(trend.rows.count == 1 && row.agreement == "TI-CRED")
            #expect(row.points.map(\.campaign) == ["ENC-2026-06", "ENC-2026-07", "ENC-2026-09"])
            // June: every rating 2 → 25; July hidden (2 answers); September: every rating 4 → 75.
            #expect(row.points[0].figures.perceptionIndex == 25 && row.points[0].figures.nps?.score == -100.0 / 3)
            #expect(!row.points[1].figures.shown && row.points[1].figures.perceptionIndex == nil && row.points[1].figures.responses == 2)
            #expect(row.points[2].figures.perceptionIndex == 75)
            // Compared with the last shown campaign, June, not the hidden July.
            #expect(row.change(\.perceptionIndex) == 50)

            // At most `campaigns` earlier ones, the newest kept.
            let short = try await store.campaigns.trend(of: results, campaigns: 1)
            #expect(short.periods.map(\.description) == ["2026-07", "2026-09"] && short.rows[0].change(\.perceptionIndex) == nil)

            // The first campaign has nothing to compare with.
            let first = try #require(try await store.campaigns.results("ENC-2026-06", visibleTo: Self.ana, k: 3))
            #expect(!(try await store.campaigns.trend(of: first)).hasHistory)
        }
    }
}
