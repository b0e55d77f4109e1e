import Foundation
import Logging
import NIOCore
import NIOSSL
import PostgresNIO
import ServiceLifecycle
import Synchronization

/// The production store: PostgreSQL through a pooled `PostgresClient`.
///
/// Every piece of work is bounded in time: waiting for a connection by ``DatabaseTimeouts/connect``
/// (then `unavailable`), each statement by ``DatabaseTimeouts/statement`` (enforced by the server,
/// and by closing the connection should the server not answer at all). When the pool still cannot
/// connect after the database came back (its back-off grows to a minute), a fresh pool replaces it.
public final class PostgresBackend: Database {
    public let dialect = SQLDialect.postgres
    private let configuration: PostgresClient.Configuration
    /// The same server for a single connection outside the pool: the watch's probe.
    private let probe: PostgresConnection.Configuration
    private let timeouts: DatabaseTimeouts
    private let logger: Logger
    private let pools: Pools

    /// Creates a backend for `url` (`postgres://user:password@host:port/database?sslmode=disable`).
    /// Nothing connects until ``run()`` runs the pool.
    public init(url: String, timeouts: DatabaseTimeouts = .init(), logger: Logger) throws {
        var configuration = try Self.configuration(url: url)
        configuration.options.connectTimeout = timeouts.connect
        if let statement = timeouts.statement {
            configuration.options.additionalStartupParameters.append(
                ("statement_timeout", "\(statement.components.seconds * 1000 + statement.components.attoseconds / 1_000_000_000_000_000)")
            )
        }
        self.configuration = configuration
        self.probe = try Self.probeConfiguration(url: url, connectTimeout: timeouts.connect)
        self.timeouts = timeouts
        self.logger = logger
        self.pools = Pools(PostgresClient(configuration: configuration, backgroundLogger: logger))
    }

    /// Runs the pool, and a watch that replaces it when it cannot reach a database that answers again.
    public func run() async throws {
        await withDiscardingTaskGroup { group in
            group.addTask {
                await cancelWhenGracefulShutdown { await self.watch() }
                self.pools.finish()
            }
            for await client in self.pools.started {
                group.addTask { await self.pools.run(client) }
            }
        }
    }

    public func close() async throws {}

    public func ping() async throws {
        _ = try await self.query("SELECT 1")
    }

    public func query(_ sql: SQL) async throws -> [DatabaseRow] {
        try await retrying {
            try await self.withConnection { try await $0.query(sql) }
        }
    }

    public func transaction<Result: Sendable>(
        _ options: TransactionOptions,
        _ body: @escaping @Sendable (any DatabaseExecutor) async throws -> Result
    ) async throws -> Result {
        try await retrying(attempts: options.retry ? 3 : 1) {
            try await self.withConnection(unlimited: options.unlimited) { executor in
                try await executor.execute("BEGIN")
                let result: Result
                do {
                    if options.unlimited { try await executor.execute("SET LOCAL statement_timeout = 0") }
                    result = try await body(executor)
                } catch {
                    // A closed connection rolled back with the server's session; asking it would only wait.
                    if !executor.connection.isClosed { try? await executor.execute("ROLLBACK") }
                    throw error
                }
                do {
                    try await executor.execute("COMMIT")
                } catch DatabaseError.connectionLost(let message) {
                    // Whether the commit happened is unknown: never run the body again.
                    throw DatabaseError.unavailable("the connection was lost while committing (\(message)); the change may or may not be stored")
                }
                return result
            }
        }
    }

    public func snapshot<Result: Sendable>(_ body: @escaping @Sendable (any DatabaseExecutor) async throws -> Result) async throws -> Result {
        try await self.transaction { db in
            try await db.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
            return try await body(db)
        }
    }

    public func executeScript(_ script: String) async throws {
        for statement in SQL.statements(in: script) {
            try await self.execute(SQL(unsafeSQL: statement))
        }
    }

    /// Leases a connection, waiting at most the connect timeout, and lends it to `body`.
    private func withConnection<Result: Sendable>(
        unlimited: Bool = false,
        _ body: @Sendable @escaping (Connection) async throws -> Result
    ) async throws -> Result {
        // A pool leased before it runs warns and waits: give the service a moment to start it.
        while !self.pools.isRunning { try await Task.sleep(for: .milliseconds(1)) }
        let client = self.pools.current
        let leased = Flag()
        let statementTimeout = unlimited ? nil : self.timeouts.statement
        return try await withThrowingTaskGroup(of: Result?.self) { group in
            group.addTask {
                try await Self.translatingErrors {
                    try await client.withConnection { connection in
                        leased.set()
                        self.pools.lent()
                        defer { self.pools.returned() }
                        return try await body(Connection(connection: connection, statementTimeout: statementTimeout, logger: self.logger))
                    }
                }
            }
            group.addTask {
                try await Task.sleep(for: self.timeouts.connect)
                guard !leased.isSet else { return nil }
                if await self.answers() {
                    // PostgreSQL answers: the pool is busy, or slow to connect under load, not cut
                    // off. Wait as long as a statement may run. With no connection lent at all, the
                    // pool may be stuck in its back-off: the watch replaces it should that last.
                    if !self.pools.isBusy { self.pools.leaseTimedOut() }
                    let longest = max(self.timeouts.statement ?? .seconds(30), self.timeouts.connect)
                    try await Task.sleep(for: longest - self.timeouts.connect)
                    guard leased.isSet else { throw DatabaseError.unavailable("every connection to PostgreSQL stayed busy for \(longest)") }
                    return nil
                }
                self.pools.leaseTimedOut()
                throw DatabaseError.unavailable("no connection to PostgreSQL within \(self.timeouts.connect)")
            }
            while let next = try await group.next() {
                if let result = next {
                    group.cancelAll()
                    return result
                }
            }
            throw CancellationError()
        }
    }

    /// Every second while connections cannot be had: if a connection made outside the pool
    /// succeeds, the pool is stuck in its back-off and a fresh one takes over.
    private func watch() async {
        while !Task.isCancelled {
            try? await Task.sleep(for: .seconds(1))
            guard self.pools.isFailing(for: .seconds(2)), await self.answers() else { continue }
            self.logger.notice("PostgreSQL answers again: starting a fresh connection pool")
            self.pools.replace(with: PostgresClient(configuration: self.configuration, backgroundLogger: self.logger), retiring: .seconds(900))
        }
    }

    /// Whether PostgreSQL takes a connection made outside the pool.
    private func answers() async -> Bool {
        guard let connection = try? await PostgresConnection.connect(configuration: self.probe, id: 0, logger: self.logger) else { return false }
        try? await connection.close()
        return true
    }

    /// A connection lent to one piece of work; every statement is bounded by the statement timeout.
    fileprivate struct Connection: OpenTransaction {
        let connection: PostgresConnection
        let statementTimeout: Duration?
        let logger: Logger
        var dialect: SQLDialect { .postgres }

        func query(_ sql: SQL) async throws -> [DatabaseRow] {
            try await self.bounded {
                if let text = sql.preparedAs { return try await self.execute(text, PostgresBackend.bindings(sql)) }
                return try await PostgresBackend.collect(
                    try await self.connection.query(PostgresBackend.postgresQuery(sql), logger: self.logger)
                )
            }
        }

        /// A statement that fails takes its connection with it: PostgresNIO keeps a failed
        /// preparation's error for the connection's life (a timeout while a migration held a lock
        /// would refuse every later batch there), so the pool opens a fresh one instead.
        private func execute<Text: PreparedStatementText>(_ text: Text.Type, _ bindings: PostgresBindings) async throws -> [DatabaseRow] {
            do {
                return try await PostgresBackend.collect(try await self.connection.execute(Prepared<Text>(bindings: bindings), logger: self.logger))
            } catch {
                self.connection.close().whenComplete { _ in }
                throw error
            }
        }

        /// COPY in text format, streamed in buffers of about a megabyte.
        func insert(into table: String, columns: [String], rows: [[DatabaseValue]]) async throws {
            guard !rows.isEmpty else { return }
            try await self.bounded {
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

        /// Runs one statement. Should the connection close under it, the caller is answered
        /// `connectionLost` at once; should neither it nor the server's own timeout end it a little
        /// after the statement timeout (the server went away without a word), `unavailable`, and
        /// the connection is closed. Either way the statement is left to fail on its own.
        private func bounded<Result: Sendable>(_ body: @Sendable @escaping () async throws -> Result) async throws -> Result {
            guard let timeout = self.statementTimeout else { return try await PostgresBackend.translatingErrors(body) }
            let connection = self.connection
            return try await Deadline.race(
                timeout + .seconds(2),
                body: { try await PostgresBackend.translatingErrors(body) },
                expired: {
                    connection.close().whenComplete { _ in }
                    return DatabaseError.unavailable("PostgreSQL did not answer within \(timeout)")
                },
                // A connection the server closes (a restart) ends the statement at once, even a COPY.
                or: connection.closeFuture,
                { DatabaseError.connectionLost("the server closed the connection") }
            )
        }
    }

    /// A statement PostgresNIO prepares on each connection the first time it runs there.
    private struct Prepared<Text: PreparedStatementText>: PostgresPreparedStatement {
        static var name: String { String(reflecting: Text.self) }
        static var sql: String { Text.text }
        let bindings: PostgresBindings

        func makeBindings() -> PostgresBindings { self.bindings }
        func decodeRow(_ row: PostgresRow) -> PostgresRow { row }
    }

    static func postgresQuery(_ sql: SQL) -> PostgresQuery {
        PostgresQuery(unsafeSQL: sql.render { "$\($0)" }, binds: Self.bindings(sql))
    }

    static func bindings(_ sql: SQL) -> PostgresBindings {
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
        return bindings
    }

    static func collect(_ rows: some AsyncSequence<PostgresRow, any Error>) async throws -> [DatabaseRow] {
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
            throw Self.translate(error)
        }
    }

    /// What a PostgreSQL error means for the caller, by its SQLSTATE.
    static func translate(_ error: PSQLError) -> DatabaseError {
        guard let info = error.serverInfo, let state = info[.sqlState] else {
            switch error.code {
            case .connectionError, .uncleanShutdown:
                return .unavailable("cannot connect to PostgreSQL")
            case .serverClosedConnection, .clientClosedConnection, .messageDecodingFailure:
                return .connectionLost(String(describing: error.code))
            default:
                return .other(String(reflecting: error))
            }
        }
        let message = info[.message] ?? String(reflecting: error)
        let constraint = info[.constraintName] ?? ""
        switch state {
        case "23505": return .uniqueViolation(constraint: constraint)
        case "23503": return .foreignKeyViolation(constraint: constraint)
        case "40001", "40P01": return .transient(message)
        case "57014": return .unavailable("a statement ran past the statement timeout")
        case "57P01", "57P02": return .connectionLost(message)
        case "57P03", "53300": return .unavailable(message)
        case _ where state.hasPrefix("08"): return .connectionLost(message)
        case _ where state.hasPrefix("22"): return .invalidValue(message)
        default: return .other(message)
        }
    }

    /// The parts of a `postgres://` URL.
    private struct Endpoint {
        var host: String
        var port: Int
        var username: String
        var password: String?
        var database: String?
        var tls: TLSMode
        var poolSize: Int

        /// `sslmode` as the two configurations below need it.
        enum TLSMode {
            case disable, prefer, require
        }

        init(url text: String) throws {
            guard let url = URLComponents(string: text), url.scheme == "postgres" || url.scheme == "postgresql",
                let host = url.host, !host.isEmpty
            else {
                throw DatabaseError.other("DATABASE_URL must look like postgres://user:password@host:5432/database")
            }
            let parameters = Dictionary((url.queryItems ?? []).map { ($0.name, $0.value ?? "") }) { $1 }
            let database = url.path.hasPrefix("/") ? String(url.path.dropFirst()) : url.path
            self.host = host
            self.port = url.port ?? 5432
            self.username = url.user?.removingPercentEncoding ?? "postgres"
            self.password = url.password?.removingPercentEncoding
            self.database = database.isEmpty ? nil : database
            switch parameters["sslmode"] ?? "prefer" {
            case "disable": self.tls = .disable
            case "require", "verify-ca", "verify-full": self.tls = .require
            default: self.tls = .prefer
            }
            self.poolSize = Int(parameters["pool_max"] ?? "") ?? 20
        }
    }

    /// Reads a `postgres://` URL into a client configuration.
    static func configuration(url text: String) throws -> PostgresClient.Configuration {
        let endpoint = try Endpoint(url: text)
        let tls: PostgresClient.Configuration.TLS =
            switch endpoint.tls {
            case .disable: .disable
            case .require: .require(.makeClientConfiguration())
            case .prefer: .prefer(.makeClientConfiguration())
            }
        var configuration = PostgresClient.Configuration(
            host: endpoint.host,
            port: endpoint.port,
            username: endpoint.username,
            password: endpoint.password,
            database: endpoint.database,
            tls: tls
        )
        configuration.options.maximumConnections = endpoint.poolSize
        return configuration
    }

    private static func probeConfiguration(url text: String, connectTimeout: Duration) throws -> PostgresConnection.Configuration {
        let endpoint = try Endpoint(url: text)
        let tls: PostgresConnection.Configuration.TLS =
            switch endpoint.tls {
            case .disable: .disable
            case .require: .require(try NIOSSLContext(configuration: .makeClientConfiguration()))
            case .prefer: .prefer(try NIOSSLContext(configuration: .makeClientConfiguration()))
            }
        var configuration = PostgresConnection.Configuration(
            host: endpoint.host,
            port: endpoint.port,
            username: endpoint.username,
            password: endpoint.password,
            database: endpoint.database,
            tls: tls
        )
        configuration.options.connectTimeout = .seconds(max(1, min(2, connectTimeout.components.seconds)))
        return configuration
    }
}

/// The pool in use, and the ones it replaced until they are retired.
private final class Pools: Sendable {
    private struct State {
        var current: PostgresClient
        /// Since when leases time out; nil while connections are had.
        var failingSince: ContinuousClock.Instant?
        /// How many connections are lent right now.
        var lent = 0
        /// The task running each pool.
        var running: [ObjectIdentifier: Task<Void, Never>] = [:]
    }

    /// Whether the pool in use runs.
    var isRunning: Bool { self.state.withLock { $0.running[ObjectIdentifier($0.current)] != nil } }
    private let state: Mutex<State>
    /// Each pool to run, the first one included.
    let started: AsyncStream<PostgresClient>
    private let start: AsyncStream<PostgresClient>.Continuation

    init(_ first: PostgresClient) {
        self.state = Mutex(State(current: first))
        (self.started, self.start) = AsyncStream.makeStream()
        self.start.yield(first)
    }

    var current: PostgresClient { self.state.withLock { $0.current } }

    /// Whether leases have been timing out, with none lent since, for at least `interval`.
    func isFailing(for interval: Duration) -> Bool {
        self.state.withLock { $0.failingSince.map { ContinuousClock.now - $0 >= interval } ?? false }
    }

    func lent() {
        self.state.withLock {
            $0.failingSince = nil
            $0.lent += 1
        }
    }

    func returned() {
        self.state.withLock { $0.lent -= 1 }
    }

    /// Whether someone holds a connection: a lease that waits may be waiting for them, not for PostgreSQL.
    var isBusy: Bool { self.state.withLock { $0.lent > 0 } }

    func leaseTimedOut() {
        self.state.withLock { $0.failingSince = $0.failingSince ?? .now }
    }

    /// Makes `client` the pool in use; the one before keeps serving what it lent (a long import,
    /// say) for `retiring`.
    func replace(with client: PostgresClient, retiring: Duration) {
        let old = self.state.withLock { state in
            defer {
                state.current = client
                state.failingSince = nil
            }
            return state.current
        }
        self.start.yield(client)
        Task {
            try? await Task.sleep(for: retiring)
            self.state.withLock { $0.running.removeValue(forKey: ObjectIdentifier(old)) }?.cancel()
        }
    }

    /// Runs `client` until it is retired, cancelled or the service shuts down.
    func run(_ client: PostgresClient) async {
        let running = Task { await client.run() }
        self.state.withLock { $0.running[ObjectIdentifier(client)] = running }
        await withTaskCancellationHandler {
            await running.value
        } onCancel: {
            running.cancel()
        }
    }

    func finish() { self.start.finish() }
}

/// A flag set once, read from any task; ``claim()`` tells the first to set it.
private final class Flag: Sendable {
    private let value = Mutex(false)

    var isSet: Bool { self.value.withLock { $0 } }

    func set() { _ = self.claim() }

    /// Sets the flag; true only for the caller that set it first.
    func claim() -> Bool {
        self.value.withLock { isSet in
            defer { isSet = true }
            return !isSet
        }
    }
}

/// Answers a caller in time even when the work it waits for never ends.
enum Deadline {
    /// The result of `body`, or the error `expired` gives once `limit` has passed, or the error
    /// `happened` gives once `event` completes, whichever comes first. Unlike a task group, which
    /// waits for every child, this leaves a `body` that ignores cancellation to end on its own.
    static func race<Result: Sendable>(
        _ limit: Duration,
        body: @escaping @Sendable () async throws -> Result,
        expired: @escaping @Sendable () -> any Error,
        or event: EventLoopFuture<Void>? = nil,
        _ happened: @escaping @Sendable () -> any Error = { CancellationError() }
    ) async throws -> Result {
        let answer = Flag()
        return try await withCheckedThrowingContinuation { continuation in
            event?.whenComplete { _ in
                if answer.claim() { continuation.resume(throwing: happened()) }
            }
            let timer = Task {
                try await Task.sleep(for: limit)
                if answer.claim() { continuation.resume(throwing: expired()) }
            }
            Task {
                do {
                    let result = try await body()
                    if answer.claim() { continuation.resume(returning: result) }
                } catch {
                    if answer.claim() { continuation.resume(throwing: error) }
                }
                timer.cancel()
            }
        }
    }
}
