import Foundation
import PactaCore

/// An agreement with what pages and the API show around it.
public struct AgreementRecord: Sendable, Hashable {
    public var agreement: Agreement
    public var providerName: String
    public var clientName: String
    /// Every version, oldest first, with its signatures.
    public var versions: [VersionInfo]
    public var createdAt: Date
    public var updatedAt: Date
}

/// An agreement in force, as published to the organisation.
public struct PublishedAgreement: Sendable, Hashable {
    public var agreement: Agreement
    public var providerName: String
    public var clientName: String
}

/// One version of an agreement: who wrote it, what it supersedes, who signed it.
public struct VersionInfo: Sendable, Hashable {
    public var version: Int
    public var supersedes: Int?
    public var createdBy: String
    public var createdAt: Date
    public var signatures: [Signature]
}

/// A row of the agreements list.
public struct AgreementSummary: Sendable, Hashable {
    public var code: String
    public var title: String
    /// The stored state; see ``Agreement/state(on:)`` for the state as of a day.
    public var state: AgreementState
    public var version: Int
    public var provider: String
    public var providerName: String
    public var client: String
    public var clientName: String
    public var validFrom: LocalDate
    public var validTo: LocalDate
    public var updatedAt: Date

    /// The state as of `today`: active and pending agreements past their validity are expired.
    public func state(on today: LocalDate) -> AgreementState {
        self.state.on(today, validTo: self.validTo)
    }
}

/// A signature whose stored hash no longer matches the version it signed.
public struct VerificationIssue: Sendable, Hashable, Codable {
    public var agreement: String
    public var version: Int
    public var side: Side
    /// The hash recorded when the version was signed.
    public var signedSHA256: String
    /// The hash of the version as stored now.
    public var currentSHA256: String
    /// `modified_after_signing`, `document_mismatch` or `unreadable`.
    public var code: String
    /// An English explanation.
    public var problem: String
}

/// The result of recomputing every signature's hash.
public struct VerificationReport: Sendable, Hashable, Codable {
    public var checkedSignatures: Int
    public var issues: [VerificationIssue]
    public var isIntact: Bool { self.issues.isEmpty }

    public init(checkedSignatures: Int, issues: [VerificationIssue]) {
        self.checkedSignatures = checkedSignatures
        self.issues = issues
    }
}
