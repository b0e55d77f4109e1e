import Foundation

/// A named person's signature of one exact version of an agreement.
public struct Signature: Sendable, Hashable, Codable {
    public var version: Int
    public var side: Side
    /// Username of the signer at the time of signing.
    public var signer: String
    /// Full name of the signer, as shown on the published agreement.
    public var signerName: String
    /// Unit the signer belonged to (the provider or the client).
    public var unit: String
    public var signedAt: Date
    /// SHA-256 (hex) of the canonical JSON of the signed version.
    public var sha256: String

    public init(
        version: Int,
        side: Side,
        signer: String,
        signerName: String,
        unit: String,
        signedAt: Date,
        sha256: String
    ) {
        self.version = version
        self.side = side
        self.signer = signer
        self.signerName = signerName
        self.unit = unit
        self.signedAt = signedAt
        self.sha256 = sha256
    }
}

/// The person who signs: who they are, which unit they belong to and their role.
public struct Signer: Sendable, Hashable {
    public var username: String
    public var name: String
    public var unit: String
    public var role: Role

    public init(username: String, name: String, unit: String, role: Role) {
        self.username = username
        self.name = name
        self.unit = unit
        self.role = role
    }
}
