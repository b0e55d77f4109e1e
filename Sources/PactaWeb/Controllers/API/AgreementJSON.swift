import Foundation
import Hummingbird
import HummingbirdAuth
import PactaCore
import PactaStore

/// An agreement as the API returns it.
struct AgreementJSON: Codable, Sendable {
    var code: String
    var state: AgreementState
    var version: Int
    var title: String
    var provider: String
    var providerName: String
    var client: String
    var clientName: String
    var validFrom: LocalDate
    var validTo: LocalDate
    var cadence: Cadence
    var summary: String
    var commitments: [Commitment]
    /// Signatures of the current version.
    var signatures: [Signature]
    /// SHA-256 of the current version's document: what a signature must name.
    var sha256: String
    /// The latest version both sides signed, on which the agreement is measured.
    @Nullable var signedVersion: Int?
    /// The calendars the current version's time commitments run on, as written into it.
    var calendars: [BusinessCalendar]
    @Nullable var terminationReason: String?
    var versions: [Version]?
    @Nullable var createdAt: Date?
    @Nullable var updatedAt: Date?

    struct Version: Codable, Sendable {
        var version: Int
        @Nullable var supersedes: Int?
        var createdBy: String
        var createdAt: Date
        var sha256: String
        var signatures: [Signature]
    }

    init(_ record: AgreementRecord, today: LocalDate) {
        self.init(record.agreement, providerName: record.providerName, clientName: record.clientName, today: today)
        self.versions = record.versions.map {
            Version(
                version: $0.version,
                supersedes: $0.supersedes,
                createdBy: $0.createdBy,
                createdAt: $0.createdAt,
                sha256: $0.sha256,
                signatures: $0.signatures
            )
        }
        self.createdAt = record.createdAt
        self.updatedAt = record.updatedAt
    }

    init(_ agreement: Agreement, providerName: String, clientName: String, today: LocalDate) {
        let terms = agreement.terms
        self.code = agreement.code
        self.state = agreement.state(on: today)
        self.version = agreement.version
        self.title = terms.title
        self.provider = terms.provider
        self.providerName = providerName
        self.client = terms.client
        self.clientName = clientName
        self.validFrom = terms.validFrom
        self.validTo = terms.validTo
        self.cadence = terms.cadence
        self.summary = terms.summary
        self.commitments = terms.commitments
        self.signatures = agreement.signatures
        self.sha256 = agreement.sha256
        self.signedVersion = agreement.signedVersion
        self.calendars = agreement.calendars
        self.terminationReason = agreement.terminationReason
    }
}

/// The body of `POST /agreements` and `PUT /agreements/{code}`: the terms, plus the code on creation.
struct AgreementInput: Codable, Sendable {
    var code: String?
    var terms: AgreementTerms

    init(from decoder: any Decoder) throws {
        self.terms = try AgreementTerms(from: decoder)
        self.code = try decoder.container(keyedBy: CodingKeys.self).decodeIfPresent(String.self, forKey: .code)
    }

    func encode(to encoder: any Encoder) throws {
        try self.terms.encode(to: encoder)
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encodeIfPresent(self.code, forKey: .code)
    }

    enum CodingKeys: String, CodingKey {
        case code
    }
}
