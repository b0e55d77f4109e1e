import Foundation
import Hummingbird
import HummingbirdAuth
import NIOCore
import PactaCore
import PactaStore

/// An error as the JSON API and the pages report it: a status, a stable code, a message, maybe a field.
public struct APIError: Error, Sendable {
    public var status: HTTPResponse.Status
    public var code: String
    public var message: String
    public var field: String?
    /// Every field problem, when there are several.
    public var issues: [FieldIssue]
    /// With `version_changed`: the current version and its hash.
    public var current: ErrorBody.Current?
    /// Seconds after which a refused caller may try again (`Retry-After`).
    public var retryAfter: Int?
    /// With `too_large`: the limit the body went over, as people read it ("20 MB").
    public var limit: String?
    /// With 405: the methods the path takes (`Allow`).
    public var allow: String?

    public init(
        _ status: HTTPResponse.Status,
        code: String,
        message: String,
        field: String? = nil,
        issues: [FieldIssue] = [],
        current: ErrorBody.Current? = nil,
        retryAfter: Int? = nil
    ) {
        self.status = status
        self.code = code
        self.message = message
        self.field = field
        self.issues = issues
        self.current = current
        self.retryAfter = retryAfter
    }

    /// The API's view of any error; unknown errors become a 500 without internals.
    public init(_ error: any Error) {
        switch error {
        case let error as APIError:
            self = error
        case let error as ValidationError:
            let first = error.issues.first
            self.init(
                .unprocessableContent,
                code: error.issues.count == 1 ? first?.code ?? "invalid" : "validation_failed",
                message: error.issues.count == 1
                    ? first?.message ?? "Invalid input."
                    : "\(error.issues.count) fields are invalid: "
                        + error.issues.map { "\($0.field): \($0.message)" }.joined(separator: " "),
                field: first?.field,
                issues: error.issues
            )
        case let error as NotFoundError:
            self.init(.notFound, code: "not_found", message: "There is no \(error.entity) \(error.key).")
        case let error as AgreementError:
            let status: HTTPResponse.Status =
                switch error.reason {
                case .notAParty, .roleCannotSign, .notYourOwnSignature: .forbidden
                case .partiesFixed: .unprocessableContent
                default: .conflict
                }
            self.init(
                status,
                code: error.reason.rawValue,
                message: error.message,
                field: error.reason == .partiesFixed ? "provider" : nil,
                current: error.current.map { ErrorBody.Current(version: $0.version, sha256: $0.sha256) }
            )
        case let error as ScopeError:
            self.init(.forbidden, code: "out_of_scope", message: error.message, field: error.field)
        case let error as SurveyError:
            self.init(error.status, code: error.reason.rawValue, message: error.message, field: "token")
        case let error as CorruptRecordError:
            self.init(.internalServerError, code: "corrupt_record", message: error.description)
        case let error as DecodingError:
            let (field, message) = Self.describe(error)
            self.init(.badRequest, code: "invalid_json", message: message, field: field)
        case let error as HTTPError:
            self.init(error.status, code: Self.code(for: error.status), message: error.body ?? error.status.reasonPhrase)
        case let error as DatabaseError where error.isTemporary:
            self = .unavailable(error)
        case DatabaseError.invalidValue(let message):
            self.init(.unprocessableContent, code: "invalid_value", message: "A value cannot be stored: \(message).")
        case let error as NIOTooManyBytesError:
            self = .tooLarge(error.maxBytes)
        case DatabaseError.uniqueViolation(let constraint):
            self.init(.conflict, code: "conflict", message: "A record with the same key already exists (\(constraint)).")
        default:
            self.init(.internalServerError, code: "internal", message: "Something went wrong on our side; it has been logged.")
        }
    }

    /// 413 naming the limit the body went over.
    static func tooLarge(_ bytes: Int?) -> APIError {
        let limit = ByteCountFormatter.limit(bytes)
        var error = APIError(.contentTooLarge, code: "too_large", message: "The body is larger than the \(limit) this route accepts.")
        error.limit = limit
        return error
    }

    /// 503 with `Retry-After`: the database is away or busy, nothing was changed, the caller may retry.
    static func unavailable(_ error: DatabaseError) -> APIError {
        if case .transient = error {
            return APIError(
                .serviceUnavailable,
                code: "busy",
                message: "The database gave up this change to let a concurrent one through; nothing was changed. Send it again.",
                retryAfter: 1
            )
        }
        return APIError(
            .serviceUnavailable,
            code: "database_unavailable",
            message: "The database is not answering right now; nothing was changed. Try again in a few seconds.",
            retryAfter: 5
        )
    }

    static func code(for status: HTTPResponse.Status) -> String {
        switch status {
        case .unauthorized: "unauthorized"
        case .forbidden: "forbidden"
        case .notFound: "not_found"
        case .methodNotAllowed: "method_not_allowed"
        case .contentTooLarge: "too_large"
        case .badRequest: "bad_request"
        case .tooManyRequests: "too_many_requests"
        default: "error"
        }
    }

    /// A field path (`commitments[0].target`) and an explanation for a JSON decoding failure.
    static func describe(_ error: DecodingError) -> (String?, String) {
        func path(_ codingPath: [any CodingKey]) -> String {
            var text = ""
            for key in codingPath {
                if let index = key.intValue {
                    text += "[\(index)]"
                } else {
                    text += (text.isEmpty ? "" : ".") + Self.snakeCase(key.stringValue)
                }
            }
            return text
        }
        switch error {
        case .keyNotFound(let key, let context):
            let field = path(context.codingPath + [key])
            return (field, "\(field) is required.")
        case .typeMismatch(let type, let context):
            let field = path(context.codingPath)
            return (field, "\(field.isEmpty ? "The body" : field) must be \(Self.describe(type)).")
        case .valueNotFound(let type, let context):
            let field = path(context.codingPath)
            return (field, "\(field) must be \(Self.describe(type)), not null.")
        case .dataCorrupted(let context):
            let field = path(context.codingPath)
            if field.isEmpty { return (nil, "The body is not valid JSON.") }
            return (field, "\(field): \(context.debugDescription)")
        @unknown default:
            return (nil, "The body could not be read.")
        }
    }

    private static func describe(_ type: Any.Type) -> String {
        switch type {
        case is String.Type: "a string"
        case is Int.Type, is Int64.Type: "an integer"
        case is Double.Type: "a number"
        case is Bool.Type: "true or false"
        case is [Any].Type: "an array"
        default: "an object"
        }
    }

    private static func snakeCase(_ key: String) -> String {
        var result = ""
        for character in key {
            if character.isUppercase {
                result += "_" + character.lowercased()
            } else {
                result.append(character)
            }
        }
        return result
    }

    /// The JSON body `{"error": {"code", "message", "field"?, "issues"?}}`.
    public var body: ErrorBody {
        ErrorBody(
            error: .init(
                code: self.code,
                message: self.message,
                field: self.field,
                issues: self.issues.isEmpty ? nil : self.issues,
                current: self.current
            )
        )
    }

    public struct ErrorBody: Codable, Sendable {
        public struct Detail: Codable, Sendable {
            public var code: String
            public var message: String
            public var field: String?
            public var issues: [FieldIssue]?
            public var current: Current?
        }
        /// The version an agreement is at, and the hash a signature of it must name.
        public struct Current: Codable, Sendable, Hashable {
            public var version: Int
            public var sha256: String
        }
        public var error: Detail
    }
}

extension ByteCountFormatter {
    /// A byte limit as people read it: "64 MB", "1 MB", "20 KB".
    static func limit(_ bytes: Int?) -> String {
        guard let bytes else { return "limit" }
        if bytes >= 1 << 20 && bytes % (1 << 20) == 0 { return "\(bytes >> 20) MB" }
        if bytes >= 1 << 10 && bytes % (1 << 10) == 0 { return "\(bytes >> 10) KB" }
        return "\(bytes) bytes"
    }
}

extension SurveyError {
    /// The status of an invitation that cannot be answered, for pages and the API alike.
    var status: HTTPResponse.Status {
        switch self.reason {
        case .unknownLink: .notFound
        case .alreadyAnswered: .conflict
        case .campaignClosed: .gone
        case .notOpenYet: .forbidden
        }
    }
}
