import Foundation
import PactaCore
import PactaStore
import PactaTestSupport
import Testing

/// Compliance per agreement and period, and per provider and client, from stored requests and
/// survey answers, on both databases.
@Suite struct ComplianceReportTests {
    static let ana = Fixtures.signer("ana", unit: "TI")
    static let zone = TimeZone(identifier: "America/Guayaquil")!

    /// TI-CRED: in July one P1 request resolved in an hour (C1 met); in August one in an hour and
    /// one in three days (C1 at 50 % of 95 %: not met), and three survey answers of 5 (C2 met).
    static func seed(_ store: Store) async throws {
        try await store.seedActiveAgreement()
        let rows = [
            ("J-1", "2026-07-07T09:00:00-05:00", "2026-07-07T10:00:00-05:00"),
            ("A-1", "2026-08-04T09:00:00-05:00", "2026-08-04T10:00:00-05:00"),
            ("A-2", "2026-08-05T09:00:00-05:00", "2026-08-07T16:00:00-05:00"),
        ].map {
            RawServiceRequest(externalRef: $0.0, provider: "TI", client: "CRED", service: "Correo", priority: "P1", openedAt: $0.1, resolvedAt: $0.2)
        }
        let imported = try await store.requests.importRows(rows, skipInvalid: false, by: Self.ana, at: Fixtures.now, timeZone: Self.zone)
        #expect(imported.committed && imported.matched == 3)
        var draft = CampaignRepositoryTests.draft(code: "ENC-2026-08")
        draft.period = Period("2026-08")!
        _ = try await store.campaigns.create(draft, by: Self.ana, at: Fixtures.now)
        _ = try await store.campaigns.open("ENC-2026-08", by: Self.ana, at: Fixtures.now)
        let answers = "external_ref,agreement,period,quality,recommend\nR-1,TI-CRED,2026-08,5,9\nR-2,TI-CRED,2026-08,5,10\nR-3,TI-CRED,2026-08,5,9"
        let report = try await store.campaigns.importAnswers(bytes: Array(answers.utf8), skipInvalid: false, by: Self.ana, today: Fixtures.today)
        #expect(report.committed)
    }

    static func compliance(_ store: Store, _ period: String) async throws -> AgreementPeriodCompliance {
        let record = try #require(try await store.agreements.get("TI-CRED", visibleTo: nil))
        return try await store.compliance(
            of: record,
            period: Period(period)!,
            at: Fixtures.now,
            today: Fixtures.today,
            minimumAnswers: 3,
            thresholds: .standard
        )
    }

    @Test(arguments: TestDatabase.available)
    func eachPeriodIsScoredFromItsCommitmentsByWeight(database: TestDatabase) async throws {
        try await database.withStore { store in
            try await Self.seed(store)
            let july = try await Self.compliance(store, "2026-07")
            #expect(july.compliance.status == .compliant && july.compliance.score == 100 && july.volume == 1)
            #expect(july.compliance.withoutData == ["C2"], "no campaign in July: C2 has no data, and counts for nothing")
            #expect(!july.provisional)

            // C1 (weight 2) not met, C2 (weight 1) met: 100 × 1 / 3.
            let august = try await Self.compliance(store, "2026-08")
            #expect(august.compliance.commitments.map(\.status) == [.notMet, .met])
            #expect(august.compliance.status == .breached && abs(august.compliance.score! - 100.0 / 3) < 1e-12)
            #expect(august.volume == 2 && august.responses == 3)

            let september = try await Self.compliance(store, "2026-09")
            #expect(september.compliance.status == .noData && september.compliance.score == nil && september.provisional)

            let history = try await store.complianceHistory(
                agreement: "TI-CRED",
                visibleTo: Self.ana,
                at: Fixtures.now,
                today: Fixtures.today,
                minimumAnswers: 3,
                thresholds: .standard
            )
            #expect(history.map(\.period.description) == (1...9).reversed().map { "2026-0\($0)" })
            #expect(history.map(\.compliance.status).prefix(3) == [.noData, .breached, .compliant])
        }
    }

    @Test(arguments: TestDatabase.available)
    func providersAndClientsAreTheVolumeWeightedMeanOfTheirAgreements(database: TestDatabase) async throws {
        try await database.withStore { store in
            try await Self.seed(store)
            let quarter = try await store.compliance(
                for: Period("2026-Q3")!,
                visibleTo: Fixtures.signer("gerente", unit: "GG", role: .viewer),
                at: Fixtures.now,
                today: Fixtures.today,
                minimumAnswers: 3,
                thresholds: .standard
            )
            // A monthly agreement counts with each month of the quarter.
            #expect(quarter.agreements.map(\.period.description) == ["2026-07", "2026-08", "2026-09"] && quarter.provisional)
            #expect(quarter.statusCounts == [.compliant: 1, .breached: 1, .noData: 1])
            // July 100 % over 1 request, August ⅓ over 2, September without data: (1 + 2 × ⅓) / 3 = 5⁄9.
            let provider = try #require(quarter.providers.first)
            #expect(provider.unit == "TI" && provider.compliance.volume == 3 && provider.compliance.weightedByVolume)
            #expect(abs(provider.compliance.score! - 500.0 / 9) < 1e-9 && provider.compliance.status == .breached)
            #expect(quarter.clients.map(\.unit) == ["CRED"] && quarter.clients[0].compliance.score == provider.compliance.score)
            #expect(quarter.organisation.score == provider.compliance.score)

            // A month: only its own review period.
            let july = try await store.compliance(
                for: Period("2026-07")!,
                visibleTo: nil,
                at: Fixtures.now,
                today: Fixtures.today,
                minimumAnswers: 3,
                thresholds: .standard
            )
            #expect(july.agreements.count == 1 && july.organisation.status == .compliant && !july.provisional)
        }
    }
}
