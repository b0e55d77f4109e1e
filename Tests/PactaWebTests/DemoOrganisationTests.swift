import Foundation
import PactaApp
import PactaCore
import PactaStore
import PactaTestSupport
import PactaWeb
import Testing

@Suite struct DemoOrganisationTests {
    @Test(arguments: TestDatabase.available)
    func seedsAnOrganisationWithAgreementsInEveryState(database: TestDatabase) async throws {
        try await database.withStore { store in
            let today = LocalDate("2026-11-24")!
            let demo = DemoOrganisation(store: store)
            #expect(try await demo.seedIfEmpty(at: Fixtures.now, today: today))
            #expect(try await !demo.seedIfEmpty(at: Fixtures.now, today: today), "never seeds twice")
            #expect(try await store.units.list().count == 18)
            #expect(try await store.calendars.list().count == 2)
            let users = try await store.users.list()
            #expect(Set(users.map(\.role)) == Set(Role.allCases))
            let states = try await store.agreements.list(visibleTo: nil).map { $0.state(on: today) }
            #expect(states.count == 13)
            #expect(Set(states) == Set(AgreementState.allCases))
            #expect(states.filter { $0 == .active }.count == 6)
            let revised = try #require(try await store.agreements.get("OPCRED-HIP", visibleTo: nil))
            #expect(revised.agreement.version == 2 && revised.agreement.state == .active)
            #expect(revised.versions.map(\.signatures.count) == [2, 2])
            let report = try await store.agreements.verify()
            #expect(report.isIntact && report.checkedSignatures == 23)
            #expect(try await store.agreements.published(on: today).upcoming.map(\.agreement.code) == ["SEG-CC"])
            #expect(try await Accounts(store: store).authenticate(username: "gestor", password: DemoOrganisation.password)?.role == .manager)
            #expect(try await Accounts(store: store).authenticate(username: "gestor", password: "wrong-password") == nil)

            // This year's requests: most under the active agreements, some between units without one.
            let counts = try await store.requests.counts()
            #expect(counts.total > 1000 && counts.unmatched > 0 && counts.unmatched < counts.total / 5)
            let august = try await store.hardIndicators(agreement: "TI-AGEN", period: Period("2026-08")!, at: Fixtures.now)
            let met = august.measurements.reduce(0) { $0 + $1.met }
            let missed = august.measurements.reduce(0) { $0 + $1.missed }
            #expect(met > 4 * missed && missed > 0, "mostly on time, some late")
            #expect(
                try await store.breachWarnings(at: Fixtures.now, threshold: 0.75, unit: nil).isEmpty == false,
                "the last days' requests are still open"
            )

            // A year's history shows every status.
            var statuses: Set<ComplianceStatus> = []
            for quarter in ["2026-Q1", "2026-Q2", "2026-Q3"] {
                let overview = try await store.compliance(
                    for: Period(quarter)!,
                    visibleTo: nil,
                    at: Fixtures.now,
                    today: LocalDate("2026-09-21")!,
                    minimumAnswers: 3,
                    thresholds: .standard
                )
                statuses.formUnion(overview.agreements.map(\.compliance.status))
            }
            #expect(statuses == Set(ComplianceStatus.allCases), "\(statuses)")

            // Last month's survey, closed with results, one agreement below k; this month's open for the demo rater.
            let closed = try #require(try await store.campaigns.get("PERC-2026-10"))
            #expect(closed.state(on: today) == .closed && closed.agreements == ["SEG-BDIG", "TI-AGEN", "TI-BDIG"])
            let results = CampaignResults(campaign: closed, tallies: try await store.campaigns.tallies("PERC-2026-10"), k: 3)
            let shown = results.providers.flatMap(\.agreements).filter(\.figures.shown).map(\.agreement)
            #expect(shown == ["SEG-BDIG"] && results.total.shown && results.total.responses == 13)
            let october = try await store.hardIndicators(agreement: "SEG-BDIG", period: Period("2026-10")!, at: Fixtures.now)
            #expect(october.soft.map(\.status) == [.notMet, .notMet], "index 65,9 under 80; NPS −20 under 30")
            // Detractors followed up since the support map was drawn up, 45 days before: most
            // contacted within TI's 16 business hours, some late, the newest still open.
            let followUps = try await store.followUps.counts(visibleTo: Fixtures.system)
            #expect(Set(followUps.keys) == Set(FollowUpStatus.allCases) && followUps.values.allSatisfy { $0 > 10 }, "\(followUps)")
            let september = try await store.hardIndicators(agreement: "TI-BDIG", period: Period("2026-09")!, at: Fixtures.now)
            let contact = try #require(september.measurements.first { $0.commitment == "NPS-CONT" })
            #expect(contact.met > 2 * contact.missed && contact.missed > 0, "\(contact)")
            let rater = try #require(try await store.users.credentials(username: "cliente")?.user)
            #expect(try await store.campaigns.pending(for: rater, today: today).map(\.campaign) == ["PERC-2026-11"])
        }
    }
}
