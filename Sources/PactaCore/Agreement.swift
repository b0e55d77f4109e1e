import Foundation

/// A signed commitment between a provider unit and a client unit, with its lifecycle rules.
///
/// The rules live here, free of storage: an action either returns what changed or throws an
/// ``AgreementError``, and the store persists exactly that change in one transaction.
public struct Agreement: Sendable, Hashable {
    public var code: String
    public var state: AgreementState
    /// Number of the current version, starting at 1.
    public var version: Int
    /// Terms of the current version.
    public var terms: AgreementTerms
    /// The calendars of the current version, as written into it.
    public var calendars: [BusinessCalendar]
    /// SHA-256 of the current version's document as stored: what a signature of it covers.
    public var sha256: String
    /// The latest version both sides signed; nil while the agreement was never signed.
    public var signedVersion: Int?
    /// Signatures of the current version.
    public var signatures: [Signature]
    public var terminationReason: String?

    public init(
        code: String,
        state: AgreementState,
        version: Int,
        terms: AgreementTerms,
        calendars: [BusinessCalendar],
        sha256: String,
        signedVersion: Int? = nil,
        signatures: [Signature] = [],
        terminationReason: String? = nil
    ) {
        self.code = code
        self.state = state
        self.version = version
        self.terms = terms
        self.calendars = calendars
        self.sha256 = sha256
        self.signedVersion = signedVersion
        self.signatures = signatures
        self.terminationReason = terminationReason
    }

    /// A new draft, version 1, with the calendars its commitments name.
    public init(code: String, terms: AgreementTerms, calendars: [BusinessCalendar]) throws {
        let document = AgreementDocument(code: code, version: 1, terms: terms, calendars: calendars)
        self.init(code: code, state: .draft, version: 1, terms: terms, calendars: document.calendars, sha256: try document.sha256())
    }

    /// The document the current version holds (in today's canonical form).
    public var document: AgreementDocument {
        AgreementDocument(code: self.code, version: self.version, terms: self.terms, calendars: self.calendars)
    }

    /// The state as of `today`: open agreements whose validity ended are expired, signed ones
    /// whose validity has not begun are `signed`.
    public func state(on today: LocalDate) -> AgreementState {
        self.state.on(today, validFrom: self.terms.validFrom, validTo: self.terms.validTo)
    }

    /// The signature of `side` on the current version, if any.
    public func signature(of side: Side) -> Signature? {
        self.signatures.first { $0.side == side && $0.version == self.version }
    }

    /// The side `actor` signs for: a person signs for their own unit, the provider or the client.
    public func side(of actor: Actor) -> Side? {
        switch actor.unit {
        case self.terms.provider: .provider
        case self.terms.client: .client
        default: nil
        }
    }

    /// Whether the parties can no longer change: someone signed a version of it.
    public var partiesAreFixed: Bool { self.version > 1 || !self.signatures.isEmpty }

    /// How a change of terms was applied.
    public enum Revision: Sendable, Hashable {
        /// Nobody had signed the current version: it was changed in place.
        case inPlace
        /// Someone had signed: a new version was created that supersedes `previous`.
        case newVersion(previous: Int)
    }

    /// Changes the terms, and takes `calendars` as they are now. An unsigned version changes in
    /// place; once anyone signed, the change makes a new version that needs both signatures
    /// again (a signed version never changes), and the parties stay the same.
    public mutating func revise(_ terms: AgreementTerms, calendars: [BusinessCalendar], on today: LocalDate) throws -> Revision {
        let state = self.state(on: today)
        guard state.isOpen else {
            throw AgreementError(.invalidState, "A \(state.rawValue) agreement cannot be changed.")
        }
        if self.partiesAreFixed && (terms.provider != self.terms.provider || terms.client != self.terms.client) {
            throw AgreementError(
                .partiesFixed,
                "Agreement \(self.code) was signed between \(self.terms.provider) and \(self.terms.client); its parties cannot change. Write a new agreement instead."
            )
        }
        let revision: Revision
        if self.signatures.isEmpty {
            revision = .inPlace
        } else {
            revision = .newVersion(previous: self.version)
            self.version += 1
            self.signatures = []
            self.state = .pendingSignatures
        }
        self.terms = terms
        self.calendars = calendars.sorted { $0.code < $1.code }
        self.sha256 = try self.document.sha256()
        return revision
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

    /// What the signer was shown: the version and its hash. A signature binds exactly that.
    public struct Shown: Sendable, Hashable {
        public var version: Int
        public var sha256: String

        public init(version: Int, sha256: String) {
            self.version = version
            self.sha256 = sha256.lowercased()
        }
    }

    /// Signs the current version on behalf of the signer's unit; both signatures make it active.
    /// - Parameter shown: the version and hash the signer read; if the agreement changed since,
    ///   nothing is signed.
    /// - Returns: the new signature, holding the SHA-256 of the exact version signed.
    public mutating func sign(by signer: Actor, shown: Shown, at instant: Date, on today: LocalDate) throws(AgreementError) -> Signature {
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
        guard signer.signsForThemselves else {
            throw AgreementError(
                .notYourOwnSignature,
                "This API token was created for \(signer.username) by someone else: it cannot sign. Sign in person, or with a token you created yourself."
            )
        }
        guard let side = self.side(of: signer) else {
            throw AgreementError(
                .notAParty,
                "Only a person of \(self.terms.provider) or \(self.terms.client) can sign; \(signer.username) belongs to \(signer.unit)."
            )
        }
        guard self.signature(of: side) == nil else {
            throw AgreementError(.alreadySigned, "The \(side.rawValue) side already signed version \(self.version).")
        }
        guard shown.version == self.version, shown.sha256 == self.sha256 else {
            throw AgreementError(
                .versionChanged,
                "You were shown version \(shown.version) (\(shown.sha256.prefix(12))…), but the current version is \(self.version) (\(self.sha256.prefix(12))…). Read it again before signing.",
                current: Shown(version: self.version, sha256: self.sha256)
            )
        }
        let signature = Signature(
            version: self.version,
            side: side,
            signer: signer.username,
            signerName: signer.name,
            unit: signer.unit,
            signedAt: instant,
            sha256: self.sha256,
            channel: signer.channelName,
            tokenID: signer.tokenID
        )
        self.signatures.append(signature)
        if Side.allCases.allSatisfy({ self.signature(of: $0) != nil }) {
            self.state = .active
            self.signedVersion = self.version
        }
        return signature
    }

    /// Ends the agreement early; a draft never signed is cancelled this way, and never measures anything.
    public mutating func terminate(reason: String, on today: LocalDate) throws(AgreementError) {
        let state = self.state(on: today)
        guard state.isOpen else {
            throw AgreementError(.invalidState, "A \(state.rawValue) agreement cannot be terminated.")
        }
        self.state = .terminated
        self.terminationReason = reason
    }

    /// Marks an open agreement whose validity ended as expired.
    /// - Returns: whether it changed.
    public mutating func expire(on today: LocalDate) -> Bool {
        guard self.state.isOpen, self.terms.validTo < today else { return false }
        self.state = .expired
        return true
    }

    /// The calendars named by the commitments of `terms` whose rules (zone, hours, holidays)
    /// differ from `current` ones, or that `current` no longer has.
    public func calendarsChanged(comparedWith current: [BusinessCalendar]) -> [String] {
        let now = Dictionary(current.map { ($0.code, $0) }, uniquingKeysWith: { first, _ in first })
        return self.calendars.filter { signed in
            guard let today = now[signed.code] else { return true }
            return !signed.hasSameRules(as: today)
        }.map(\.code)
    }
}

extension BusinessCalendar {
    /// Whether business time runs the same on both: same zone, hours and holiday dates (names aside).
    public func hasSameRules(as other: BusinessCalendar) -> Bool {
        self.timeZone == other.timeZone && self.hours == other.hours
            && Set(self.holidays.map(\.date)) == Set(other.holidays.map(\.date))
    }
}
