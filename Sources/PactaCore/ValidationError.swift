/// One problem with one field of some input, with a stable code the UI translates.
public struct FieldIssue: Sendable, Hashable, Codable {
    /// The field the problem is in, named as in the JSON API (`commitments[1].target`).
    public var field: String
    /// A stable, machine-readable reason (`required`, `invalid_time_zone`, …).
    public var code: String
    /// An English explanation; the web layer shows a translated one when it has it.
    public var message: String

    public init(field: String, code: String, message: String) {
        self.field = field
        self.code = code
        self.message = message
    }
}

/// Input that breaks one or more rules; carries every problem found, not just the first.
public struct ValidationError: Error, Sendable, Hashable {
    /// All the problems, in the order the fields were checked.
    public var issues: [FieldIssue]

    public init(_ issues: [FieldIssue]) {
        self.issues = issues
    }

    public init(field: String, code: String, message: String) {
        self.issues = [FieldIssue(field: field, code: code, message: message)]
    }
}

/// Collects field issues while checking input, then throws them all at once.
public struct Validator: Sendable {
    /// The issues found so far.
    public private(set) var issues: [FieldIssue] = []

    public init() {}

    /// Records a problem with `field`.
    public mutating func fail(_ field: String, _ code: String, _ message: String) {
        self.issues.append(FieldIssue(field: field, code: code, message: message))
    }

    /// Records `too_long` for `field` when `text` has more than `limit` characters (Unicode code
    /// points, as JSON Schema's `maxLength` counts them).
    public mutating func limit(_ text: String, _ limit: Int, _ field: String) {
        if text.unicodeScalars.count > limit { self.fail(field, "too_long", "\(field) has at most \(limit) characters.") }
    }

    /// Records a problem with `field` unless `condition` holds.
    public mutating func check(_ condition: Bool, _ field: String, _ code: String, _ message: String) {
        if !condition { self.fail(field, code, message) }
    }

    /// Records every issue of a nested validation, with field names prefixed by `prefix`.
    public mutating func absorb(_ error: ValidationError, prefix: String) {
        for issue in error.issues {
            let field =
                if prefix.isEmpty { issue.field } else if issue.field.isEmpty { prefix } else { "\(prefix).\(issue.field)" }
            self.issues.append(FieldIssue(field: field, code: issue.code, message: issue.message))
        }
    }

    /// Throws a ``ValidationError`` holding every recorded issue, if there is any.
    public func finish() throws(ValidationError) {
        if !self.issues.isEmpty { throw ValidationError(self.issues) }
    }
}

extension ValidationError: CustomStringConvertible {
    /// One line per problem: `field: message`.
    public var description: String {
        self.issues.map { $0.field.isEmpty ? $0.message : "\($0.field): \($0.message)" }.joined(separator: "\n")
    }
}

/// The longest text each kind of field takes, as `openapi.yaml` states them (codes: ``Code/maxLength``).
public enum TextLimit {
    /// Names and titles: of units, agreements, commitments, calendars, holidays, people, tokens.
    public static let name = 200
    /// Free text: an agreement's summary, a manual value's evidence.
    public static let text = 4000
    /// Why an agreement ends.
    public static let reason = 1000
    /// A request's service; its external reference.
    public static let service = 200
    /// A priority label (`P1`), in requests and commitments.
    public static let priority = 50
    /// How many priorities a commitment lists.
    public static let priorities = 20
    /// An IANA time zone identifier.
    public static let timeZone = 64
    /// A password.
    public static let password = 200
}
