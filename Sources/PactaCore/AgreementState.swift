/// Where an agreement is in its life.
public enum AgreementState: String, Sendable, Hashable, Codable, CaseIterable {
    /// Being written; not yet sent for signature.
    case draft
    /// Sent for signature; waits for one person of each side to sign the current version.
    case pendingSignatures = "pending_signatures"
    /// Both sides signed the current version and it is within its validity.
    case active
    /// Its validity ended.
    case expired
    /// Ended early by a manager.
    case terminated

    /// The state as of `today` for an agreement valid until `validTo`: one that is still open when its
    /// validity ends is expired, whatever was stored.
    public func on(_ today: LocalDate, validTo: LocalDate) -> AgreementState {
        self.isOpen && validTo < today ? .expired : self
    }

    /// Whether the agreement can still change (edits, signatures).
    public var isOpen: Bool { self == .draft || self == .pendingSignatures || self == .active }
}

/// Which party a signature speaks for.
public enum Side: String, Sendable, Hashable, Codable, CaseIterable {
    case provider
    case client
}
