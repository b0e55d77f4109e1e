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
    /// SHA-256 (hex) of the signed version's document.
    public var sha256: String
    /// How the signer reached Pacta: `web` (their session), `api` (their own token), `system`.
    public var channel: String
    /// The signer's own token, when signed through the API.
    public var tokenID: Int64?

    /// `tokenId`, so that snake-case JSON (`token_id`) reads back into `tokenID`.
    enum CodingKeys: String, CodingKey {
        case version, side, signer, signerName, unit, signedAt, sha256, channel
        case tokenID = "tokenId"
    }

    public init(
        version: Int,
        side: Side,
        signer: String,
        signerName: String,
        unit: String,
        signedAt: Date,
        sha256: String,
        channel: String = "web",
        tokenID: Int64? = nil
    ) {
        self.version = version
        self.side = side
        self.signer = signer
        self.signerName = signerName
        self.unit = unit
        self.signedAt = signedAt
        self.sha256 = sha256
        self.channel = channel
        self.tokenID = tokenID
    }
}
