import Crypto

/// Hashes used for signatures, migration checksums and API tokens.
public enum Hashing {
    /// SHA-256 of `bytes` as 64 lowercase hex digits.
    public static func sha256Hex(_ bytes: some Sequence<UInt8>) -> String {
        // Written into one buffer: every API call hashes its token.
        var hex: [UInt8] = []
        hex.reserveCapacity(64)
        for byte in Self.sha256(bytes) {
            hex.append(Self.hexDigits[Int(byte >> 4)])
            hex.append(Self.hexDigits[Int(byte & 0x0F)])
        }
        return String(decoding: hex, as: UTF8.self)
    }

    private static let hexDigits = Array("0123456789abcdef".utf8)

    /// SHA-256 of `bytes`.
    public static func sha256(_ bytes: some Sequence<UInt8>) -> [UInt8] {
        Array(SHA256.hash(data: Array(bytes)))
    }
}
