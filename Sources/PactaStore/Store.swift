import Foundation
import Logging
import PactaCore
import ServiceLifecycle

/// Pacta's storage: one ``Database`` (PostgreSQL or SQLite) and the repositories written once on top of it.
public struct Store: Sendable {
    public let database: any Database

    public init(database: any Database) {
        self.database = database
    }

    public var units: UnitRepository { UnitRepository(database: self.database) }
    public var calendars: CalendarRepository { CalendarRepository(database: self.database) }
    public var agreements: AgreementRepository { AgreementRepository(database: self.database) }
    public var users: UserRepository { UserRepository(database: self.database) }
    public var tokens: TokenRepository { TokenRepository(database: self.database) }
    public var keyValues: KeyValueRepository { KeyValueRepository(database: self.database) }
    public var requests: RequestRepository { RequestRepository(database: self.database) }
    public var manualValues: ManualValueRepository { ManualValueRepository(database: self.database) }
    public var ledger: LedgerRepository { LedgerRepository(database: self.database) }
    public var loginThrottle: LoginThrottle { LoginThrottle(database: self.database) }

    /// Opens the database named by `url`: `postgres://…` selects PostgreSQL, anything else is a SQLite file path.
    public static func open(url: String, timeouts: DatabaseTimeouts = .init(), logger: Logger) async throws -> Store {
        if url.hasPrefix("postgres://") || url.hasPrefix("postgresql://") {
            return Store(database: try PostgresBackend(url: url, timeouts: timeouts, logger: logger))
        }
        let path = url.hasPrefix("sqlite://") ? String(url.dropFirst("sqlite://".count)) : url
        return Store(database: try await SQLiteBackend.open(path: path, writeTimeout: timeouts.statement, logger: logger))
    }

    /// Applies pending migrations from `sql/<dialect>/`, then starts the ledger if agreements
    /// predate it (see ``LedgerGenesis``) and takes requests back from agreements never signed.
    @discardableResult
    public func migrate(dryRun: Bool = false, logger: Logger) async throws -> Migrator.Report {
        let migrator = try Migrator(directory: try ResourceLocator.migrations(for: self.database.dialect))
        let report = try await migrator.migrate(self.database, dryRun: dryRun, logger: logger)
        if !dryRun {
            try await LedgerGenesis.run(in: self.database, at: Date())
            try await RequestRepository.rematchUnsigned(in: self.database)
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
