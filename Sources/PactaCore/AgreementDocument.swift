import Foundation

/// The exact content a signature covers: the agreement's code, the version number, its terms and,
/// by value, the calendars its time commitments run on.
///
/// Its canonical form is RFC 8785 JSON (the JSON Canonicalization Scheme) with Pacta's snake_case
/// keys, so anyone can check a published version's SHA-256 with their own tools, and the hash
/// depends only on the content, never on how it was stored or sent.
public struct AgreementDocument: Sendable, Hashable, Codable {
    public var code: String
    public var version: Int
    public var terms: AgreementTerms
    /// The calendars named by the commitments, as they were when the version was written; they
    /// are part of what is signed, so the version is measured on exactly them forever.
    public var calendars: [BusinessCalendar]

    public init(code: String, version: Int, terms: AgreementTerms, calendars: [BusinessCalendar]) {
        self.code = code
        self.version = version
        self.terms = terms
        self.calendars = calendars.sorted { $0.code < $1.code }
    }

    /// Reads a document; those written before calendars were signed have none.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        self.init(
            code: try container.decode(String.self, forKey: .code),
            version: try container.decode(Int.self, forKey: .version),
            terms: try container.decode(AgreementTerms.self, forKey: .terms),
            calendars: try container.decodeIfPresent([BusinessCalendar].self, forKey: .calendars) ?? []
        )
    }

    /// The RFC 8785 bytes.
    public func canonicalJSON() throws -> [UInt8] {
        try CanonicalJSON.serialize(self, encoder: PactaJSON.encoder)
    }

    /// SHA-256 of the canonical bytes, as lowercase hex.
    public func sha256() throws -> String {
        Hashing.sha256Hex(try self.canonicalJSON())
    }

    /// The calendar named `code`, as written into this version.
    public func calendar(_ code: String) -> BusinessCalendar? {
        self.calendars.first { $0.code == code }
    }
}

/// The JSON conventions of Pacta: snake_case keys, ISO 8601 instants.
public enum PactaJSON {
    /// Encoder for API responses and exports: sorted keys, no whitespace, so the same value
    /// always gives the same bytes.
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
