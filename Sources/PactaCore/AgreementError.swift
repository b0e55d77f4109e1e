/// A rule of the agreement lifecycle that an action would break.
public struct AgreementError: Error, Sendable, Hashable {
    /// Why the action is refused.
    public enum Reason: String, Sendable, Hashable {
        /// The action is not possible in the agreement's current state.
        case invalidState = "invalid_state"
        /// The signer belongs to neither the provider nor the client unit.
        case notAParty = "not_a_party"
        /// The signer's role may not sign.
        case roleCannotSign = "role_cannot_sign"
        /// This side already signed the current version.
        case alreadySigned = "already_signed"
        /// The agreement needs at least one commitment before it is sent for signature.
        case noCommitments = "no_commitments"
        /// The agreement's validity already ended.
        case validityEnded = "validity_ended"
    }

    public var reason: Reason
    /// An English explanation for logs and API clients.
    public var message: String

    public init(_ reason: Reason, _ message: String) {
        self.reason = reason
        self.message = message
    }
}

extension AgreementError: CustomStringConvertible {
    public var description: String { self.message }
}
