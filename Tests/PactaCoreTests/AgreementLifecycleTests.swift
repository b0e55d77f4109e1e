import Foundation
import PactaCore
import PactaTestSupport
import Testing

@Suite struct AgreementLifecycleTests {
    let today = Fixtures.today
    let now = Fixtures.now

    func pending() throws -> Agreement {
        var agreement = try Agreement(code: "TI-CRED", terms: Fixtures.terms(), calendars: [Fixtures.officeHours])
        try agreement.submit(on: self.today)
        return agreement
    }

    /// Signs what `agreement` holds now, as its signer would read it.
    @discardableResult
    func sign(_ agreement: inout Agreement, by signer: Actor, on day: LocalDate? = nil) throws -> Signature {
        try agreement.sign(by: signer, shown: .init(version: agreement.version, sha256: agreement.sha256), at: self.now, on: day ?? self.today)
    }

    @Test func draftBecomesActiveOnlyWhenBothSidesSign() throws {
        var agreement = try self.pending()
        #expect(agreement.state == .pendingSignatures)
        let provider = try self.sign(&agreement, by: Fixtures.signer("ana", unit: "TI"))
        #expect(provider.side == .provider)
        #expect(agreement.state == .pendingSignatures && agreement.signedVersion == nil)
        let client = try self.sign(&agreement, by: Fixtures.signer("luis", unit: "CRED", role: .rater))
        #expect(client.side == .client)
        #expect(agreement.state == .active && agreement.signedVersion == 1)
        #expect(provider.sha256 == client.sha256)
        #expect(provider.sha256 == (try agreement.document.sha256()))
        #expect(provider.channel == "web")
    }

    @Test func aSignatureNamesTheVersionAndHashTheSignerRead() throws {
        var agreement = try self.pending()
        let ana = Fixtures.signer("ana", unit: "TI")
        let stale = Agreement.Shown(version: 1, sha256: String(repeating: "a", count: 64))
        let error = try #require(throws: AgreementError.self) { try agreement.sign(by: ana, shown: stale, at: self.now, on: self.today) }
        #expect(error.reason == .versionChanged)
        #expect(error.current == .init(version: 1, sha256: agreement.sha256))
        #expect(throws: AgreementError.self) {
            try agreement.sign(by: ana, shown: .init(version: 2, sha256: agreement.sha256), at: self.now, on: self.today)
        }
        #expect(agreement.signatures.isEmpty)
    }

    @Test func aTokenSomeoneElseMadeCannotSign() throws {
        var agreement = try self.pending()
        var ana = Fixtures.signer("ana", unit: "TI")
        ana.channel = .token(id: 7, own: false)
        #expect { try self.sign(&agreement, by: ana) } throws: { ($0 as? AgreementError)?.reason == .notYourOwnSignature }
        ana.channel = .token(id: 8, own: true)
        let signature = try self.sign(&agreement, by: ana)
        #expect(signature.channel == "api" && signature.tokenID == 8)
    }

    @Test func theSameSideCannotSignTwice() throws {
        var agreement = try self.pending()
        try self.sign(&agreement, by: Fixtures.signer("ana", unit: "TI"))
        #expect { try self.sign(&agreement, by: Fixtures.signer("pedro", unit: "TI")) } throws: { ($0 as? AgreementError)?.reason == .alreadySigned }
    }

    @Test func onlyPartiesWithASigningRoleSign() throws {
        var agreement = try self.pending()
        #expect { try self.sign(&agreement, by: Fixtures.signer("eva", unit: "RRHH")) } throws: {
            ($0 as? AgreementError)?.reason == .notAParty
        }
        #expect { try self.sign(&agreement, by: Fixtures.signer("vic", unit: "CRED", role: .viewer)) } throws: {
            ($0 as? AgreementError)?.reason == .roleCannotSign
        }
        #expect(agreement.signatures.isEmpty)
    }

    @Test func draftsCannotBeSignedAndNeedCommitmentsToBeSubmitted() throws {
        var draft = try Agreement(code: "X", terms: Fixtures.terms(), calendars: [Fixtures.officeHours])
        #expect { try self.sign(&draft, by: Fixtures.signer("ana", unit: "TI")) } throws: {
            ($0 as? AgreementError)?.reason == .invalidState
        }
        var empty = try Agreement(code: "Y", terms: Fixtures.terms(), calendars: [])
        empty.terms.commitments = []
        #expect { try empty.submit(on: self.today) } throws: { ($0 as? AgreementError)?.reason == .noCommitments }
        #expect(empty.state == .draft)
    }

    @Test func unsignedVersionsChangeInPlace() throws {
        var agreement = try self.pending()
        var terms = agreement.terms
        terms.title = "Soporte integral a Crédito"
        let before = agreement.sha256
        #expect(try agreement.revise(terms, calendars: [Fixtures.officeHours], on: self.today) == .inPlace)
        #expect(agreement.version == 1)
        #expect(agreement.state == .pendingSignatures)
        #expect(agreement.sha256 != before)
        // Before anyone signs, the parties may still change.
        terms.client = "HIP"
        #expect(try agreement.revise(terms, calendars: [Fixtures.officeHours], on: self.today) == .inPlace)
    }

    @Test func anyChangeAfterTheFirstSignatureMakesANewVersionNeedingBothSignatures() throws {
        var agreement = try self.pending()
        let first = try self.sign(&agreement, by: Fixtures.signer("ana", unit: "TI"))
        var terms = agreement.terms
        terms.commitments[0].goal = 0.9
        #expect(try agreement.revise(terms, calendars: [Fixtures.officeHours], on: self.today) == .newVersion(previous: 1))
        #expect(agreement.version == 2)
        #expect(agreement.state == .pendingSignatures)
        #expect(agreement.signatures.isEmpty)
        #expect(agreement.sha256 != first.sha256)
        try self.sign(&agreement, by: Fixtures.signer("ana", unit: "TI"))
        try self.sign(&agreement, by: Fixtures.signer("luis", unit: "CRED"))
        #expect(agreement.state == .active)
        terms.title = "Otra"
        #expect(try agreement.revise(terms, calendars: [Fixtures.officeHours], on: self.today) == .newVersion(previous: 2))
        #expect(agreement.state == .pendingSignatures)
        #expect(agreement.signedVersion == 2, "version 2 stays the one signed until 3 is")
    }

    @Test func onceSignedThePartiesStay() throws {
        var agreement = try self.pending()
        try self.sign(&agreement, by: Fixtures.signer("ana", unit: "TI"))
        var terms = agreement.terms
        terms.client = "HIP"
        #expect { try agreement.revise(terms, calendars: [], on: self.today) } throws: { ($0 as? AgreementError)?.reason == .partiesFixed }
        #expect(agreement.version == 1 && agreement.terms.client == "CRED")
    }

    @Test func theCalendarIsPartOfWhatIsSigned() throws {
        var agreement = try self.pending()
        var changed = Fixtures.officeHours
        changed.holidays.append(Holiday(date: LocalDate("2026-10-06")!))
        var renamed = Fixtures.officeHours
        renamed.name = "Otro nombre"
        #expect(agreement.calendarsChanged(comparedWith: [Fixtures.officeHours]).isEmpty)
        #expect(agreement.calendarsChanged(comparedWith: [renamed]).isEmpty, "a new name measures the same")
        #expect(agreement.calendarsChanged(comparedWith: [changed]) == ["oficina-uio"])
        #expect(agreement.calendarsChanged(comparedWith: []) == ["oficina-uio"])
        let before = agreement.sha256
        _ = try agreement.revise(agreement.terms, calendars: [changed], on: self.today)
        #expect(agreement.sha256 != before, "the same terms on another calendar are another document")
    }

    @Test func anAgreementSignedBeforeItsValidityIsSignedNotActive() throws {
        var agreement = try self.pending()
        try self.sign(&agreement, by: Fixtures.signer("ana", unit: "TI"), on: LocalDate("2025-12-15")!)
        try self.sign(&agreement, by: Fixtures.signer("luis", unit: "CRED"), on: LocalDate("2025-12-15")!)
        #expect(agreement.state(on: LocalDate("2025-12-31")!) == .signed)
        #expect(agreement.state(on: LocalDate("2026-01-01")!) == .active)
        #expect(AgreementState.signed.isOpen)
    }

    @Test func agreementsExpireByDate() throws {
        var agreement = try self.pending()
        try self.sign(&agreement, by: Fixtures.signer("ana", unit: "TI"))
        try self.sign(&agreement, by: Fixtures.signer("luis", unit: "CRED"))
        #expect(agreement.state(on: LocalDate("2026-12-31")!) == .active)
        #expect(agreement.state(on: LocalDate("2027-01-01")!) == .expired)
        #expect { try agreement.revise(agreement.terms, calendars: [], on: LocalDate("2027-01-01")!) } throws: {
            ($0 as? AgreementError)?.reason == .invalidState
        }
        let early = agreement.expire(on: LocalDate("2026-12-31")!)
        #expect(!early)
        let late = agreement.expire(on: LocalDate("2027-01-01")!)
        #expect(late)
        #expect(agreement.state == .expired)
    }

    @Test func expiredPendingAgreementsCannotBeSigned() throws {
        var agreement = try self.pending()
        #expect { try self.sign(&agreement, by: Fixtures.signer("ana", unit: "TI"), on: LocalDate("2027-02-01")!) } throws: {
            ($0 as? AgreementError)?.reason == .validityEnded
        }
    }

    @Test func terminatedAgreementsAreClosed() throws {
        var agreement = try self.pending()
        try agreement.terminate(reason: "Reorganización", on: self.today)
        #expect(agreement.state == .terminated)
        #expect { try agreement.terminate(reason: "otra vez", on: self.today) } throws: {
            ($0 as? AgreementError)?.reason == .invalidState
        }
        #expect { try self.sign(&agreement, by: Fixtures.signer("ana", unit: "TI")) } throws: {
            ($0 as? AgreementError)?.reason == .invalidState
        }
    }
}
