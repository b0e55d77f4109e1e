import Foundation
import PactaCore
import PactaStore
import PactaTestSupport
import Testing

@Suite struct AgreementRepositoryTests {
    let now = Fixtures.now
    let today = Fixtures.today
    let ana = Fixtures.signer("ana", unit: "TI")
    let luis = Fixtures.signer("luis", unit: "CRED", role: .rater)

    @Test(arguments: TestDatabase.available)
    func fullLifecycleIsPersisted(database: TestDatabase) async throws {
        try await database.withStore { store in
            try await store.seedActiveAgreement()
            let record = try #require(try await store.agreements.get("TI-CRED", visibleTo: nil))
            #expect(record.agreement.state == .active)
            #expect(record.agreement.signedVersion == 1)
            #expect(record.agreement.terms == Fixtures.terms())
            #expect(record.agreement.calendars == [Fixtures.officeHours], "the calendar is part of the version, by value")
            #expect(record.providerName == "Tecnología")
            #expect(record.versions.count == 1)
            #expect(Set(record.versions[0].signatures.map(\.side)) == [.provider, .client])
            #expect(record.versions[0].signatures.allSatisfy { $0.sha256 == record.agreement.sha256 })
            #expect(record.agreement.sha256 == (try record.agreement.document.sha256()), "the stored bytes are the RFC 8785 form")
            #expect(try await store.agreements.list(visibleTo: nil, unit: "CRED").map(\.code) == ["TI-CRED"])
            #expect(try await store.agreements.list(visibleTo: nil, unit: "GG").isEmpty)
        }
    }

    @Test(arguments: TestDatabase.available)
    func aRevisionAfterSigningKeepsTheSignedVersionUntouched(database: TestDatabase) async throws {
        try await database.withStore { store in
            try await store.seedActiveAgreement()
            let signed = try #require(try await store.agreements.version("TI-CRED", 1, visibleTo: nil))
            var terms = Fixtures.terms()
            terms.commitments[0].goal = 0.9
            let (revised, revision) = try await store.agreements.revise("TI-CRED", terms: terms, by: self.ana, at: self.now, today: self.today)
            #expect(revision == .newVersion(previous: 1))
            #expect(revised.version == 2 && revised.state == .pendingSignatures)
            #expect(try await store.agreements.version("TI-CRED", 1, visibleTo: nil) == signed)
            let record = try #require(try await store.agreements.get("TI-CRED", visibleTo: nil))
            #expect(record.versions.map(\.version) == [1, 2])
            #expect(record.versions[1].supersedes == 1)
            #expect(record.versions[0].signatures.count == 2 && record.versions[1].signatures.isEmpty)
            #expect(record.agreement.signatures.isEmpty)
            #expect(record.measured.version == 1, "measured on the version both sides signed until the revision is signed")
            #expect(try await store.agreements.verify().isIntact)
        }
    }

    @Test(arguments: TestDatabase.available)
    func unknownReferencesAndDuplicateCodesAreRejectedWithoutWriting(database: TestDatabase) async throws {
        try await database.withStore { store in
            try await store.seedOrganisation()
            var terms = Fixtures.terms(provider: "NOPE")
            terms.commitments[0].calendar = "missing"
            let error = try await #require(throws: ValidationError.self) {
                try await store.agreements.create(code: "A1", terms: terms, by: self.ana, at: self.now)
            }
            #expect(error.issues.map(\.field) == ["provider", "commitments[0].calendar"])
            #expect(try await store.agreements.list(visibleTo: nil).isEmpty)
            _ = try await store.agreements.create(code: "A1", terms: Fixtures.terms(), by: self.ana, at: self.now)
            let taken = try await #require(throws: ValidationError.self) {
                try await store.agreements.create(code: "A1", terms: Fixtures.terms(), by: self.ana, at: self.now)
            }
            #expect(taken.issues.map(\.code) == ["taken"])
        }
    }

    @Test(arguments: TestDatabase.available)
    func ruleViolationsLeaveTheAgreementAsItWas(database: TestDatabase) async throws {
        try await database.withStore { store in
            try await store.seedOrganisation()
            _ = try await store.agreements.create(code: "A1", terms: Fixtures.terms(), by: self.ana, at: self.now)
            await #expect(throws: AgreementError.self) {
                try await store.agreements.signCurrentVersion("A1", by: self.ana, at: self.now, today: self.today)
            }
            _ = try await store.agreements.submit("A1", by: self.ana, at: self.now, today: self.today)
            _ = try await store.agreements.signCurrentVersion("A1", by: self.ana, at: self.now, today: self.today)
            await #expect(throws: AgreementError.self) {
                try await store.agreements.signCurrentVersion("A1", by: Fixtures.signer("pepe", unit: "TI"), at: self.now, today: self.today)
            }
            let record = try #require(try await store.agreements.get("A1", visibleTo: nil))
            #expect(record.agreement.state == .pendingSignatures)
            #expect(record.agreement.signatures.map(\.signer) == ["ana"])
            await #expect(throws: NotFoundError("agreement", "ZZ")) {
                try await store.agreements.submit("ZZ", by: self.ana, at: self.now, today: self.today)
            }
        }
    }

    @Test(arguments: TestDatabase.available)
    func aSignatureBindsTheVersionAndHashTheSignerWasShown(database: TestDatabase) async throws {
        try await database.withStore { store in
            try await store.seedOrganisation()
            _ = try await store.agreements.create(code: "A1", terms: Fixtures.terms(), by: self.ana, at: self.now)
            _ = try await store.agreements.submit("A1", by: self.ana, at: self.now, today: self.today)
            let shown = try #require(try await store.agreements.get("A1", visibleTo: self.luis)?.agreement)
            _ = try await store.agreements.signCurrentVersion("A1", by: self.ana, at: self.now, today: self.today)
            // The provider revises while the client reads: a new version, and the client's signature is refused.
            var terms = Fixtures.terms()
            terms.commitments[0].goal = 0.5
            let (revised, _) = try await store.agreements.revise("A1", terms: terms, by: self.ana, at: self.now, today: self.today)
            let error = try await #require(throws: AgreementError.self) {
                try await store.agreements.sign(
                    "A1",
                    shown: .init(version: shown.version, sha256: shown.sha256),
                    by: self.luis,
                    at: self.now,
                    today: self.today
                )
            }
            #expect(error.reason == .versionChanged)
            #expect(error.current == .init(version: 2, sha256: revised.sha256))
            #expect(try await store.agreements.get("A1", visibleTo: nil)?.versions.flatMap(\.signatures).map(\.signer) == ["ana"], "nothing recorded")
            // The same version with another hash is refused as well.
            await #expect(throws: AgreementError.self) {
                try await store.agreements.sign("A1", shown: .init(version: 2, sha256: shown.sha256), by: self.luis, at: self.now, today: self.today)
            }
            let signed = try await store.agreements.sign(
                "A1",
                shown: .init(version: 2, sha256: revised.sha256.uppercased()),
                by: self.luis,
                at: self.now,
                today: self.today
            )
            #expect(signed.signatures.map(\.signer) == ["luis"])
        }
    }

    @Test(arguments: TestDatabase.available)
    func anAgreementSignedBeforeItsFirstDayIsSignedNotInForce(database: TestDatabase) async throws {
        try await database.withStore { store in
            try await store.seedOrganisation()
            var terms = Fixtures.terms()
            terms.validFrom = LocalDate("2026-10-01")!
            _ = try await store.agreements.create(code: "A1", terms: terms, by: self.ana, at: self.now)
            _ = try await store.agreements.submit("A1", by: self.ana, at: self.now, today: self.today)
            _ = try await store.agreements.signCurrentVersion("A1", by: self.ana, at: self.now, today: self.today)
            let signed = try await store.agreements.signCurrentVersion("A1", by: self.luis, at: self.now, today: self.today)
            #expect(signed.state(on: self.today) == .signed)
            #expect(signed.state(on: LocalDate("2026-10-01")!) == .active)
            let publication = try await store.agreements.published(on: self.today)
            #expect(publication.inForce.isEmpty)
            #expect(publication.upcoming.map(\.agreement.code) == ["A1"])
        }
    }

    @Test(arguments: TestDatabase.available)
    func terminationNeedsAReason(database: TestDatabase) async throws {
        try await database.withStore { store in
            try await store.seedActiveAgreement()
            await #expect(throws: ValidationError.self) {
                try await store.agreements.terminate("TI-CRED", reason: " ", by: self.ana, at: self.now, today: self.today)
            }
            let ended = try await store.agreements.terminate("TI-CRED", reason: "Fusión de áreas", by: self.ana, at: self.now, today: self.today)
            #expect(ended.state == .terminated)
            #expect(try await store.agreements.get("TI-CRED", visibleTo: nil)?.agreement.terminationReason == "Fusión de áreas")
            #expect(try await store.agreements.verify().isIntact)
        }
    }

    @Test(arguments: TestDatabase.available)
    func expiryIsStoredAndRecorded(database: TestDatabase) async throws {
        try await database.withStore { store in
            try await store.seedActiveAgreement()
            #expect(try await store.agreements.expire(today: self.today, at: self.now).isEmpty)
            let expired = try await store.agreements.expire(today: LocalDate("2027-01-01")!, at: self.now)
            #expect(expired == ["TI-CRED"])
            #expect(try await store.agreements.get("TI-CRED", visibleTo: nil)?.agreement.state == .expired)
            #expect(try await store.ledger.entries().last?.event == .expired)
            #expect(try await store.agreements.expire(today: LocalDate("2027-01-02")!, at: self.now).isEmpty, "once")
            #expect(try await store.agreements.verify().isIntact)
        }
    }
}

@Suite struct PublishedAgreementTests {
    @Test(arguments: TestDatabase.available)
    func onlyAgreementsInForceArePublishedWithTheirCurrentSignatures(database: TestDatabase) async throws {
        try await database.withStore { store in
            try await store.seedOrganisation()
            let now = Fixtures.now
            let today = Fixtures.today
            let ana = Fixtures.signer("ana", unit: "TI")
            for code in ["A", "B", "C"] {
                _ = try await store.agreements.create(code: code, terms: Fixtures.terms(title: "Acuerdo \(code)"), by: ana, at: now)
                _ = try await store.agreements.submit(code, by: ana, at: now, today: today)
                _ = try await store.agreements.signCurrentVersion(code, by: ana, at: now, today: today)
            }
            for code in ["A", "C"] {
                _ = try await store.agreements.signCurrentVersion(code, by: Fixtures.signer("luis", unit: "CRED"), at: now, today: today)
            }
            _ = try await store.agreements.terminate("C", reason: "Fin", by: ana, at: now, today: today)
            let published = try await store.agreements.published(on: today)
            #expect(published.inForce.map(\.agreement.code) == ["A"])
            #expect(published.inForce[0].agreement.signatures.map(\.side) == [.provider, .client])
            #expect(published.inForce[0].providerName == "Tecnología")
            #expect(published.withheld.isEmpty)
            #expect(try await store.agreements.published(on: LocalDate("2027-01-01")!).inForce.isEmpty, "expired by date")
        }
    }

    @Test(arguments: TestDatabase.available)
    func aCorruptedOrForgedRowIsWithheldAndTheRestServed(database: TestDatabase) async throws {
        try await database.withStore { store in
            try await store.seedActiveAgreement()
            let ana = Fixtures.signer("ana", unit: "TI")
            for code in ["B", "C"] {
                _ = try await store.agreements.create(code: code, terms: Fixtures.terms(title: "Acuerdo \(code)"), by: ana, at: Fixtures.now)
                _ = try await store.agreements.submit(code, by: ana, at: Fixtures.now, today: Fixtures.today)
            }
            _ = try await store.agreements.signCurrentVersion("C", by: ana, at: Fixtures.now, today: Fixtures.today)
            // B's document is garbage; C, signed by one side only, is made active by hand.
            try await store.database.execute(
                "UPDATE agreement_versions SET document = '{not json' WHERE agreement_id = (SELECT id FROM agreements WHERE code = 'B')"
            )
            try await store.database.execute("UPDATE agreements SET state = 'active' WHERE code IN ('B', 'C')")
            let published = try await store.agreements.published(on: Fixtures.today)
            #expect(published.inForce.map(\.agreement.code) == ["TI-CRED"])
            #expect(published.withheld == ["B", "C"])
            await #expect(throws: CorruptRecordError.self) { try await store.agreements.get("B", visibleTo: nil) }
            // Imports go on: B never takes requests.
            let report = try await RequestImportPipelineTests.importing(
                "R1,TI,CRED,Correo,P1,2026-09-14T09:00:00-05:00,,,,\n",
                into: store
            )
            #expect(report.committed && report.created == 1)
            let issues = try await store.agreements.verify().issues
            #expect(Set(issues.map(\.agreement)) == ["B", "C"])
            #expect(issues.contains { $0.agreement == "B" && $0.code == "unreadable" })
            #expect(
                issues.contains { $0.agreement == "C" && $0.code == "state_mismatch" && $0.expected == "pending_signatures" && $0.found == "active" }
            )
        }
    }
}
