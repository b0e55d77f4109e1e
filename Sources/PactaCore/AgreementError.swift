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
        /// A signature would not be the person's own: a token someone else created for them.
        case notYourOwnSignature = "not_your_own_signature"
        /// This side already signed the current version.
        case alreadySigned = "already_signed"
        /// The agreement needs at least one commitment before it is sent for signature.
        case noCommitments = "no_commitments"
        /// The agreement's validity already ended.
        case validityEnded = "validity_ended"
        /// The version or content the signer was shown is no longer the current one.
        case versionChanged = "version_changed"
        /// Once signed, an agreement stays between the same two units.
        case partiesFixed = "parties_fixed"
    }

    public var reason: Reason
    /// An English explanation for logs and API clients.
    public var message: String
    /// With ``Reason/versionChanged``: the version and hash to read instead.
    public var current: Agreement.Shown?

    public init(_ reason: Reason, _ message: String, current: Agreement.Shown? = nil) {
        self.reason = reason
        self.message = message
        self.current = current
    }
}

extension AgreementError: CustomStringConvertible {
    public var description: String { self.message }
}
