import Foundation
import Logging
import NIOCore
import SQLiteNIO
import ServiceLifecycle

/// The embedded store: one SQLite file in WAL mode, zero set-up.
///
/// One connection writes, and a lock keeps a transaction's statements together: SQLite allows a
/// single writer anyway, and this avoids "database is locked" surprises. Reads outside a
/// transaction (`SELECT`s and snapshots) go to a few read-only connections instead, which WAL
/// lets see the last commit while a writer works: a long import never holds up the pages.
public final class SQLiteBackend: Database {
    public let dialect = SQLDialect.sqlite
    private let connection: SQLiteConnection
    private let lock = AsyncLock()
    /// Read-only connections; nil for an in-memory database, which only its one connection sees.
    private let readers: ReaderPool<SQLiteConnection>?
    /// Longest wait for the writing connection, held by another write (a long import): then `unavailable`.
    private let writeTimeout: Duration?

    private init(connection: SQLiteConnection, readers: [SQLiteConnection], writeTimeout: Duration?) {
        self.connection = connection
        self.readers = readers.isEmpty ? nil : ReaderPool(readers)
        self.writeTimeout = writeTimeout
    }

    /// How many read-only connections a file database opens.
    static let readerCount = 3

    /// Reports read a year of requests row by row: with SQLite's default 2 MB page cache each row
    /// was a `pread` copying a page from the OS (80 % of a quarter's compliance over a million
    /// requests). The file is mapped instead (read through the OS's page cache, shared by every
    /// connection), and each connection keeps 16 MB of pages.
    static let cachePragmas = ["PRAGMA mmap_size = 1073741824", "PRAGMA cache_size = -16384"]

    /// Opens (creating if needed) the database file at `path`; `":memory:"` opens a private in-memory database.
    public static func open(path: String, writeTimeout: Duration? = nil, logger: Logger) async throws -> SQLiteBackend {
        let storage: SQLiteConnection.Storage = path == ":memory:" ? .memory : .file(path: path)
        if case .file = storage {
            let directory = URL(fileURLWithPath: path).deletingLastPathComponent().path
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        }
        let connection = try await SQLiteConnection.open(storage: storage, logger: logger)
        for pragma in ["PRAGMA journal_mode = WAL", "PRAGMA foreign_keys = ON", "PRAGMA busy_timeout = 5000", "PRAGMA synchronous = NORMAL"]
            + Self.cachePragmas
        {
            _ = try await Self.run(pragma, [], on: connection)
        }
        var readers: [SQLiteConnection] = []
        if case .file = storage {
            for _ in 0..<Self.readerCount {
                let reader = try await SQLiteConnection.open(storage: storage, logger: logger)
                for pragma in ["PRAGMA query_only = ON", "PRAGMA foreign_keys = ON", "PRAGMA busy_timeout = 5000"] + Self.cachePragmas {
                    _ = try await Self.run(pragma, [], on: reader)
                }
                readers.append(reader)
            }
        }
        return SQLiteBackend(connection: connection, readers: readers, writeTimeout: writeTimeout)
    }

    public func query(_ sql: SQL) async throws -> [DatabaseRow] {
        if let readers = self.readers, sql.isSelect {
            return try await readers.withConnection { try await Self.run(sql, on: $0) }
        }
        return try await self.lock.withLock(timeout: self.writeTimeout) { try await self.run(sql) }
    }

    public func transaction<Result: Sendable>(
        _ options: TransactionOptions,
        _ body: @escaping @Sendable (any DatabaseExecutor) async throws -> Result
    ) async throws -> Result {
        try await retrying(attempts: options.retry ? 3 : 1) {
            try await self.lock.withLock(timeout: options.unlimited ? nil : self.writeTimeout) {
                try await Self.inTransaction("BEGIN IMMEDIATE", on: self.connection, body)
            }
        }
    }

    public func snapshot<Result: Sendable>(_ body: @escaping @Sendable (any DatabaseExecutor) async throws -> Result) async throws -> Result {
        guard let readers = self.readers else { return try await self.transaction(body) }
        // A read transaction sees one state from its first read to its end.
        return try await readers.withConnection { try await Self.inTransaction("BEGIN", on: $0, body) }
    }

    /// Runs `body` between `begin` and `COMMIT` on `connection`, rolled back when it throws.
    private static func inTransaction<Result: Sendable>(
        _ begin: SQL,
        on connection: SQLiteConnection,
        _ body: @Sendable (any DatabaseExecutor) async throws -> Result
    ) async throws -> Result {
        _ = try await Self.run(begin, on: connection)
        do {
            let result = try await body(Transaction(connection: connection))
            _ = try await Self.run("COMMIT", on: connection)
            return result
        } catch {
            _ = try? await Self.run("ROLLBACK", on: connection)
            throw error
        }
    }

    public func ping() async throws {
        _ = try await self.query("SELECT 1")
    }

    public func executeScript(_ script: String) async throws {
        try await self.lock.withLock {
            for statement in SQL.statements(in: script) {
                _ = try await Self.run(statement, [], on: self.connection)
            }
        }
    }

    public func close() async throws {
        try await self.lock.withLock {
            for reader in await self.readers?.drain() ?? [] {
                try await reader.close()
            }
            try await self.connection.close()
        }
    }

    public func run() async throws {
        try? await gracefulShutdown()
        // Closing hops to the thread pool, which refuses work from a cancelled task: close outside it.
        try await Task { try await self.close() }.value
    }

    /// Runs a statement on the writing connection; the caller holds the lock.
    private func run(_ sql: SQL) async throws -> [DatabaseRow] {
        try await Self.run(sql, on: self.connection)
    }

    fileprivate static func run(_ sql: SQL, on connection: SQLiteConnection) async throws -> [DatabaseRow] {
        try await Self.run(sql.render { "?\($0)" }, sql.binds, on: connection)
    }

    private static func run(_ text: String, _ binds: [DatabaseValue], on connection: SQLiteConnection) async throws -> [DatabaseRow] {
        do {
            let rows = try await connection.query(text, try binds.map(Self.sqliteData))
            return rows.map { row in DatabaseRow(row.columns.map { Self.value($0.data) }) }
        } catch let error as SQLiteError {
            throw Self.translate(error)
        }
    }

    private static func sqliteData(_ value: DatabaseValue) throws -> SQLiteData {
        switch value {
        case .null: return .null
        case .integer(let value): return .integer(Int(value))
        case .double(let value): return .float(value)
        case .text(let value):
            // SQLite would keep the text up to the NUL only; PostgreSQL refuses it: refuse it here too.
            guard !value.utf8.contains(0) else { throw DatabaseError.invalidValue("text with a NUL byte") }
            return .text(value)
        case .bool(let value): return .integer(value ? 1 : 0)
        case .instant(let date): return .integer(Int(date.timeIntervalSince1970.rounded(.down)))
        case .blob(let bytes): return .blob(ByteBuffer(bytes: bytes))
        }
    }

    private static func value(_ data: SQLiteData) -> DatabaseValue {
        switch data {
        case .integer(let value): .integer(Int64(value))
        case .float(let value): .double(value)
        case .text(let value): .text(value)
        case .blob(let buffer): .blob(Array(buffer.readableBytesView))
        case .null: .null
        }
    }

    private static func translate(_ error: SQLiteError) -> DatabaseError {
        let message = error.message
        if message.hasPrefix("UNIQUE constraint failed: ") {
            return .uniqueViolation(constraint: String(message.dropFirst("UNIQUE constraint failed: ".count)))
        }
        if message.hasPrefix("FOREIGN KEY constraint failed") {
            return .foreignKeyViolation(constraint: "")
        }
        if error.reason == .busy || error.reason == .locked {
            return .transient(message)
        }
        return .other(message)
    }

    /// The connection lent to a transaction's body, while the backend's lock (or a reader) is held.
    private struct Transaction: OpenTransaction {
        let connection: SQLiteConnection
        var dialect: SQLDialect { .sqlite }
        func query(_ sql: SQL) async throws -> [DatabaseRow] {
            try await SQLiteBackend.run(sql, on: self.connection)
        }
    }
}

extension SQL {
    /// Whether the statement is a plain `SELECT`, which a read-only connection can answer.
    var isSelect: Bool {
        let text = self.render { "?\($0)" }.drop { $0.isWhitespace || $0 == "(" }
        return text.prefix(6).uppercased() == "SELECT"
    }
}
