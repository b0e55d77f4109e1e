import Foundation
import Logging
import PactaStore

/// The databases a contract test runs against: SQLite always, PostgreSQL when the test
/// command started a throwaway cluster and exported `PACTA_TEST_POSTGRES_URL`.
public enum TestDatabase: String, Sendable, CaseIterable {
    case sqlite
    case postgres

    /// The backends available to this run. Under CI PostgreSQL is mandatory.
    public static var available: [TestDatabase] {
        if ProcessInfo.processInfo.environment["PACTA_TEST_POSTGRES_URL"] != nil { return [.sqlite, .postgres] }
        if ProcessInfo.processInfo.environment["CI"] != nil {
            fatalError("CI runs need PostgreSQL: run the tests through scripts/test.sh")
        }
        return [.sqlite]
    }

    /// The logger of test stores, for the ones tests open themselves too.
    public static let logger: Logger = {
        var logger = Logger(label: "pacta.test")
        logger.logLevel = .warning
        return logger
    }()

    /// Runs `body` with a fresh, migrated, empty store of this kind, and throws it away afterwards.
    public func withStore<Result: Sendable>(_ body: @Sendable (Store) async throws -> Result) async throws -> Result {
        try await self.withEmptyDatabase { url in
            try await Store.open(url: url, logger: Self.logger).withRunning { store in
                try await store.migrate(logger: Self.logger)
                return try await body(store)
            }
        }
    }

    /// Runs `body` with the URL of a fresh database that nothing has migrated, thrown away afterwards.
    public func withEmptyDatabase<Result: Sendable>(_ body: @Sendable (String) async throws -> Result) async throws -> Result {
        switch self {
        case .sqlite:
            let directory = FileManager.default.temporaryDirectory.appendingPathComponent("pacta-test-\(UUID().uuidString)")
            defer { try? FileManager.default.removeItem(at: directory) }
            return try await body(directory.appendingPathComponent("pacta.sqlite").path)
        case .postgres:
            // Swift Testing runs every test at once: at most a few dozen databases exist together,
            // so that their connections stay below the server's `max_connections`.
            await Self.postgresSlots.acquire()
            defer { Task { await Self.postgresSlots.release() } }
            let adminURL = ProcessInfo.processInfo.environment["PACTA_TEST_POSTGRES_URL"]!
            let name = "pacta_test_\(UUID().uuidString.prefix(8).lowercased())"
            let admin = try await Store.open(url: adminURL, logger: Self.logger)
            return try await admin.withRunning { admin in
                try await admin.database.execute(SQL(unsafeSQL: "CREATE DATABASE \(name)"))
                do {
                    let result = try await body(Self.replacingDatabase(in: adminURL, with: name))
                    try await admin.database.execute(SQL(unsafeSQL: "DROP DATABASE \(name) WITH (FORCE)"))
                    return result
                } catch {
                    try? await admin.database.execute(SQL(unsafeSQL: "DROP DATABASE \(name) WITH (FORCE)"))
                    throw error
                }
            }
        }
    }

    /// Databases that may exist at once on the test server; each holds at most 1 + `pool_max` connections.
    static let postgresSlots = Slots(24)

    /// A counting semaphore for tasks.
    actor Slots {
        private var free: Int
        private var waiting: [CheckedContinuation<Void, Never>] = []

        init(_ count: Int) { self.free = count }

        func acquire() async {
            if self.free > 0 {
                self.free -= 1
                return
            }
            await withCheckedContinuation { self.waiting.append($0) }
        }

        func release() {
            if self.waiting.isEmpty {
                self.free += 1
            } else {
                self.waiting.removeFirst().resume()
            }
        }
    }

    /// The URL of database `name` on the test server, with a small pool: tests run in parallel,
    /// and their pools together must stay below the server's `max_connections`.
    private static func replacingDatabase(in url: String, with name: String) -> String {
        var components = URLComponents(string: url)!
        components.path = "/" + name
        components.queryItems = (components.queryItems ?? []).filter { $0.name != "pool_max" } + [URLQueryItem(name: "pool_max", value: "6")]
        return components.string!
    }
}
