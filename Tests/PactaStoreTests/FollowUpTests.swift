import Foundation
import PactaCore
import PactaStore
import PactaTestSupport
import Testing

/// Detractor follow-ups on both databases: opened with the answers for the units whose support
/// lines cover them, moved only by the supporting unit, and measured as requests of priority NPS
/// against an agreement's time-to-contact commitment in business time.
@Suite struct FollowUpTests {
    static let zone = TimeZone(identifier: "America/Guayaquil")!
    static let ana = Fixtures.signer("ana", unit: "TI")
    static let luis = Fixtures.signer("luis", unit: "CRED")
    static let rosa = Fixtures.signer("rosa", unit: "TES")

    /// Unix seconds of a local time in Quito (UTC−5, no daylight saving).
    static func quito(_ text: String) -> Int64 {
        Timestamp.parse(text + "-05:00")!
    }

    static func answer(_ ref: String, _ at: String, _ touchpoint: String, _ transaction: String, score: Int, comment: String = "") -> NPSAnswer {
        let channel = touchpoint.hasPrefix("ATM") ? "atm" : "branch"
        return NPSAnswer(
            externalRef: ref,
            answeredAt: Self.quito(at),
            channel: channel,
            touchpoint: touchpoint,
            transaction: transaction,
            score: score,
            comment: comment
        )
    }

    /// TI-CRED promising a contact within 16 business hours (two days) for 90 % of detractors.
    static func seed(_ store: Store) async throws {
        try await store.seedOrganisation()
        try await store.units.create(OrgUnit(code: "TES", name: "Tesorería", parent: "GG"), by: Fixtures.system, at: Fixtures.now)
        try await store.seedSignedAgreement(Fixtures.termsWithFollowUps())
        for user in [("ana", "TI"), ("pedro", "TI"), ("luis", "CRED")] {
            _ = try await store.users.create(
                username: user.0,
                name: user.0.capitalized,
                role: .manager,
                unit: user.1,
                passwordHash: "x",
                at: Fixtures.now
            )
        }
        for touchpoint in [
            Touchpoint(code: "AG-001", channel: "branch", name: "Agencia Centro"), Touchpoint(code: "ATM-1", channel: "atm", name: "Cajero Mall"),
        ] {
            try await store.nps.save(touchpoint, at: Fixtures.now)
        }
        for code in ["deposit", "loan"] { try await store.nps.save(TransactionType(code: code, name: code), at: Fixtures.now) }
        // TI supports the branches for CRED, and loans for nobody in particular; TES loans for CRED.
        let map = "unit,channel,transaction,client\nTI,branch,,CRED\nTI,,loan,\nTES,,loan,CRED\n"
        #expect(try await store.nps.replaceSupportMap(bytes: Array(map.utf8), skipInvalid: false).committed)
    }

    @Test(arguments: TestDatabase.available)
    func detractorsWithACommentOpenOneFollowUpPerSupportingUnit(database: TestDatabase) async throws {
        try await database.withStore { store in
            try await Self.seed(store)
            let answers = [
                Self.answer("D1", "2026-09-14T09:00:00", "AG-001", "deposit", score: 3, comment: "Me atendieron mal"),
                Self.answer("D2", "2026-09-14T16:00:00", "AG-001", "loan", score: 5, comment: "El crédito tardó"),
                Self.answer("D3", "2026-09-15T10:00:00", "ATM-1", "loan", score: 6, comment: "No había efectivo"),
                Self.answer("P1", "2026-09-15T11:00:00", "AG-001", "deposit", score: 9, comment: "Muy bien"),
                Self.answer("S1", "2026-09-15T12:00:00", "AG-001", "deposit", score: 2),
                Self.answer("C1", "2026-09-18T09:00:00", "AG-001", "deposit", score: 8, comment: "Regular"),
            ]
            let ingest = NPSIngest(store: store, unknown: .refuse, timeZone: Self.zone)
            for answer in answers { _ = try await ingest.submit(answer) }
            // Sent again as it was: nothing new. Corrected into a detractor: a follow-up opens.
            #expect(try await ingest.submit(answers[0]) == .unchanged)
            var corrected = answers[5]
            corrected.score = 4
            #expect(try await ingest.submit(corrected) == .updated)

            let admin = Fixtures.system
            let all = try await store.followUps.list(FollowUpFilter(), visibleTo: admin, limit: 50).rows
            let opened = Set(all.map { "\($0.unit):\($0.answer.externalRef):\($0.client)" })
            #expect(opened == ["TI:D1:CRED", "TI:D2:CRED", "TES:D2:CRED", "TI:D3:", "TES:D3:CRED", "TI:C1:CRED"])
            #expect(all.allSatisfy { $0.status == .open && $0.openedAt == $0.answer.answeredAt })
            #expect(try await store.followUps.counts(visibleTo: admin) == [.open: 6])
            #expect(try await store.followUps.list(FollowUpFilter(unit: "TES"), visibleTo: admin, limit: 50).total == 2)

            // Each side sees what it takes part in; TES does not see TI's own follow-ups.
            #expect(try await store.followUps.list(FollowUpFilter(), visibleTo: Self.luis, limit: 50).total == 5, "CRED is the client of five")
            #expect(try await store.followUps.list(FollowUpFilter(), visibleTo: Self.rosa, limit: 50).total == 2)
            let d1 = try #require(all.first { $0.unit == "TI" && $0.answer.externalRef == "D1" })
            #expect(try await store.followUps.get(d1.id, visibleTo: Self.rosa) == nil)
            await #expect(throws: NotFoundError.self) {
                _ = try await store.followUps.change(d1.id, FollowUpChange(note: "Hola"), by: Self.rosa, at: Fixtures.now)
            }
            // The client reads it but does not move it.
            #expect(try await store.followUps.get(d1.id, visibleTo: Self.luis) != nil)
            await #expect(throws: ScopeError.self) {
                _ = try await store.followUps.change(d1.id, FollowUpChange(status: .contacted), by: Self.luis, at: Fixtures.now)
            }
            // Owners are people of the supporting unit.
            await #expect(throws: ValidationError.self) {
                _ = try await store.followUps.change(d1.id, FollowUpChange(owner: "luis"), by: Self.ana, at: Fixtures.now)
            }
            await #expect(throws: ValidationError.self) {
                _ = try await store.followUps.change(d1.id, FollowUpChange(owner: "nadie"), by: Self.ana, at: Fixtures.now)
            }
            await #expect(throws: ValidationError.self) {
                _ = try await store.followUps.change(d1.id, FollowUpChange(), by: Self.ana, at: Fixtures.now)
            }
            #expect(try await store.followUps.get(d1.id, visibleTo: admin)?.notes.isEmpty == true, "nothing refused was written")
        }
    }

    @Test(arguments: TestDatabase.available)
    func theTimeToContactIsMeasuredInBusinessTimeAsARequest(database: TestDatabase) async throws {
        try await database.withStore { store in
            try await Self.seed(store)
            let answers = [
                // Monday 09:00; contacted Tuesday 10:00: 4 + 3.5 + 1.5 = 9 business hours, met.
                Self.answer("D1", "2026-09-14T09:00:00", "AG-001", "deposit", score: 3, comment: "Me atendieron mal"),
                // Monday 16:00; contacted Thursday 11:00: 1.5 + 8 + 8 + 2.5 = 20 hours, missed.
                Self.answer("D2", "2026-09-14T16:00:00", "AG-001", "deposit", score: 5, comment: "Larga fila"),
                // Friday 09:00, still open on Monday 09:13: 7.5 + 0.72 hours, pending.
                Self.answer("D3", "2026-09-18T09:00:00", "AG-001", "deposit", score: 0, comment: "Pésimo"),
                // Monday 09:00, never contacted: missed once 16 business hours have gone by (Tuesday 17:00).
                Self.answer("D4", "2026-09-07T09:00:00", "AG-001", "deposit", score: 1, comment: "Nadie me ayudó"),
            ]
            _ = try await store.nps.write(answers, unknown: .refuse, timeZone: Self.zone, at: Fixtures.now)
            let byRef = Dictionary(
                uniqueKeysWithValues: try await store.followUps.list(FollowUpFilter(), visibleTo: Fixtures.system, limit: 50).rows.map {
                    ($0.answer.externalRef, $0)
                }
            )
            let d1 = try #require(byRef["D1"])
            let d2 = try #require(byRef["D2"])
            let contacted = try await store.followUps.change(
                d1.id,
                FollowUpChange(status: .contacted, owner: "pedro", note: "Llamé al cliente."),
                by: Self.ana,
                at: Date(timeIntervalSince1970: TimeInterval(Self.quito("2026-09-15T10:00:00")))
            )
            #expect(contacted.status == .contacted && contacted.owner == "pedro" && contacted.contactedAt == Self.quito("2026-09-15T10:00:00"))
            _ = try await store.followUps.change(
                d2.id,
                FollowUpChange(status: .closed, note: "Contactado y resuelto."),
                by: Self.ana,
                at: Date(timeIntervalSince1970: TimeInterval(Self.quito("2026-09-17T11:00:00")))
            )
            // Closed, then reopened: the contact stays, the closing goes.
            let closed = try await store.followUps.change(
                d1.id,
                FollowUpChange(status: .closed),
                by: Self.ana,
                at: Date(timeIntervalSince1970: TimeInterval(Self.quito("2026-09-16T10:00:00")))
            )
            #expect(closed.closedAt == Self.quito("2026-09-16T10:00:00") && closed.contactedAt == contacted.contactedAt)
            let reopened = try await store.followUps.change(
                d1.id,
                FollowUpChange(status: .contacted, note: "Volvió a llamar."),
                by: Self.ana,
                at: Fixtures.now
            )
            #expect(reopened.closedAt == nil && reopened.contactedAt == contacted.contactedAt)
            let history = try #require(try await store.followUps.get(d1.id, visibleTo: Self.luis)).notes
            #expect(history.map(\.status) == [.contacted, .closed, .contacted])
            #expect(history.map(\.owner) == ["pedro", nil, nil])
            #expect(history.map(\.author) == ["ana", "ana", "ana"])

            // Until written as requests, the agreement knows nothing of them.
            #expect(try await store.followUps.writeRequests(at: Fixtures.now, timeZone: Self.zone) == 4)
            #expect(try await store.followUps.writeRequests(at: Fixtures.now, timeZone: Self.zone) == 0, "nothing left to write")
            let request = try #require(try await store.requests.get(provider: "TI", externalRef: FollowUp.requestRef(d1.id)))
            #expect(request.0.client == "CRED" && request.0.priority == "NPS" && request.1 == "TI-CRED")
            #expect(request.0.openedAt == Self.quito("2026-09-14T09:00:00"))
            #expect(request.0.firstResponseAt == Self.quito("2026-09-15T10:00:00") && request.0.resolvedAt == nil)

            let report = try await store.hardIndicators(agreement: "TI-CRED", period: Period("2026-09")!, at: Fixtures.now)
            let contact = try #require(report.measurements.first { $0.commitment == "NPS" })
            #expect((contact.met, contact.missed, contact.pending, contact.requests) == (1, 2, 1, 4))
            #expect(contact.value == 1.0 / 3.0)
            // Follow-ups count only where a commitment names their priority: not in P1's, not in
            // the volume of every priority, not in the agreement's weight.
            #expect(report.measurements.filter { $0.commitment != "NPS" }.allSatisfy { $0.requests == 0 })
            #expect(report.measurements.first { $0.commitment == "V" }?.value == 0)
            #expect(try await store.requests.volume(agreement: "TI-CRED", period: Period("2026-09")!) == 0)

            // A change after the request was written is written again.
            _ = try await store.followUps.change(
                byRef["D3"]!.id,
                FollowUpChange(status: .contacted),
                by: Self.ana,
                at: Date(timeIntervalSince1970: TimeInterval(Self.quito("2026-09-21T09:00:00")))
            )
            #expect(try await store.followUps.writeRequests(at: Fixtures.now, timeZone: Self.zone) == 1)
            let later = try await store.hardIndicators(agreement: "TI-CRED", period: Period("2026-09")!, at: Fixtures.now)
            let recount = try #require(later.measurements.first { $0.commitment == "NPS" })
            #expect((recount.met, recount.missed, recount.pending) == (2, 2, 0))
        }
    }
}
