import Foundation
import Logging
import NIOCore
import SQLiteNIO
import ServiceLifecycle

/// The embedded store: one SQLite file in WAL mode, zero set-up.
///
/// One connection serves every statement, and a lock keeps a transaction's statements together:
/// SQLite allows a single writer anyway, and this avoids "database is locked" surprises.
public final class SQLiteBackend: Database {
    public let dialect = SQLDialect.sqlite
    private let connection: SQLiteConnection
    private let lock = AsyncLock()

    private init(connection: SQLiteConnection) {
        self.connection = connection
    }

    /// Opens (creating if needed) the database file at `path`; `":memory:"` opens a private in-memory database.
    public static func open(path: String, logger: Logger) async throws -> SQLiteBackend {
        let storage: SQLiteConnection.Storage = path == ":memory:" ? .memory : .file(path: path)
        if case .file = storage {
            let directory = URL(fileURLWithPath: path).deletingLastPathComponent().path
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        }
        let connection = try await SQLiteConnection.open(storage: storage, logger: logger)
        let backend = SQLiteBackend(connection: connection)
        for pragma in ["PRAGMA journal_mode = WAL", "PRAGMA foreign_keys = ON", "PRAGMA busy_timeout = 5000", "PRAGMA synchronous = NORMAL"] {
            _ = try await backend.run(pragma, [])
        }
        return backend
    }

    public func query(_ sql: SQL) async throws -> [DatabaseRow] {
        try await self.lock.withLock { try await self.run(sql) }
    }

    public func transaction<Result: Sendable>(_ body: @Sendable (any DatabaseExecutor) async throws -> Result) async throws -> Result {
        try await self.lock.withLock {
            _ = try await self.run("BEGIN IMMEDIATE", [])
            do {
                let result = try await body(Transaction(backend: self))
                _ = try await self.run("COMMIT", [])
                return result
            } catch {
                _ = try? await self.run("ROLLBACK", [])
                throw error
            }
        }
    }

    public func executeScript(_ script: String) async throws {
        for statement in SQL.statements(in: script) {
            _ = try await self.run(statement, [])
        }
    }

    public func close() async throws {
        try await self.connection.close()
    }

    public func run() async throws {
        try? await gracefulShutdown()
        // Closing hops to the thread pool, which refuses work from a cancelled task: close outside it.
        try await Task { try await self.close() }.value
    }

    /// Runs a statement on the connection; the caller holds the lock.
    fileprivate func run(_ sql: SQL) async throws -> [DatabaseRow] {
        try await self.run(sql.render { "?\($0)" }, sql.binds)
    }

    private func run(_ text: String, _ binds: [DatabaseValue]) async throws -> [DatabaseRow] {
        do {
            let rows = try await self.connection.query(text, binds.map(Self.sqliteData))
            return rows.map { row in DatabaseRow(row.columns.map { Self.value($0.data) }) }
        } catch let error as SQLiteError {
            throw Self.translate(error)
        }
    }

    private static func sqliteData(_ value: DatabaseValue) -> SQLiteData {
        switch value {
        case .null: .null
        case .integer(let value): .integer(Int(value))
        case .double(let value): .float(value)
        case .text(let value): .text(value)
        case .bool(let value): .integer(value ? 1 : 0)
        case .instant(let date): .integer(Int(date.timeIntervalSince1970.rounded(.down)))
        case .blob(let bytes): .blob(ByteBuffer(bytes: bytes))
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
        return .other(message)
    }

    /// The connection lent to a transaction's body, while the backend's lock is held.
    private struct Transaction: DatabaseExecutor {
        let backend: SQLiteBackend
        var dialect: SQLDialect { .sqlite }
        func query(_ sql: SQL) async throws -> [DatabaseRow] {
            try await self.backend.run(sql)
        }
    }
}
