import Foundation
import Logging
import PactaStore
import PactaTestSupport
import Testing

@Suite struct MigratorTests {
    let logger = Logger(label: "test")

    @Test(arguments: TestDatabase.available)
    func migrationsApplyOnceAndChangedFilesAreRefused(database: TestDatabase) async throws {
        try await database.withStore { store in
            let files = try Migrator(directory: try ResourceLocator.migrations(for: store.database.dialect)).migrations
            // The store is already migrated: running again applies nothing.
            let again = try await Migrator(migrations: files).migrate(store.database, logger: self.logger)
            #expect(again.pending.isEmpty && again.alreadyApplied == files.map(\.name))

            let extra = Migrator.Migration(name: "9999_extra.sql", script: "CREATE TABLE extra (id INTEGER);\nINSERT INTO extra VALUES (1);")
            let dry = try await Migrator(migrations: files + [extra]).migrate(store.database, dryRun: true, logger: self.logger)
            #expect(dry.pending == ["9999_extra.sql"])
            await #expect(throws: DatabaseError.self) { try await store.database.execute("SELECT id FROM extra") }
            try await Migrator(migrations: files + [extra]).migrate(store.database, logger: self.logger)
            #expect(try await store.database.query("SELECT id FROM extra").count == 1)

            var tampered = extra
            tampered.script += "\n-- edited"
            let error = try await #require(throws: DatabaseError.self) {
                try await Migrator(migrations: files + [tampered]).migrate(store.database, logger: self.logger)
            }
            #expect("\(error)".contains("9999_extra.sql was changed after it was applied"))
            await #expect(throws: DatabaseError.self) {
                try await Migrator(migrations: files).migrate(store.database, logger: self.logger)
            }
        }
    }

    @Test(arguments: TestDatabase.available)
    func aFailingMigrationLeavesNothingBehind(database: TestDatabase) async throws {
        try await database.withStore { store in
            let files = try Migrator(directory: try ResourceLocator.migrations(for: store.database.dialect)).migrations
            let broken = Migrator.Migration(name: "9999_broken.sql", script: "CREATE TABLE half (id INTEGER);\nTHIS IS NOT SQL;")
            await #expect(throws: (any Error).self) {
                try await Migrator(migrations: files + [broken]).migrate(store.database, logger: self.logger)
            }
            await #expect(throws: DatabaseError.self) { try await store.database.execute("SELECT id FROM half") }
            let report = try await Migrator(migrations: files + [broken]).migrate(store.database, dryRun: true, logger: self.logger)
            #expect(report.pending == ["9999_broken.sql"])
        }
    }

    @Test(arguments: TestDatabase.available)
    func aMigrationThatSortsBeforeOneAppliedIsRefused(database: TestDatabase) async throws {
        try await database.withStore { store in
            let files = try Migrator(directory: try ResourceLocator.migrations(for: store.database.dialect)).migrations
            let later = Migrator.Migration(name: "9999_later.sql", script: "CREATE TABLE later (id INTEGER);")
            try await Migrator(migrations: files + [later]).migrate(store.database, logger: self.logger)
            // Written on a branch before 9999 landed: applied now, it would run after 9999 here and before it elsewhere.
            let slipped = Migrator.Migration(name: "9000_slipped.sql", script: "CREATE TABLE slipped (id INTEGER);")
            let error = try await #require(throws: DatabaseError.self) {
                try await Migrator(migrations: files + [slipped, later]).migrate(store.database, logger: self.logger)
            }
            #expect("\(error)".contains("9000_slipped.sql sorts before 9999_later.sql"))
            await #expect(throws: DatabaseError.self) { try await store.database.execute("SELECT id FROM slipped") }
        }
    }
}
