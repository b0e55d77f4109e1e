import ArgumentParser
import Configuration
import Foundation
import Logging
import PactaApp
import PactaStore

/// `--database`, shared by every command; falls back to `DATABASE_URL`, then to the SQLite file.
struct DatabaseOptions: ParsableArguments {
    @Option(name: .long, help: "postgres://user:password@host:5432/db, or a SQLite file path (default: $DATABASE_URL, else data/pacta.sqlite).")
    var database: String?

    /// The configuration: flags first, then the environment, then defaults.
    func reader(extra: [AbsoluteConfigKey: ConfigValue] = [:]) -> ConfigReader {
        var values = extra
        if let database { values["database.url"] = .init(.string(database), isSecret: true) }
        return ConfigReader(providers: [InMemoryProvider(values: values), EnvironmentVariablesProvider()])
    }

    /// Opens and migrates the store, runs `body`, and closes the store.
    func withStore<Result: Sendable>(_ body: @Sendable (Store) async throws -> Result) async throws -> Result {
        let logger = {
            var logger = Logger(label: "pacta")
            logger.logLevel = .warning
            return logger
        }()
        let settings = ServerSettings(reader: self.reader())
        let store = try await Store.open(url: settings.databaseURL, logger: logger)
        return try await store.withRunning { store in
            try await store.migrate(logger: logger)
            return try await body(store)
        }
    }
}

/// A failure to report on the terminal, without a stack trace.
struct CommandFailure: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
