import Foundation
import Logging
import NIOCore
import NIOSSL
import PostgresNIO
import ServiceLifecycle

/// The production store: PostgreSQL through a pooled `PostgresClient`.
public final class PostgresBackend: Database {
    public let dialect = SQLDialect.postgres
    /// The connection pool; it runs as a service (see ``run()``).
    public let client: PostgresClient
    private let logger: Logger

    /// Creates a backend for `url` (`postgres://user:password@host:port/database?sslmode=disable`).
    /// Nothing connects until ``run()`` runs the pool.
    public init(url: String, logger: Logger) throws {
        self.client = PostgresClient(configuration: try Self.configuration(url: url), backgroundLogger: logger)
        self.logger = logger
    }

    public func run() async throws {
        await self.client.run()
    }

    public func close() async throws {}

    public func query(_ sql: SQL) async throws -> [DatabaseRow] {
        try await Self.translatingErrors {
            try await Self.collect(try await self.client.query(Self.postgresQuery(sql), logger: self.logger))
        }
    }

    public func transaction<Result: Sendable>(_ body: @Sendable (any DatabaseExecutor) async throws -> Result) async throws -> Result {
        try await self.client.withConnection { connection in
            let executor = Connection(connection: connection, logger: self.logger)
            try await executor.execute("BEGIN")
            do {
                let result = try await body(executor)
                try await executor.execute("COMMIT")
                return result
            } catch {
                _ = try? await connection.query("ROLLBACK", logger: self.logger)
                throw error
            }
        }
    }

    public func executeScript(_ script: String) async throws {
        for statement in SQL.statements(in: script) {
            try await self.execute(SQL(stringLiteral: statement))
        }
    }

    /// A connection lent to one transaction.
    private struct Connection: DatabaseExecutor {
        let connection: PostgresConnection
        let logger: Logger
        var dialect: SQLDialect { .postgres }

        func query(_ sql: SQL) async throws -> [DatabaseRow] {
            try await PostgresBackend.translatingErrors {
                try await PostgresBackend.collect(
                    try await self.connection.query(PostgresBackend.postgresQuery(sql), logger: self.logger)
                )
            }
        }

        /// COPY in text format, streamed in buffers of about a megabyte.
        func insert(into table: String, columns: [String], rows: [[DatabaseValue]]) async throws {
            guard !rows.isEmpty else { return }
            try await PostgresBackend.translatingErrors {
                try await self.connection.copyFrom(table: table, columns: columns, logger: self.logger) { writer in
                    var buffer = ByteBuffer()
                    buffer.reserveCapacity(1 << 20)
                    for row in rows {
                        for (index, value) in row.enumerated() {
                            if index > 0 { buffer.writeInteger(UInt8(ascii: "\t")) }
                            CopyText.write(value, into: &buffer)
                        }
                        buffer.writeInteger(UInt8(ascii: "\n"))
                        if buffer.readableBytes >= 1 << 20 {
                            try await writer.write(buffer)
                            buffer.clear()
                        }
                    }
                    if buffer.readableBytes > 0 { try await writer.write(buffer) }
                }
            }
        }
    }

    static func postgresQuery(_ sql: SQL) -> PostgresQuery {
        var bindings = PostgresBindings(capacity: sql.binds.count)
        for value in sql.binds {
            switch value {
            case .null: bindings.appendNull()
            case .integer(let value): bindings.append(value)
            case .double(let value): bindings.append(value)
            case .text(let value): bindings.append(value)
            case .bool(let value): bindings.append(value)
            case .instant(let value): bindings.append(value)
            case .blob(let bytes): bindings.append(ByteBuffer(bytes: bytes))
            }
        }
        return PostgresQuery(unsafeSQL: sql.render { "$\($0)" }, binds: bindings)
    }

    static func collect(_ rows: PostgresRowSequence) async throws -> [DatabaseRow] {
        var result: [DatabaseRow] = []
        for try await row in rows {
            result.append(DatabaseRow(try row.map(Self.value)))
        }
        return result
    }

    private static func value(_ cell: PostgresCell) throws -> DatabaseValue {
        guard cell.bytes != nil else { return .null }
        switch cell.dataType {
        case .int2, .int4, .int8: return .integer(try cell.decode(Int64.self))
        case .float4, .float8: return .double(try cell.decode(Double.self))
        case .bool: return .bool(try cell.decode(Bool.self))
        case .timestamptz, .timestamp: return .instant(try cell.decode(Date.self))
        case .bytea: return .blob(Array(try cell.decode(ByteBuffer.self).readableBytesView))
        default: return .text(try cell.decode(String.self))
        }
    }

    static func translatingErrors<Result>(_ body: () async throws -> Result) async throws -> Result {
        do {
            return try await body()
        } catch let error as PSQLError {
            guard let info = error.serverInfo else { throw DatabaseError.other(String(reflecting: error)) }
            let constraint = info[.constraintName] ?? ""
            switch info[.sqlState] {
            case "23505": throw DatabaseError.uniqueViolation(constraint: constraint)
            case "23503": throw DatabaseError.foreignKeyViolation(constraint: constraint)
            default: throw DatabaseError.other(info[.message] ?? String(reflecting: error))
            }
        }
    }

    /// Reads a `postgres://` URL into a client configuration.
    static func configuration(url text: String) throws -> PostgresClient.Configuration {
        guard let url = URLComponents(string: text), url.scheme == "postgres" || url.scheme == "postgresql",
            let host = url.host, !host.isEmpty
        else {
            throw DatabaseError.other("DATABASE_URL must look like postgres://user:password@host:5432/database")
        }
        let parameters = Dictionary((url.queryItems ?? []).map { ($0.name, $0.value ?? "") }) { $1 }
        let tls: PostgresClient.Configuration.TLS
        switch parameters["sslmode"] ?? "prefer" {
        case "disable": tls = .disable
        case "require", "verify-ca", "verify-full": tls = .require(.makeClientConfiguration())
        default: tls = .prefer(.makeClientConfiguration())
        }
        let database = url.path.hasPrefix("/") ? String(url.path.dropFirst()) : url.path
        var configuration = PostgresClient.Configuration(
            host: host,
            port: url.port ?? 5432,
            username: url.user?.removingPercentEncoding ?? "postgres",
            password: url.password?.removingPercentEncoding,
            database: database.isEmpty ? nil : database,
            tls: tls
        )
        configuration.options.maximumConnections = Int(parameters["pool_max"] ?? "") ?? 20
        return configuration
    }
}
