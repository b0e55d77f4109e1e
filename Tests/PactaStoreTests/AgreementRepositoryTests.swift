import Foundation
import PactaCore
import PactaStore
import PactaTestSupport
import Testing

@Suite struct AgreementRepositoryTests {
    let now = Fixtures.now
    let today = Fixtures.today

    @Test(arguments: TestDatabase.available)
    func fullLifecycleIsPersisted(database: TestDatabase) async throws {
        try await database.withStore { store in
            try await store.seedActiveAgreement()
            let record = try #require(try await store.agreements.get("TI-CRED"))
            #expect(record.agreement.state == .active)
            #expect(record.agreement.terms == Fixtures.terms())
            #expect(record.providerName == "Tecnología")
            #expect(record.versions.count == 1)
            #expect(Set(record.versions[0].signatures.map(\.side)) == [.provider, .client])
            #expect(record.versions[0].signatures.allSatisfy { $0.sha256 == record.agreement.document.sha256 })
            let list = try await store.agreements.list(unit: "CRED")
            #expect(list.map(\.code) == ["TI-CRED"])
            #expect(try await store.agreements.list(unit: "GG").isEmpty)
        }
    }

    @Test(arguments: TestDatabase.available)
    func aRevisionAfterSigningKeepsTheSignedVersionUntouched(database: TestDatabase) async throws {
        try await database.withStore { store in
            try await store.seedActiveAgreement()
            let signed = try #require(try await store.agreements.document("TI-CRED", version: 1))
            var terms = Fixtures.terms()
            terms.commitments[0].goal = 0.9
            let revised = try await store.agreements.revise("TI-CRED", terms: terms, by: "ana", at: self.now, today: self.today)
            #expect(revised.version == 2 && revised.state == .pendingSignatures)
            #expect(try await store.agreements.document("TI-CRED", version: 1) == signed)
            let record = try #require(try await store.agreements.get("TI-CRED"))
            #expect(record.versions.map(\.version) == [1, 2])
            #expect(record.versions[1].supersedes == 1)
            #expect(record.versions[0].signatures.count == 2 && record.versions[1].signatures.isEmpty)
            #expect(record.agreement.signatures.isEmpty)
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
                try await store.agreements.create(code: "A1", terms: terms, by: "ana", at: self.now)
            }
            #expect(error.issues.map(\.field) == ["provider", "commitments[0].calendar"])
            #expect(try await store.agreements.list().isEmpty)
            _ = try await store.agreements.create(code: "A1", terms: Fixtures.terms(), by: "ana", at: self.now)
            let taken = try await #require(throws: ValidationError.self) {
                try await store.agreements.create(code: "A1", terms: Fixtures.terms(), by: "ana", at: self.now)
            }
            #expect(taken.issues.map(\.code) == ["taken"])
        }
    }

    @Test(arguments: TestDatabase.available)
    func ruleViolationsLeaveTheAgreementAsItWas(database: TestDatabase) async throws {
        try await database.withStore { store in
            try await store.seedOrganisation()
            _ = try await store.agreements.create(code: "A1", terms: Fixtures.terms(), by: "ana", at: self.now)
            await #expect(throws: AgreementError.self) {
                try await store.agreements.sign("A1", by: Fixtures.signer("ana", unit: "TI"), at: self.now, today: self.today)
            }
            _ = try await store.agreements.submit("A1", at: self.now, today: self.today)
            _ = try await store.agreements.sign("A1", by: Fixtures.signer("ana", unit: "TI"), at: self.now, today: self.today)
            await #expect(throws: AgreementError.self) {
                try await store.agreements.sign("A1", by: Fixtures.signer("pepe", unit: "TI"), at: self.now, today: self.today)
            }
            let record = try #require(try await store.agreements.get("A1"))
            #expect(record.agreement.state == .pendingSignatures)
            #expect(record.agreement.signatures.map(\.signer) == ["ana"])
            await #expect(throws: NotFoundError("agreement", "ZZ")) {
                try await store.agreements.submit("ZZ", at: self.now, today: self.today)
            }
        }
    }

    @Test(arguments: TestDatabase.available)
    func verifyFindsTamperedDocumentsAndHashes(database: TestDatabase) async throws {
        try await database.withStore { store in
            try await store.seedActiveAgreement()
            #expect(try await store.agreements.verify() == VerificationReport(checkedSignatures: 2, issues: []))
            let document = try #require(try await store.agreements.document("TI-CRED", version: 1))
            var forged = document
            forged.terms.commitments[0].goal = 0.5
            let text = String(decoding: forged.canonicalJSON(), as: UTF8.self)
            try await store.database.execute("UPDATE agreement_versions SET document = \(text)")
            let report = try await store.agreements.verify()
            #expect(report.checkedSignatures == 2)
            #expect(report.issues.count == 2)
            #expect(report.issues.allSatisfy { $0.signedSHA256 == document.sha256 && $0.currentSHA256 == forged.sha256 })
            try await store.database.execute("UPDATE agreement_versions SET document = \(String(decoding: document.canonicalJSON(), as: UTF8.self))")
            try await store.database.execute("UPDATE signatures SET sha256 = \(String(repeating: "0", count: 64)) WHERE side = 'client'")
            #expect(try await store.agreements.verify().issues.map(\.side) == [.client])
        }
    }

    @Test(arguments: TestDatabase.available)
    func terminationNeedsAReason(database: TestDatabase) async throws {
        try await database.withStore { store in
            try await store.seedActiveAgreement()
            await #expect(throws: ValidationError.self) {
                try await store.agreements.terminate("TI-CRED", reason: " ", at: self.now, today: self.today)
            }
            let ended = try await store.agreements.terminate("TI-CRED", reason: "Fusión de áreas", at: self.now, today: self.today)
            #expect(ended.state == .terminated)
            #expect(try await store.agreements.get("TI-CRED")?.agreement.terminationReason == "Fusión de áreas")
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
            for code in ["A", "B", "C"] {
                _ = try await store.agreements.create(code: code, terms: Fixtures.terms(title: "Acuerdo \(code)"), by: "ana", at: now)
                _ = try await store.agreements.submit(code, at: now, today: today)
                _ = try await store.agreements.sign(code, by: Fixtures.signer("ana", unit: "TI"), at: now, today: today)
            }
            for code in ["A", "C"] {
                _ = try await store.agreements.sign(code, by: Fixtures.signer("luis", unit: "CRED"), at: now, today: today)
            }
            _ = try await store.agreements.terminate("C", reason: "Fin", at: now, today: today)
            let published = try await store.agreements.published(on: today)
            #expect(published.map(\.agreement.code) == ["A"])
            #expect(published[0].agreement.signatures.map(\.side) == [.provider, .client])
            #expect(published[0].providerName == "Tecnología")
            #expect(try await store.agreements.published(on: LocalDate("2027-01-01")!).isEmpty, "expired by date")
        }
    }
}
