import Foundation
import Logging
import PactaCore
import ServiceLifecycle

/// The repositories, written once: over the whole database, where each call is its own
/// transaction, or over one open transaction (``Store/transaction(_:_:)``), where they all join it.
public protocol Repositories: Sendable {
    /// Where the repositories run their statements.
    var executor: any DatabaseExecutor { get }
}

extension Repositories {
    public var units: UnitRepository { UnitRepository(db: self.executor) }
    public var calendars: CalendarRepository { CalendarRepository(db: self.executor) }
    public var agreements: AgreementRepository { AgreementRepository(db: self.executor) }
    public var users: UserRepository { UserRepository(db: self.executor) }
    public var tokens: TokenRepository { TokenRepository(db: self.executor) }
    public var keyValues: KeyValueRepository { KeyValueRepository(db: self.executor) }
    public var requests: RequestRepository { RequestRepository(db: self.executor) }
    public var manualValues: ManualValueRepository { ManualValueRepository(db: self.executor) }
    public var ledger: LedgerRepository { LedgerRepository(db: self.executor) }
    public var loginThrottle: LoginThrottle { LoginThrottle(db: self.executor) }
    public var campaigns: CampaignRepository { CampaignRepository(db: self.executor) }
}

/// Pacta's storage: one ``Database`` (PostgreSQL or SQLite) and the repositories written once on top of it.
///
/// ```swift
/// try await store.transaction { tx in
///     try await tx.units.create(unit, by: actor, at: now)
///     try await tx.calendars.create(calendar, owner: unit.code, by: actor, at: now)
/// }
/// ```
public struct Store: Repositories {
    public let database: any Database

    public init(database: any Database) {
        self.database = database
    }

    public var executor: any DatabaseExecutor { self.database }

    /// The repositories inside one transaction: every change made through `tx` is committed when
    /// `body` returns, and none when it throws.
    public func transaction<Result: Sendable>(
        _ options: TransactionOptions = .default,
        _ body: @escaping @Sendable (_ tx: Transaction) async throws -> Result
    ) async throws -> Result {
        try await self.database.transaction(options) { try await body(Transaction(executor: $0)) }
    }

    /// The repositories over one consistent, read-only view of the database, for a page that reads
    /// several tables (see ``DatabaseExecutor/snapshot(_:)``).
    public func snapshot<Result: Sendable>(_ body: @escaping @Sendable (_ tx: Transaction) async throws -> Result) async throws -> Result {
        try await self.database.snapshot { try await body(Transaction(executor: $0)) }
    }

    /// The repositories inside one open transaction.
    public struct Transaction: Repositories {
        public let executor: any DatabaseExecutor
    }

    /// Opens the database named by `url`: `postgres://…` selects PostgreSQL, anything else is a SQLite file path.
    public static func open(url: String, timeouts: DatabaseTimeouts = .init(), logger: Logger) async throws -> Store {
        if url.hasPrefix("postgres://") || url.hasPrefix("postgresql://") {
            return Store(database: try PostgresBackend(url: url, timeouts: timeouts, logger: logger))
        }
        let path = url.hasPrefix("sqlite://") ? String(url.dropFirst("sqlite://".count)) : url
        return Store(database: try await SQLiteBackend.open(path: path, writeTimeout: timeouts.statement, logger: logger))
    }

    /// Applies pending migrations from `sql/<dialect>/`, then starts the ledger if agreements
    /// predate it (see ``LedgerGenesis``), takes requests back from agreements never signed and
    /// counts the request tallies not counted on their agreements' signed terms.
    @discardableResult
    public func migrate(dryRun: Bool = false, logger: Logger) async throws -> Migrator.Report {
        let migrator = try Migrator(directory: try ResourceLocator.migrations(for: self.database.dialect))
        let report = try await migrator.migrate(self.database, dryRun: dryRun, logger: logger)
        if !dryRun {
            try await LedgerGenesis.run(in: self.database, at: Date())
            try await self.requests.rematchUnsigned()
            try await self.requests.recountStaleTallies(at: Date())
        }
        return report
    }

    /// Runs `body` until the database answers it, for start-up: an instance may start before its
    /// database does. Waits at most `limit`, logging each failed try; other errors are thrown at once.
    public static func untilAvailable<Result: Sendable>(
        limit: Duration = .seconds(60),
        logger: Logger,
        _ body: () async throws -> Result
    ) async throws -> Result {
        let deadline = ContinuousClock.now + limit
        while true {
            do {
                return try await body()
            } catch let error as DatabaseError where error.isTemporary && ContinuousClock.now < deadline {
                logger.warning("Waiting for the database", metadata: ["error": "\(error)"])
                try await Task.sleep(for: .seconds(1))
            }
        }
    }

    /// Runs the database's connection pool while `body` runs; for commands and tests outside a service group.
    public func withRunning<Result: Sendable>(_ body: @Sendable (Store) async throws -> Result) async throws -> Result {
        try await withThrowingTaskGroup(of: Void.self) { group in
            // The body starts once the database runs: a pool leased before would warn and wait.
            let (started, running) = AsyncStream<Void>.makeStream()
            group.addTask {
                running.finish()
                try await self.database.run()
            }
            for await _ in started {}
            defer { group.cancelAll() }
            return try await body(self)
        }
    }
}
