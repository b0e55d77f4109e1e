/// A SQL statement written once for both dialects; interpolated values become binds, never text.
///
/// ```swift
/// let rows = try await db.query("SELECT name FROM units WHERE code = \(code)")
/// ```
public struct SQL: Sendable, ExpressibleByStringInterpolation {
    enum Fragment: Sendable {
        case text(String)
        case bind(Int)
    }

    var fragments: [Fragment]
    /// The bound values, in order of appearance.
    public private(set) var binds: [DatabaseValue]
    /// Set by ``prepared(as:)``.
    public private(set) var preparedAs: (any PreparedStatementText.Type)?

    public init(stringLiteral value: String) {
        self.fragments = [.text(value)]
        self.binds = []
    }

    public init(stringInterpolation: StringInterpolation) {
        self.fragments = stringInterpolation.fragments
        self.binds = stringInterpolation.binds
    }

    /// A statement built at run time from trusted pieces (identifiers, fixed fragments), never
    /// from user input; the name says so wherever it is used.
    public init(unsafeSQL text: String) {
        self.fragments = [.text(text)]
        self.binds = []
    }

    /// `values` as binds separated by commas, for an `INSERT … VALUES (…)` row.
    public init(values: [DatabaseValue]) {
        self.fragments = []
        self.binds = values
        for index in values.indices {
            if index > 0 { self.fragments.append(.text(", ")) }
            self.fragments.append(.bind(index))
        }
    }

    /// `rows` as parenthesised lists of binds separated by commas, for a multi-row `INSERT … VALUES`.
    public init(rows: some Sequence<[DatabaseValue]>) {
        self.fragments = []
        self.binds = []
        for row in rows {
            self += self.fragments.isEmpty ? "(" : ", ("
            self += SQL(values: row)
            self += ")"
        }
    }

    /// ` WHERE a AND b …` of `conditions`; empty without any.
    public init(whereAll conditions: [SQL]) {
        self = ""
        for (index, condition) in conditions.enumerated() {
            self += (index == 0 ? " WHERE " : " AND ") + condition
        }
    }

    /// This statement, whose text is always `Text`'s, prepared once per connection on
    /// PostgreSQL so that each run only binds and executes.
    public func prepared(as text: (some PreparedStatementText).Type) -> SQL {
        var result = self
        result.preparedAs = text
        return result
    }

    /// The statement text with placeholders produced by `placeholder` (1-based).
    public func render(placeholder: (Int) -> String) -> String {
        var text = ""
        for fragment in self.fragments {
            switch fragment {
            case .text(let part): text += part
            case .bind(let index): text += placeholder(index + 1)
            }
        }
        return text
    }

    /// Another statement appended, keeping its binds.
    public static func + (lhs: SQL, rhs: SQL) -> SQL {
        var result = lhs
        result += rhs
        return result
    }

    /// Appends another statement in place, keeping its binds (amortised constant time per fragment).
    public static func += (lhs: inout SQL, rhs: SQL) {
        let offset = lhs.binds.count
        for fragment in rhs.fragments {
            switch fragment {
            case .text: lhs.fragments.append(fragment)
            case .bind(let index): lhs.fragments.append(.bind(offset + index))
            }
        }
        lhs.binds.append(contentsOf: rhs.binds)
    }

    public struct StringInterpolation: StringInterpolationProtocol {
        var fragments: [Fragment] = []
        var binds: [DatabaseValue] = []

        public init(literalCapacity: Int, interpolationCount: Int) {}

        public mutating func appendLiteral(_ literal: String) {
            self.fragments.append(.text(literal))
        }

        /// Binds a value (NULL for nil).
        public mutating func appendInterpolation(_ value: some DatabaseValueConvertible) {
            self.fragments.append(.bind(self.binds.count))
            self.binds.append(value.databaseValue)
        }

        /// Binds a value or NULL (spelt out so that optionals bind without a warning).
        public mutating func appendInterpolation<Value: DatabaseValueConvertible>(_ value: Value?) {
            self.fragments.append(.bind(self.binds.count))
            self.binds.append(value.databaseValue)
        }

        /// Embeds another statement's text and binds.
        public mutating func appendInterpolation(_ sql: SQL) {
            let offset = self.binds.count
            for fragment in sql.fragments {
                switch fragment {
                case .text(let text): self.fragments.append(.text(text))
                case .bind(let index): self.fragments.append(.bind(offset + index))
                }
            }
            self.binds += sql.binds
        }
    }
}

/// The text of a statement run many times a second: PostgreSQL prepares it once per connection,
/// under the name of the type, then only binds and executes it (planning the NPS batch took a
/// third as long as running it). SQLite runs it as any other.
public protocol PreparedStatementText: Sendable {
    /// The statement with PostgreSQL's placeholders (`$1`, `$2`…).
    static var text: String { get }
}
