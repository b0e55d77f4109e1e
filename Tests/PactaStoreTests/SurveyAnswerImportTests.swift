import Foundation
import PactaCore
import PactaStore
import PactaTestSupport
import Testing

/// Answers collected elsewhere, imported as CSV: all or nothing, every bad row reported,
/// idempotent by the source's reference, within the importer's scope.
@Suite struct SurveyAnswerImportTests {
    static let ana = CampaignRepositoryTests.ana
    static let header = "external_ref,agreement,period,timeliness,quality,attitude,communication,knowledge,recommend,comment,answered_on"

    static func importing(
        _ store: Store,
        _ lines: [String],
        into campaign: String? = nil,
        skipInvalid: Bool = false,
        by actor: Actor = Self.ana
    )
        async throws -> ImportReport
    {
        try await store.campaigns.importAnswers(
            bytes: Array(([Self.header] + lines).joined(separator: "\n").utf8),
            into: campaign,
            skipInvalid: skipInvalid,
            by: actor,
            today: Fixtures.today
        )
    }

    static func answerCount(_ store: Store) async throws -> Int {
        try await store.database.count("SELECT COUNT(*) FROM survey_answers", as: Int.self)
    }

    @Test(arguments: TestDatabase.available)
    func aBadRowMeansNothingIsImportedAndEveryBadRowIsReported(database: TestDatabase) async throws {
        try await database.withStore { store in
            try await CampaignRepositoryTests.seed(store)
            _ = try await store.campaigns.create(CampaignRepositoryTests.draft(), by: Self.ana, at: Fixtures.now)
            // A draft's questions may still change.
            let early = try await Self.importing(store, ["F-1,TI-CRED,2026-09,4,4,4,4,4,9,,"])
            #expect(!early.committed && early.problems.map(\.code) == ["invalid_state"])
            _ = try await store.campaigns.open("ENC-2026-09", by: Self.ana, at: Fixtures.now)

            let report = try await Self.importing(
                store,
                [
                    "F-1,TI-CRED,2026-09,4,5,,3,4,9,Bien,2026-09-20",  // good
                    "F-2,TI-CRED,2026-09,7,4,4,4,4,,,",  // rating out of range, no recommendation
                    "F-3,TI-NOSOFT,2026-09,4,4,4,4,4,8,,",  // no campaign rates it
                    "F-4,TI-CRED,septiembre,4,4,4,4,4,8,,",  // no period
                    ",TI-CRED,2026-09,4,4,4,4,4,8,,2026-10-01",  // no reference, a day still to come
                    "F-1,TI-CRED,2026-09,4,4,4,4,4,8,,",  // the same reference again
                    "F-6,TI-CRED,2026-09,cuatro,4,4,4,4,11,,",  // not a number, out of range
                    "F-7,TI-CRED,2026-09,4,4",  // cut short
                ]
            )
            #expect(!report.committed && report.created == 0)
            let found = report.problems.map { "\($0.line):\($0.column):\($0.code)" }
            #expect(
                found == [
                    "3:recommend:required", "3:timeliness:out_of_range", "4:agreement:not_rated", "5:period:invalid_period",
                    "6:external_ref:required", "6:answered_on:invalid_date", "7:external_ref:duplicate", "8:timeliness:invalid_number",
                    "8:recommend:out_of_range", "9::missing_fields",
                ]
            )
            #expect(try await Self.answerCount(store) == 0)

            // A column no campaign asks about is ignored, as SPEC has it, and named in the report.
            let unknown = try await store.campaigns.importAnswers(
                bytes: Array("external_ref,agreement,period,speed,recommend\nS-1,TI-CRED,2026-09,4,9".utf8),
                skipInvalid: false,
                by: Self.ana,
                today: Fixtures.today
            )
            #expect(unknown.committed && unknown.created == 1 && unknown.ignoredColumns == ["speed"])
            let stored = try await store.database.first("SELECT ratings FROM survey_answers")?.decode(String.self)
            #expect(stored == "{}", "nothing was read from the ignored column")

            // Another unit's manager imports nothing into TI's campaign.
            let outside = try await Self.importing(store, ["F-1,TI-CRED,2026-09,4,4,4,4,4,9,,"], by: Fixtures.signer("luis", unit: "CRED"))
            #expect(!outside.committed && outside.problems.map(\.code) == ["out_of_scope"])

            // With skip_invalid the good rows are written and the bad ones reported.
            let skipping = try await Self.importing(
                store,
                ["F-1,TI-CRED,2026-09,4,5,,3,4,9,Bien,2026-09-20", "F-2,TI-CRED,2026-09,7,4,4,4,4,8,,"],
                skipInvalid: true
            )
            #expect(skipping.committed && skipping.created == 1 && skipping.skipped == 1 && skipping.problems.map(\.line) == [3])
            #expect(try await Self.answerCount(store) == 2)
        }
    }

    @Test(arguments: TestDatabase.available)
    func importedAnswersCountInTheFiguresOnceButNotInTheResponseRate(database: TestDatabase) async throws {
        try await database.withStore { store in
            try await CampaignRepositoryTests.seed(store)
            _ = try await store.campaigns.create(CampaignRepositoryTests.draft(), by: Self.ana, at: Fixtures.now)
            #expect(try await store.campaigns.open("ENC-2026-09", by: Self.ana, at: Fixtures.now) == 2)
            let rows = [
                "F-1,TI-CRED,2026-09,4,5,,3,4,9,Bien,2026-09-20",
                "F-2,TI-CRED,2026-09,1,2,3,4,5,6,,",
                "F-3,TI-CRED,2026-09,,,,,,10,Rápidos,",
            ]
            let first = try await Self.importing(store, rows, into: "ENC-2026-09")
            #expect(first.committed && first.created == 3 && first.problems.isEmpty)
            // Sent again: nothing changes.
            let again = try await Self.importing(store, rows)
            #expect(again.committed && again.created == 0 && again.unchanged == 3)
            #expect(try await Self.answerCount(store) == 3)

            // Ratings 4,5,3,4 and 1,2,3,4,5: 31 over 9 ratings → 100 × (31 − 9) / 36.
            var figures = try #require(try await store.campaigns.figures(agreement: "TI-CRED", period: CampaignRepositoryTests.september))
            #expect(figures.responses == 3 && figures.perceptionIndex == Double(100 * 22) / 36)
            #expect(figures.nps.promoters == 2 && figures.nps.detractors == 1)

            // A corrected row replaces its answer.
            let corrected = try await Self.importing(store, ["F-2,TI-CRED,2026-09,5,5,5,5,5,9,,"])
            #expect(corrected.updated == 1 && corrected.created == 0)
            figures = try #require(try await store.campaigns.figures(agreement: "TI-CRED", period: CampaignRepositoryTests.september))
            #expect(figures.ratings.sum == 16 + 25 && figures.nps.detractors == 0)

            // Imported answers answer no invitation: the response rate counts only the invited.
            let results = try #require(try await store.campaigns.results("ENC-2026-09", visibleTo: Self.ana, k: 3))
            #expect(results.total.responses == 3 && results.total.imported == 3 && results.total.invitations == 2)
            #expect(results.total.responseRate == 0 && results.total.shown)
            #expect(results.providers[0].agreements[0].figures.comments == ["Bien", "Rápidos"])

            // Rows of another campaign are refused from this campaign's page.
            var october = CampaignRepositoryTests.draft(code: "ENC-2026-10")
            october.period = Period("2026-10")!
            _ = try await store.campaigns.create(october, by: Self.ana, at: Fixtures.now)
            _ = try await store.campaigns.open("ENC-2026-10", by: Self.ana, at: Fixtures.now)
            let other = try await Self.importing(store, ["G-1,TI-CRED,2026-10,4,4,4,4,4,9,,"], into: "ENC-2026-09")
            #expect(other.problems.map(\.code) == ["other_campaign"])
            await #expect(throws: NotFoundError.self) { try await Self.importing(store, [], into: "NOPE") }
        }
    }
}
