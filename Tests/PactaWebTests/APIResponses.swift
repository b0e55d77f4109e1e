import Foundation
import HummingbirdTesting
import PactaCore
import PactaStore

@testable import PactaWeb

// Decodable mirrors of the API's answers whose own types are only encodable, as a client reads them
// (`openapi.yaml`); answers whose types are decodable are read through those types themselves.

/// A list: `{"items": […]}` (`ItemList`, and the warnings of `WarningsJSON`).
struct Items<Item: Decodable>: Decodable {
    var items: [Item]
}

/// `GET /published` (`PublishedJSON`).
struct PublicationBody: Decodable {
    var items: [AgreementJSON]
    var upcoming: [AgreementJSON]
    var withheld: [String]
    var ledgerHead: LedgerHead
}

/// A user as the API shows it (`UserJSON`): never the password hash.
struct UserBody: Decodable {
    var id: Int64
    var username: String
    var name: String
    var role: Role
    var unit: String
    var active: Bool
    var email: String?
}

/// A token just created, with its secret (`NewTokenJSON`).
struct NewTokenBody: Decodable {
    var token: APIToken
    var secret: String
}

/// The measurements of a period (`IndicatorsJSON`).
struct MeasurementsBody: Decodable {
    var agreement: String
    var period: Period
    var evaluatedAt: String
    var measurements: [IndicatorsJSON.Measurement]

    /// The measurement of the commitment `key`.
    func measurement(_ key: String) -> IndicatorsJSON.Measurement? {
        self.measurements.first { $0.commitment == key }
    }
}

/// One request with its evaluation per time commitment (`RequestDetailJSON`).
struct RequestDetailBody: Decodable {
    var externalRef: String
    var provider: String
    var client: String
    var service: String
    var priority: String
    var openedAt: String
    var firstResponseAt: String?
    var resolvedAt: String?
    var pauses: [RequestDetailJSON.Pause]
    var agreement: String?
    var evaluatedAt: String
    var commitments: [RequestDetailJSON.Evaluation]
}

extension TestResponse {
    /// The `error` of an error answer (`{"error": {"code", "message", "field"?, …}}`).
    func apiError() throws -> APIError.ErrorBody.Detail {
        try self.decode(APIError.ErrorBody.self).error
    }
}
