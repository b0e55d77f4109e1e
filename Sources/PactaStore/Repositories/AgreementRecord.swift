import Foundation
import PactaCore

/// An agreement with what pages and the API show around it.
public struct AgreementRecord: Sendable, Hashable {
    public var agreement: Agreement
    public var providerName: String
    public var clientName: String
    /// Every version, oldest first, with its signatures.
    public var versions: [VersionInfo]
    /// The version its figures are measured on: the latest one both sides signed, or the current
    /// one while it was never signed.
    public var measured: AgreementDocument
    public var createdAt: Date
    public var updatedAt: Date
}

/// Agreements as the organisation sees them: in force, signed and starting later, and those that
/// could not be read or fail a consistency check (left out, and named so they can be looked at).
public struct Publication: Sendable, Hashable {
    public var inForce: [PublishedAgreement]
    /// Signed by both sides, in force from a later day.
    public var upcoming: [PublishedAgreement]
    /// Codes of agreements left out because their stored records cannot be trusted.
    public var withheld: [String]
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
    /// SHA-256 of the stored document.
    public var sha256: String
    /// ``StoredVersion/legacyFormat`` or ``StoredVersion/currentFormat``.
    public var format: Int
    public var signatures: [Signature]
}

/// A row of the agreements list.
public struct AgreementSummary: Sendable, Hashable {
    public var code: String
    public var title: String
    /// The stored state; see ``state(on:)`` for the state as of a day.
    public var state: AgreementState
    public var version: Int
    public var signedVersion: Int?
    public var provider: String
    public var providerName: String
    public var client: String
    public var clientName: String
    public var validFrom: LocalDate
    public var validTo: LocalDate
    public var updatedAt: Date

    /// The state as of `today`: open agreements past their validity are expired, signed ones not
    /// yet in force are `signed`.
    public func state(on today: LocalDate) -> AgreementState {
        self.state.on(today, validFrom: self.validFrom, validTo: self.validTo)
    }
}

/// What `pacta verify` found: the signatures' hashes, the ledger's chain, and the ledger replayed
/// against the tables.
public struct VerificationReport: Sendable, Hashable, Codable {
    public var checkedSignatures: Int
    public var checkedVersions: Int
    public var checkedEntries: Int
    /// The ledger's newest entry.
    public var head: LedgerHead
    /// The outcome of checking a head kept outside the database, when one was given.
    public var headCheck: HeadCheck?
    public var issues: [VerificationIssue]
    /// Divergences in agreements the caller may not see (other units' drafts): counted, not shown.
    public var hiddenIssues: Int

    public var isIntact: Bool { self.issues.isEmpty && self.hiddenIssues == 0 && self.headCheck?.found != false }

    /// Whether a head hash kept earlier is still in the ledger, at which entry.
    public struct HeadCheck: Sendable, Hashable, Codable {
        public var hash: String
        public var found: Bool
        /// The entry with that hash, when found: everything up to it is as it was.
        public var seq: Int64?

        public init(hash: String, found: Bool, seq: Int64?) {
            self.hash = hash
            self.found = found
            self.seq = seq
        }
    }
}

/// An agreement version that waits for someone's signature.
public struct AwaitingSignature: Sendable, Hashable {
    public var code: String
    public var title: String
    public var version: Int

    public init(code: String, title: String, version: Int) {
        self.code = code
        self.title = title
        self.version = version
    }
}
