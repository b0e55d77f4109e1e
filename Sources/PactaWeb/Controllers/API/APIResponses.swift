import Foundation
import Hummingbird
import HummingbirdAuth
import NIOCore
import PactaCore
import PactaStore

extension OrgUnit: ResponseEncodable {}
extension AgreementDocument: ResponseEncodable {}
extension VerificationReport: ResponseEncodable {}
extension ImportReport: ResponseEncodable {}
extension AgreementJSON: ResponseEncodable {}

extension ImportReport {
    /// 200 when written; otherwise 403 when a row was outside the caller's reach, 422 for the rest.
    var status: HTTPResponse.Status {
        if self.committed { return .ok }
        return self.problems.contains { $0.code == "out_of_scope" } ? .forbidden : .unprocessableContent
    }
}

/// A list response: `{"items": […]}`, so that lists can gain fields later without breaking clients.
struct ItemList<Item: Encodable & Sendable>: ResponseEncodable, Sendable {
    var items: [Item]
}

/// A user as the API shows it (never the password hash).
struct UserJSON: ResponseEncodable, Sendable {
    var id: Int64
    var username: String
    var name: String
    var role: Role
    var unit: String
    var active: Bool
    /// Where their survey invitations go.
    @Nullable var email: String?

    init(_ user: User) {
        self.id = user.id
        self.email = user.email
        self.username = user.username
        self.name = user.name
        self.role = user.role
        self.unit = user.unit
        self.active = user.active
    }
}

extension APIToken: ResponseEncodable {}

/// A token just created: the only time its secret is shown.
struct NewTokenJSON: ResponseEncodable, Sendable {
    var token: APIToken
    var secret: String
}

extension Request {
    /// Decodes a JSON body strictly (see ``StrictJSON``): decoding failures are 400 answers that
    /// name the field, unknown fields and NUL characters 422 answers that name them.
    func decodeJSON<Value: Codable>(as type: Value.Type, context: AppRequestContext) async throws -> Value {
        try StrictJSON.decode(type, from: try await self.body(upTo: context.maxUploadSize))
    }

    /// The whole body; one larger than `limit` bytes is refused with 413 naming the limit.
    func body(upTo limit: Int) async throws -> ByteBuffer {
        do {
            return try await self.body.collect(upTo: limit)
        } catch is NIOTooManyBytesError {
            throw APIError.tooLarge(limit)
        }
    }

    /// A true-or-false query parameter: `true`/`1`, `false`/`0`, false when absent; anything else is a 400.
    func flag(_ name: String) throws -> Bool {
        switch self.uri.queryParameters.get(name) {
        case nil, "false", "0": false
        case "true", "1": true
        case let other?: throw APIError(.badRequest, code: "invalid_flag", message: "\(name) is true or false, not '\(other)'.", field: name)
        }
    }
}
