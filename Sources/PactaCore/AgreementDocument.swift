import Foundation

/// The exact content a signature covers: the agreement's code, the version number and its terms.
///
/// Its canonical JSON (keys sorted, snake_case, no insignificant whitespace) is what gets hashed,
/// so the hash depends only on the content, never on how it was stored or sent.
public struct AgreementDocument: Sendable, Hashable, Codable {
    public var code: String
    public var version: Int
    public var terms: AgreementTerms

    public init(code: String, version: Int, terms: AgreementTerms) {
        self.code = code
        self.version = version
        self.terms = terms
    }

    /// The canonical JSON bytes.
    public func canonicalJSON() -> [UInt8] {
        // Encoding plain value types with string keys cannot fail.
        Array(try! PactaJSON.encoder.encode(self))
    }

    /// SHA-256 of the canonical JSON, as lowercase hex.
    public var sha256: String {
        Hashing.sha256Hex(self.canonicalJSON())
    }
}

/// The JSON conventions of Pacta: snake_case keys, ISO 8601 instants.
public enum PactaJSON {
    /// Encoder for API responses, exports and hashed documents: sorted keys, no whitespace,
    /// so the same value always gives the same bytes.
    public static var encoder: JSONEncoder {
        let encoder = JSONEncoder()
        encoder.keyEncodingStrategy = .convertToSnakeCase
        encoder.dateEncodingStrategy = .iso8601
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return encoder
    }

    /// Decoder for API requests, stored documents and imports.
    public static var decoder: JSONDecoder {
        let decoder = JSONDecoder()
        decoder.keyDecodingStrategy = .convertFromSnakeCase
        decoder.dateDecodingStrategy = .iso8601
        return decoder
    }
}
