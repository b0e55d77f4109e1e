import Foundation
import Logging
import PactaCore

/// Applies the plain `.sql` files of `sql/<dialect>/` in name order, each in its own transaction,
/// and records each one with the SHA-256 of its text. An applied file that changed since, or a new
/// file that sorts before one already applied, is an error.
public struct Migrator: Sendable {
    /// One migration file.
    public struct Migration: Sendable, Hashable {
        /// File name, e.g. `0001_foundation.sql`; the order key.
        public var name: String
        public var script: String
        public var checksum: String { Hashing.sha256Hex(self.script.utf8) }

        public init(name: String, script: String) {
            self.name = name
            self.script = script
        }
    }

    /// What a run found or did.
    public struct Report: Sendable, Hashable {
        /// Migrations recorded before this run.
        public var alreadyApplied: [String]
        /// Migrations applied (or, in a dry run, that would be applied).
        public var pending: [String]
    }

    public let migrations: [Migration]

    public init(migrations: [Migration]) {
        self.migrations = migrations.sorted { $0.name < $1.name }
    }

    /// Loads every `.sql` file in `directory`.
    public init(directory: URL) throws {
        let names = try FileManager.default.contentsOfDirectory(atPath: directory.path).filter { $0.hasSuffix(".sql") }
        self.init(
            migrations: try names.map { name in
                Migration(name: name, script: try String(contentsOf: directory.appendingPathComponent(name), encoding: .utf8))
            }
        )
    }

    /// Checks the recorded migrations against the files and applies the pending ones, unless `dryRun`.
    ///
    /// Every step holds the migration lock, so that instances starting together on one database
    /// take turns: the second finds the first one's migrations recorded and skips them.
    @discardableResult
    public func migrate(_ database: any Database, dryRun: Bool = false, logger: Logger) async throws -> Report {
        let report = try await database.transaction(.init(unlimited: true)) { db in
            try await db.lock(.migration)
            try await db.execute(
                """
                CREATE TABLE IF NOT EXISTS schema_migrations (
                    name TEXT PRIMARY KEY,
                    checksum TEXT NOT NULL,
                    applied_at TEXT NOT NULL
                )
                """
            )
            let recorded = try await self.check(in: db)
            let pending = self.migrations.filter { recorded[$0.name] == nil }
            // A file slipped in before one already applied would run after it here, but before it
            // on a fresh database: the two would end up with different schemas.
            if let latest = recorded.keys.max(), let early = pending.first(where: { $0.name < latest }) {
                throw DatabaseError.migration(
                    "Migration \(early.name) sorts before \(latest), which this database already has: it would be applied out of order. Rename it to sort after \(latest)."
                )
            }
            return Report(alreadyApplied: recorded.keys.sorted(), pending: pending.map(\.name))
        }
        guard !dryRun else { return report }
        for migration in self.migrations where report.pending.contains(migration.name) {
            try await database.transaction(.init(unlimited: true)) { db in
                try await db.lock(.migration)
                // Another instance may have applied it meanwhile.
                guard try await db.first("SELECT 1 FROM schema_migrations WHERE name = \(migration.name)") == nil else { return }
                logger.info("Applying migration", metadata: ["migration": "\(migration.name)"])
                for statement in SQL.statements(in: migration.script) {
                    try await db.execute(SQL(unsafeSQL: statement))
                }
                try await db.execute(
                    "INSERT INTO schema_migrations (name, checksum, applied_at) VALUES (\(migration.name), \(migration.checksum), \(ISO8601DateFormatter().string(from: Date())))"
                )
            }
        }
        return report
    }

    /// The recorded migrations by name, once checked against the files: none unknown, none changed.
    private func check(in db: any DatabaseExecutor) async throws -> [String: String] {
        var recorded: [String: String] = [:]
        for row in try await db.query("SELECT name, checksum FROM schema_migrations ORDER BY name") {
            let (name, checksum) = try row.decode((String, String).self)
            recorded[name] = checksum
        }
        let known = Dictionary(uniqueKeysWithValues: self.migrations.map { ($0.name, $0) })
        for (name, checksum) in recorded.sorted(by: { $0.key < $1.key }) {
            guard let migration = known[name] else {
                throw DatabaseError.migration(
                    "The database has migration \(name) applied, but no such file exists in sql/\(db.dialect.rawValue)/. Is this Pacta older than the database?"
                )
            }
            guard migration.checksum == checksum else {
                throw DatabaseError.migration(
                    "Migration \(name) was changed after it was applied (recorded checksum \(checksum.prefix(12))…, file \(migration.checksum.prefix(12))…). Applied migrations must never change: restore the file and add a new migration instead."
                )
            }
        }
        return recorded
    }
}
