import Foundation
import PactaCore
import PactaTestSupport
import Testing

@Suite struct AgreementLifecycleTests {
    let today = Fixtures.today
    let now = Fixtures.now

    func pending() throws -> Agreement {
        var agreement = Agreement(code: "TI-CRED", terms: Fixtures.terms())
        try agreement.submit(on: self.today)
        return agreement
    }

    @Test func draftBecomesActiveOnlyWhenBothSidesSign() throws {
        var agreement = try self.pending()
        #expect(agreement.state == .pendingSignatures)
        let provider = try agreement.sign(by: Fixtures.signer("ana", unit: "TI"), at: self.now, on: self.today)
        #expect(provider.side == .provider)
        #expect(agreement.state == .pendingSignatures)
        let client = try agreement.sign(by: Fixtures.signer("luis", unit: "CRED", role: .rater), at: self.now, on: self.today)
        #expect(client.side == .client)
        #expect(agreement.state == .active)
        #expect(provider.sha256 == client.sha256)
        #expect(provider.sha256 == agreement.document.sha256)
    }

    @Test func theSameSideCannotSignTwice() throws {
        var agreement = try self.pending()
        _ = try agreement.sign(by: Fixtures.signer("ana", unit: "TI"), at: self.now, on: self.today)
        #expect(throws: AgreementError(.alreadySigned, "The provider side already signed version 1.")) {
            try agreement.sign(by: Fixtures.signer("pedro", unit: "TI"), at: self.now, on: self.today)
        }
    }

    @Test func onlyPartiesWithASigningRoleSign() throws {
        var agreement = try self.pending()
        #expect { try agreement.sign(by: Fixtures.signer("eva", unit: "RRHH"), at: self.now, on: self.today) } throws: {
            ($0 as? AgreementError)?.reason == .notAParty
        }
        #expect { try agreement.sign(by: Fixtures.signer("vic", unit: "CRED", role: .viewer), at: self.now, on: self.today) } throws: {
            ($0 as? AgreementError)?.reason == .roleCannotSign
        }
        #expect(agreement.signatures.isEmpty)
    }

    @Test func draftsCannotBeSignedAndNeedCommitmentsToBeSubmitted() throws {
        var draft = Agreement(code: "X", terms: Fixtures.terms())
        #expect { try draft.sign(by: Fixtures.signer("ana", unit: "TI"), at: self.now, on: self.today) } throws: {
            ($0 as? AgreementError)?.reason == .invalidState
        }
        var empty = Agreement(code: "Y", terms: Fixtures.terms())
        empty.terms.commitments = []
        #expect { try empty.submit(on: self.today) } throws: { ($0 as? AgreementError)?.reason == .noCommitments }
        #expect(empty.state == .draft)
    }

    @Test func unsignedVersionsChangeInPlace() throws {
        var agreement = try self.pending()
        var terms = agreement.terms
        terms.title = "Soporte integral a Crédito"
        #expect(try agreement.revise(terms, on: self.today) == .inPlace)
        #expect(agreement.version == 1)
        #expect(agreement.state == .pendingSignatures)
    }

    @Test func anyChangeAfterTheFirstSignatureMakesANewVersionNeedingBothSignatures() throws {
        var agreement = try self.pending()
        let first = try agreement.sign(by: Fixtures.signer("ana", unit: "TI"), at: self.now, on: self.today)
        var terms = agreement.terms
        terms.commitments[0].goal = 0.9
        #expect(try agreement.revise(terms, on: self.today) == .newVersion(previous: 1))
        #expect(agreement.version == 2)
        #expect(agreement.state == .pendingSignatures)
        #expect(agreement.signatures.isEmpty)
        #expect(agreement.document.sha256 != first.sha256)
        _ = try agreement.sign(by: Fixtures.signer("ana", unit: "TI"), at: self.now, on: self.today)
        _ = try agreement.sign(by: Fixtures.signer("luis", unit: "CRED"), at: self.now, on: self.today)
        #expect(agreement.state == .active)
        terms.title = "Otra"
        #expect(try agreement.revise(terms, on: self.today) == .newVersion(previous: 2))
        #expect(agreement.state == .pendingSignatures)
    }

    @Test func agreementsExpireByDate() throws {
        var agreement = try self.pending()
        _ = try agreement.sign(by: Fixtures.signer("ana", unit: "TI"), at: self.now, on: self.today)
        _ = try agreement.sign(by: Fixtures.signer("luis", unit: "CRED"), at: self.now, on: self.today)
        #expect(agreement.state(on: LocalDate("2026-12-31")!) == .active)
        #expect(agreement.state(on: LocalDate("2027-01-01")!) == .expired)
        #expect { try agreement.revise(agreement.terms, on: LocalDate("2027-01-01")!) } throws: {
            ($0 as? AgreementError)?.reason == .invalidState
        }
    }

    @Test func expiredPendingAgreementsCannotBeSigned() throws {
        var agreement = try self.pending()
        #expect { try agreement.sign(by: Fixtures.signer("ana", unit: "TI"), at: self.now, on: LocalDate("2027-02-01")!) } throws: {
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
        #expect { try agreement.sign(by: Fixtures.signer("ana", unit: "TI"), at: self.now, on: self.today) } throws: {
            ($0 as? AgreementError)?.reason == .invalidState
        }
    }
}
