import Foundation
import PactaCore

/// One version of an agreement exactly as stored: the document text whose bytes were hashed and
/// signed, and the calendars it is measured on.
public struct StoredVersion: Sendable, Hashable {
    /// Documents written before calendars were signed: Pacta's sorted-key JSON of code, version and
    /// terms; their calendars were frozen apart, in `calendars`.
    public static let legacyFormat = 1
    /// RFC 8785 JSON of code, version, terms and calendars.
    public static let currentFormat = 2

    /// The stored bytes, as text: what the signatures' hashes cover.
    public var text: String
    public var format: Int
    /// The document, with the calendars filled in from the frozen ones for legacy versions.
    public var document: AgreementDocument

    /// SHA-256 of the stored bytes.
    public var sha256: String { Hashing.sha256Hex(self.text.utf8) }

    /// Reads a stored version; throws ``CorruptRecordError`` when it cannot be read.
    init(code: String, version: Int, text: String, format: Int, frozenCalendars: String?) throws {
        self.text = text
        self.format = format
        do {
            var document = try PactaJSON.decoder.decode(AgreementDocument.self, from: Data(text.utf8))
            if format == Self.legacyFormat, let frozenCalendars {
                document.calendars = try PactaJSON.decoder.decode([BusinessCalendar].self, from: Data(frozenCalendars.utf8))
            }
            self.document = document
        } catch {
            throw CorruptRecordError(agreement: code, version: version, reason: "\(error)")
        }
    }

    /// A version about to be written, in the current format.
    init(_ document: AgreementDocument) throws {
        self.text = String(decoding: try document.canonicalJSON(), as: UTF8.self)
        self.format = Self.currentFormat
        self.document = document
    }

    /// The version as the domain sees it, with its signatures and state.
    func agreement(state: AgreementState, signedVersion: Int?, signatures: [Signature], terminationReason: String?) -> Agreement {
        Agreement(
            code: self.document.code,
            state: state,
            version: self.document.version,
            terms: self.document.terms,
            calendars: self.document.calendars,
            sha256: self.sha256,
            signedVersion: signedVersion,
            signatures: signatures.filter { $0.version == self.document.version },
            terminationReason: terminationReason
        )
    }
}

/// A stored agreement document that cannot be read: the rest of Pacta goes on without it.
public struct CorruptRecordError: Error, Sendable, Hashable, CustomStringConvertible {
    public var agreement: String
    public var version: Int
    /// What the decoder said.
    public var reason: String

    public var description: String {
        "The stored document of agreement \(self.agreement) version \(self.version) cannot be read (\(self.reason)). Run pacta verify."
    }
}
