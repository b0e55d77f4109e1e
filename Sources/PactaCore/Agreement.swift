import Foundation

/// A signed commitment between a provider unit and a client unit, with its lifecycle rules.
///
/// The rules live here, free of storage: an action either returns what changed or throws an
/// ``AgreementError``, and the store persists exactly that change in one transaction.
public struct Agreement: Sendable, Hashable, Codable {
    public var code: String
    public var state: AgreementState
    /// Number of the current version, starting at 1.
    public var version: Int
    /// Terms of the current version.
    public var terms: AgreementTerms
    /// Signatures of the current version.
    public var signatures: [Signature]
    public var terminationReason: String?

    public init(
        code: String,
        state: AgreementState = .draft,
        version: Int = 1,
        terms: AgreementTerms,
        signatures: [Signature] = [],
        terminationReason: String? = nil
    ) {
        self.code = code
        self.state = state
        self.version = version
        self.terms = terms
        self.signatures = signatures
        self.terminationReason = terminationReason
    }

    /// The document that signatures of the current version cover.
    public var document: AgreementDocument {
        AgreementDocument(code: self.code, version: self.version, terms: self.terms)
    }

    /// The state as of `today`: an active or pending agreement whose validity ended is expired.
    public func state(on today: LocalDate) -> AgreementState {
        self.state.on(today, validTo: self.terms.validTo)
    }

    /// The signature of `side` on the current version, if any.
    public func signature(of side: Side) -> Signature? {
        self.signatures.first { $0.side == side && $0.version == self.version }
    }

    /// How a change of terms was applied.
    public enum Revision: Sendable, Hashable {
        /// Nobody had signed the current version: it was changed in place.
        case inPlace
        /// Someone had signed: a new version was created that supersedes `previous`.
        case newVersion(previous: Int)
    }

    /// Changes the terms. An unsigned version changes in place; once anyone signed, the change
    /// makes a new version that needs both signatures again (a signed version never changes).
    public mutating func revise(_ terms: AgreementTerms, on today: LocalDate) throws(AgreementError) -> Revision {
        let state = self.state(on: today)
        guard state.isOpen else {
            throw AgreementError(.invalidState, "A \(state.rawValue) agreement cannot be changed.")
        }
        if self.signatures.isEmpty {
            self.terms = terms
            return .inPlace
        }
        let previous = self.version
        self.version += 1
        self.terms = terms
        self.signatures = []
        self.state = .pendingSignatures
        return .newVersion(previous: previous)
    }

    /// Sends a draft for signature.
    public mutating func submit(on today: LocalDate) throws(AgreementError) {
        let state = self.state(on: today)
        guard state == .draft else {
            throw AgreementError(.invalidState, "Only a draft can be sent for signature; this one is \(state.rawValue).")
        }
        guard !self.terms.commitments.isEmpty else {
            throw AgreementError(.noCommitments, "Add at least one commitment before sending for signature.")
        }
        self.state = .pendingSignatures
    }

    /// Signs the current version on behalf of the signer's unit; both signatures make it active.
    /// - Returns: the new signature, holding the SHA-256 of the exact version signed.
    public mutating func sign(by signer: Signer, at instant: Date, on today: LocalDate) throws(AgreementError) -> Signature {
        let state = self.state(on: today)
        guard state == .pendingSignatures else {
            if state == .expired {
                throw AgreementError(.validityEnded, "The agreement's validity ended on \(self.terms.validTo).")
            }
            throw AgreementError(.invalidState, "Only an agreement pending signatures can be signed; this one is \(state.rawValue).")
        }
        guard Role.signers.contains(signer.role) else {
            throw AgreementError(.roleCannotSign, "The role \(signer.role.rawValue) cannot sign agreements.")
        }
        let side: Side
        switch signer.unit {
        case self.terms.provider: side = .provider
        case self.terms.client: side = .client
        default:
            throw AgreementError(
                .notAParty,
                "Only a person of \(self.terms.provider) or \(self.terms.client) can sign; \(signer.username) belongs to \(signer.unit)."
            )
        }
        guard self.signature(of: side) == nil else {
            throw AgreementError(.alreadySigned, "The \(side.rawValue) side already signed version \(self.version).")
        }
        let signature = Signature(
            version: self.version,
            side: side,
            signer: signer.username,
            signerName: signer.name,
            unit: signer.unit,
            signedAt: instant,
            sha256: self.document.sha256
        )
        self.signatures.append(signature)
        if Side.allCases.allSatisfy({ self.signature(of: $0) != nil }) {
            self.state = .active
        }
        return signature
    }

    /// Ends the agreement early.
    public mutating func terminate(reason: String, on today: LocalDate) throws(AgreementError) {
        let state = self.state(on: today)
        guard state.isOpen else {
            throw AgreementError(.invalidState, "A \(state.rawValue) agreement cannot be terminated.")
        }
        self.state = .terminated
        self.terminationReason = reason
    }
}
