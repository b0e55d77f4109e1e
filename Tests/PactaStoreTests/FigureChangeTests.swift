import Foundation
import PactaCore
import PactaStore
import PactaTestSupport
import Testing

/// A closed period's figures change only when data for it arrives later, and then the change is
/// shown with them: when, why and by whom.
@Suite struct FigureChangeTests {
    static let ana = Fixtures.signer("ana", unit: "TI")
    static let luis = Fixtures.signer("luis", unit: "CRED")

    static func history(_ store: Store) async throws -> [String: AgreementPeriodCompliance] {
        let history = try await store.complianceHistory(
            agreement: "TI-CRED",
            visibleTo: nil,
            at: Fixtures.now,
            today: Fixtures.today,
            minimumAnswers: 3,
            thresholds: .standard
        )
        return Dictionary(uniqueKeysWithValues: history.map { ($0.period.description, $0) })
    }

    static func request(_ ref: String, opened: String, resolved: String) -> RawServiceRequest {
        RawServiceRequest(externalRef: ref, provider: "TI", client: "CRED", service: "Correo", priority: "P1", openedAt: opened, resolvedAt: resolved)
    }

    @Test(arguments: TestDatabase.available)
    func changesToEndedMonthsAreRecordedWithTheirCause(database: TestDatabase) async throws {
        try await database.withStore { store in
            // July's and August's requests arrive on 21 September; August's campaign opens and answers are imported.
            try await ComplianceReportTests.seed(store)
            var history = try await Self.history(store)
            #expect(history["2026-07"]?.changes.map(\.cause) == [.requests])
            #expect(history["2026-07"]?.changes.first?.actor == "ana")
            #expect(Set(history["2026-08"]?.changes.map(\.cause) ?? []) == [.requests, .surveyAnswers])
            #expect(history["2026-08"]?.changes.filter { $0.cause == .surveyAnswers }.map(\.detail) == ["ENC-2026-08", "ENC-2026-08"])
            #expect(history["2026-06"]?.changes == [], "nothing arrived for June")
            #expect(history["2026-09"]?.changes == [], "September is still running: its figures are provisional")

            // Sent again as they were: nothing changes, nothing is recorded.
            let again = [Self.request("J-1", opened: "2026-07-07T09:00:00-05:00", resolved: "2026-07-07T10:00:00-05:00")]
            let later = Fixtures.now.addingTimeInterval(86_400)
            let zone = ComplianceReportTests.zone
            _ = try await store.requests.importRows(again, skipInvalid: false, by: Self.ana, at: later, timeZone: zone)
            #expect(try await Self.history(store)["2026-07"]?.changes.count == 1)

            // A late July request: July changes again, August does not.
            let late = [Self.request("J-2", opened: "2026-07-30T09:00:00-05:00", resolved: "2026-07-31T16:00:00-05:00")]
            _ = try await store.requests.importRows(late, skipInvalid: false, by: Self.ana, at: later, timeZone: zone)
            history = try await Self.history(store)
            #expect(history["2026-07"]?.changes.map(\.changedAt) == [later, Fixtures.now], "newest first")
            #expect(history["2026-08"]?.changes.filter { $0.cause == .requests }.count == 1)

            // A revision measures every period on its terms: each ended month records it.
            var terms = Fixtures.terms()
            terms.commitments[0].target = 4 * 3600
            terms.commitments.append(Commitment(key: "M1", name: "Capacitaciones", metric: .manual, target: 2))
            let signed = later.addingTimeInterval(3600)
            _ = try await store.agreements.revise("TI-CRED", terms: terms, by: Self.ana, at: signed, today: Fixtures.today)
            _ = try await store.agreements.signCurrentVersion("TI-CRED", by: Self.ana, at: signed, today: Fixtures.today)
            _ = try await store.agreements.signCurrentVersion("TI-CRED", by: Self.luis, at: signed, today: Fixtures.today)
            history = try await Self.history(store)
            for month in ["2026-01", "2026-06", "2026-07", "2026-08"] {
                let revisions = history[month]?.changes.filter { $0.cause == .revision } ?? []
                #expect(
                    revisions.map(\.detail) == ["TI-CRED v2"] && revisions.map(\.actor) == ["luis"] && revisions.map(\.changedAt) == [signed],
                    "\(month)"
                )
            }
            #expect(history["2026-07"]?.changes.map(\.cause) == [.revision, .requests, .requests], "newest first")
            #expect(history["2026-09"]?.changes == [])

            // A manual value for an ended month.
            try await store.manualValues.set(
                agreement: "TI-CRED",
                commitment: "M1",
                period: Period("2026-08")!,
                value: 3,
                evidence: "Acta 12",
                by: Self.ana,
                at: later,
                today: Fixtures.today
            )
            let august = try #require(try await Self.history(store)["2026-08"]?.changes.first { $0.cause == .manualValue })
            #expect(august.detail == "M1" && august.actor == "ana" && august.changedAt == later)

            // The overview of the quarter carries them too.
            let quarter = try await store.compliance(
                for: Period("2026-Q3")!,
                visibleTo: nil,
                at: Fixtures.now,
                today: Fixtures.today,
                minimumAnswers: 3,
                thresholds: .standard
            )
            #expect(quarter.agreements.first { $0.period.description == "2026-08" }?.changes.contains(august) == true)
            #expect(quarter.agreements.first { $0.period.description == "2026-09" }?.changes == [])
        }
    }
}
