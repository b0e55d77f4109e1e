/// A failure reported by either database, reduced to what callers can act on.
public enum DatabaseError: Error, Sendable, Hashable {
    /// A unique constraint refused the write; `constraint` names the index or the columns.
    case uniqueViolation(constraint: String)
    /// A foreign key refused the write.
    case foreignKeyViolation(constraint: String)
    /// A stored value could not be read as the type asked for.
    case decoding(String)
    /// Schema migrations do not match the database.
    case migration(String)
    /// The database cannot be reached, or did not answer in time: the caller may try again later.
    case unavailable(String)
    /// The connection went away in the middle of a transaction, before its commit was sent: the
    /// transaction is rolled back and may be run again.
    case connectionLost(String)
    /// The database rolled the transaction back to resolve a conflict with another one (a
    /// deadlock, a serialization failure, a locked SQLite file): it may be run again.
    case transient(String)
    /// A value the database refuses to store (out of its range, bytes it does not take).
    case invalidValue(String)
    /// Any other database failure, with the server's message.
    case other(String)

    /// Whether running the whole transaction again is safe and may well succeed.
    public var isRetryable: Bool {
        switch self {
        case .connectionLost, .transient: true
        default: false
        }
    }

    /// Whether the failure is the database's state rather than the request's: answered with 503 and `Retry-After`.
    public var isTemporary: Bool {
        switch self {
        case .unavailable, .connectionLost, .transient: true
        default: false
        }
    }
}

extension DatabaseError: CustomStringConvertible {
    public var description: String {
        switch self {
        case .uniqueViolation(let constraint): "unique constraint violated: \(constraint)"
        case .foreignKeyViolation(let constraint): "foreign key violated: \(constraint)"
        case .decoding(let message): "cannot decode stored value: \(message)"
        case .migration(let message): message
        case .unavailable(let message): "database unavailable: \(message)"
        case .connectionLost(let message): "connection to the database lost: \(message)"
        case .transient(let message): "transaction rolled back by the database: \(message)"
        case .invalidValue(let message): "value refused by the database: \(message)"
        case .other(let message): message
        }
    }
}

/// How long database work may wait: for a connection, and for each statement.
public struct DatabaseTimeouts: Sendable, Hashable {
    /// Longest wait for a connection (from the pool, connecting if needed) before answering `unavailable`.
    public var connect: Duration
    /// Longest a single statement may run; nil for no limit (migrations).
    public var statement: Duration?

    public init(connect: Duration = .seconds(5), statement: Duration? = .seconds(30)) {
        self.connect = connect
        self.statement = statement
    }
}

/// How a transaction runs.
public struct TransactionOptions: Sendable, Hashable {
    /// Whether the body may run again when the database rolled the transaction back for a
    /// transient reason. Off for bodies that consume something once, like a streamed upload.
    public var retry: Bool
    /// Whether statements run without the statement timeout (migrations rewrite whole tables).
    public var unlimited: Bool

    public init(retry: Bool = true, unlimited: Bool = false) {
        self.retry = retry
        self.unlimited = unlimited
    }

    public static let `default` = TransactionOptions()
    /// For a body that cannot run twice.
    public static let once = TransactionOptions(retry: false)
}

/// Runs `body` again while it fails with a retryable database error, at most `attempts` times,
/// with a short growing pause between tries.
func retrying<Result>(attempts: Int = 3, _ body: () async throws -> Result) async throws -> Result {
    var attempt = 1
    while true {
        do {
            return try await body()
        } catch let error as DatabaseError where error.isRetryable && attempt < attempts {
            try await Task.sleep(for: .milliseconds(Int.random(in: 20...80) * attempt))
            attempt += 1
        }
    }
}
