import Foundation
import Logging
import ServiceLifecycle

/// Where statements run: a whole database, or one connection inside a transaction.
public protocol DatabaseExecutor: Sendable {
    /// The SQL dialect, for the rare statement that must differ.
    var dialect: SQLDialect { get }
    /// Runs a statement and returns every row.
    func query(_ sql: SQL) async throws -> [DatabaseRow]
    /// Appends `rows` to `table` as fast as the database allows (COPY on PostgreSQL).
    /// `table` and `columns` are trusted identifiers, never user input.
    func insert(into table: String, columns: [String], rows: [[DatabaseValue]]) async throws
    /// Runs `body` in one transaction: committed when it returns, rolled back when it throws.
    /// Unless `options` say otherwise, a transaction the database rolled back for a transient
    /// reason (a deadlock, a dropped connection before the commit) runs again. Inside a
    /// transaction, `body` joins it: repositories call this without knowing where they run.
    func transaction<Result: Sendable>(
        _ options: TransactionOptions,
        _ body: @escaping @Sendable (any DatabaseExecutor) async throws -> Result
    ) async throws -> Result
    /// Runs `body` on one consistent, read-only view of the database, for reads that span several
    /// queries; on SQLite it does not wait for a writer. Inside a transaction, on the transaction.
    func snapshot<Result: Sendable>(_ body: @escaping @Sendable (any DatabaseExecutor) async throws -> Result) async throws -> Result
}

extension DatabaseExecutor {
    /// Runs `body` in one transaction, again if the database rolled it back for a transient reason.
    public func transaction<Result: Sendable>(_ body: @escaping @Sendable (any DatabaseExecutor) async throws -> Result) async throws -> Result {
        try await self.transaction(.default, body)
    }
}

/// The executor a backend lends to a transaction's body: work that asks for a transaction or a
/// snapshot joins the one already open, whose retries and commit cover it.
protocol OpenTransaction: DatabaseExecutor {}

extension OpenTransaction {
    func transaction<Result: Sendable>(
        _ options: TransactionOptions,
        _ body: @escaping @Sendable (any DatabaseExecutor) async throws -> Result
    ) async throws -> Result {
        try await body(self)
    }

    func snapshot<Result: Sendable>(_ body: @escaping @Sendable (any DatabaseExecutor) async throws -> Result) async throws -> Result {
        try await body(self)
    }
}

extension DatabaseExecutor {
    /// Runs a statement that returns no rows.
    public func execute(_ sql: SQL) async throws {
        _ = try await self.query(sql)
    }

    /// Runs a statement and returns its first row, if any.
    public func first(_ sql: SQL) async throws -> DatabaseRow? {
        try await self.query(sql).first
    }

    /// Runs a statement that always returns one row (an aggregate, an `INSERT … RETURNING`) and
    /// reads its leading columns as `types`.
    public func one<each Value: DatabaseValueConvertible>(_ sql: SQL, as types: (repeat each Value).Type) async throws -> (repeat each Value) {
        guard let row = try await self.first(sql) else { throw DatabaseError.decoding("the statement returned no row") }
        return try row.decode(types)
    }

    /// Runs an aggregate query (`SELECT COUNT(*)…`) and reads its leading columns as `types`.
    public func count<each Value: DatabaseValueConvertible>(_ sql: SQL, as types: (repeat each Value).Type) async throws -> (repeat each Value) {
        try await self.one(sql, as: types)
    }

    /// Multi-row `INSERT`s of a few hundred rows each: the portable way.
    public func insert(into table: String, columns: [String], rows: [[DatabaseValue]]) async throws {
        let perStatement = max(1, 30_000 / max(columns.count, 1) / 100 * 100)
        var start = 0
        while start < rows.count {
            let batch = rows[start..<min(start + perStatement, rows.count)]
            try await self.execute(SQL(unsafeSQL: "INSERT INTO \(table) (\(columns.joined(separator: ", "))) VALUES ") + SQL(rows: batch))
            start += perStatement
        }
    }
}

/// The storage protocol: PostgreSQL and SQLite both implement it, and everything else is written once on top.
public protocol Database: DatabaseExecutor, Service {
    /// Runs a script of several statements (a migration), separated by `;` at the end of a line.
    func executeScript(_ script: String) async throws
    /// Checks that the database answers, within the connect timeout.
    func ping() async throws
    /// Closes connections.
    func close() async throws
}

/// Locks that serialise work across every instance on one database, held until the transaction
/// ends. On SQLite the write transaction already excludes every other writer.
public enum ExclusiveWork: Int64, Sendable {
    /// Applying migrations: two instances starting on a fresh database must not both create tables.
    case migration = 0x7061_6374_6101
    /// Importing requests: two imports touching the same requests would otherwise deadlock.
    case requestImport = 0x7061_6374_6102
}

extension DatabaseExecutor {
    /// Waits until no other transaction does `work`, and holds it until this transaction ends.
    public func lock(_ work: ExclusiveWork) async throws {
        if let lock = self.dialect.advisoryLock(work.rawValue) {
            try await self.execute(lock)
        }
    }
}

/// The two SQL dialects Pacta speaks. Where they differ, the difference is a property here, so
/// that repositories write each statement once.
public enum SQLDialect: String, Sendable, Hashable {
    case postgres
    case sqlite

    /// The statement that holds the lock `key` until the transaction ends; nil on SQLite, whose
    /// write transactions already exclude each other.
    func advisoryLock(_ key: Int64) -> SQL? {
        switch self {
        case .postgres: "SELECT pg_advisory_xact_lock(\(key))"
        case .sqlite: nil
        }
    }

    /// The statement that keeps other writers off `table` (a trusted name) until the transaction
    /// ends; nil on SQLite, whose write transactions already exclude each other.
    func lockTable(_ table: String) -> SQL? {
        switch self {
        case .postgres: SQL(unsafeSQL: "LOCK TABLE \(table) IN SHARE ROW EXCLUSIVE MODE")
        case .sqlite: nil
        }
    }

    /// What ends a `SELECT` that locks the rows it reads until the transaction ends; empty on
    /// SQLite, whose write transactions already exclude each other.
    var forUpdate: SQL {
        switch self {
        case .postgres: " FOR UPDATE"
        case .sqlite: ""
        }
    }

    /// ``forUpdate`` that passes over rows another transaction holds instead of waiting for them.
    var forUpdateSkipLocked: SQL {
        switch self {
        case .postgres: " FOR UPDATE SKIP LOCKED"
        case .sqlite: ""
        }
    }

    /// The operator comparing two rows with NULLs equal to each other.
    var isDistinctFrom: String {
        switch self {
        case .postgres: "IS DISTINCT FROM"
        case .sqlite: "IS NOT"
        }
    }

    /// A subquery listing the strings of `array` (bound as one JSON text), for `IN`: one parameter
    /// however many strings, where a list of parameters would meet the drivers' limits.
    func strings(inJSONArray array: [String]) -> SQL {
        // Encoding strings cannot fail.
        let json = String(decoding: try! JSONEncoder().encode(array), as: UTF8.self)
        return switch self {
        case .postgres: "(SELECT jsonb_array_elements_text(CAST(\(json) AS jsonb)))"
        case .sqlite: "(SELECT value FROM json_each(\(json)))"
        }
    }

    /// Column types for tables made at run time (temporary tables), as the migrations declare them.
    var types: (bigint: String, instant: String) {
        switch self {
        case .postgres: ("BIGINT", "TIMESTAMPTZ")
        case .sqlite: ("INTEGER", "INTEGER")
        }
    }
}

extension SQL {
    /// Splits a migration script into statements at semicolons that end a line.
    static func statements(in script: String) -> [String] {
        var statements: [String] = []
        var current = ""
        for line in script.split(separator: "\n", omittingEmptySubsequences: false) {
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            if trimmed.hasPrefix("--") { continue }
            current += line + "\n"
            if trimmed.hasSuffix(";") {
                statements.append(current.trimmingCharacters(in: .whitespacesAndNewlines))
                current = ""
            }
        }
        let rest = current.trimmingCharacters(in: .whitespacesAndNewlines)
        if !rest.isEmpty { statements.append(rest) }
        return statements
    }
}
