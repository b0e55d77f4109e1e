/// Where an agreement is in its life.
public enum AgreementState: String, Sendable, Hashable, Codable, CaseIterable {
    /// Being written; not yet sent for signature.
    case draft
    /// Sent for signature; waits for one person of each side to sign the current version.
    case pendingSignatures = "pending_signatures"
    /// Both sides signed the current version, and its validity has not started yet: it is
    /// published, and measures nothing until its first day. Never stored: stored as `active`.
    case signed
    /// Both sides signed the current version and it is within its validity.
    case active
    /// Its validity ended.
    case expired
    /// Ended early by a manager.
    case terminated

    /// The state as of `today` for an agreement valid from `validFrom` to `validTo`: one still
    /// open when its validity ends is expired; one signed before its first day is `signed`.
    public func on(_ today: LocalDate, validFrom: LocalDate, validTo: LocalDate) -> AgreementState {
        if self.isOpen && validTo < today { return .expired }
        if self == .active && today < validFrom { return .signed }
        return self
    }

    /// Whether the agreement can still change (edits, signatures, termination).
    public var isOpen: Bool {
        self == .draft || self == .pendingSignatures || self == .signed || self == .active
    }
}

/// Which party a signature speaks for.
public enum Side: String, Sendable, Hashable, Codable, CaseIterable {
    case provider
    case client
}
