import Foundation
import NIOCore
import PactaCore
import PactaStore
import PactaTestSupport
import Testing

/// Several instances and callers at once, a database that goes away, bytes that are not what
/// they should be: every caller gets an answer, nothing is half-written or silently changed.
@Suite struct RobustnessTests {
    // MARK: - Two instances on one database

    @Test(arguments: TestDatabase.available)
    func twoInstancesMigratingAFreshDatabaseBothStart(database: TestDatabase) async throws {
        try await database.withEmptyDatabase { url in
            let first = try await Store.open(url: url, logger: TestDatabase.logger)
            let second = try await Store.open(url: url, logger: TestDatabase.logger)
            try await first.withRunning { first in
                try await second.withRunning { second in
                    async let one = first.migrate(logger: TestDatabase.logger)
                    async let two = second.migrate(logger: TestDatabase.logger)
                    let reports = try await [one, two]
                    // Between them, each migration was applied once.
                    let applied = reports.flatMap(\.pending)
                    let files = try await first.migrate(dryRun: true, logger: TestDatabase.logger).alreadyApplied
                    #expect(Set(applied) == Set(files))
                    let recorded = try await first.database.count("SELECT COUNT(*) FROM schema_migrations", as: Int.self)
                    #expect(recorded == files.count)
                }
            }
        }
    }

    @Test(arguments: TestDatabase.available)
    func aSignerWhoLosesTheRaceToARevisionGetsTheCurrentVersion(database: TestDatabase) async throws {
        try await database.withStore { store in
            try await store.seedOrganisation()
            let ana = Fixtures.signer("ana", unit: "TI")
            let luis = Fixtures.signer("luis", unit: "CRED")
            for attempt in 1...12 {
                let code = "RACE-\(attempt)"
                _ = try await store.agreements.create(code: code, terms: Fixtures.terms(), by: ana, at: Fixtures.now)
                let shown = try await store.agreements.submit(code, by: ana, at: Fixtures.now, today: Fixtures.today)
                _ = try await store.agreements.sign(
                    code,
                    shown: .init(version: shown.version, sha256: shown.sha256),
                    by: ana,
                    at: Fixtures.now,
                    today: Fixtures.today
                )
                var revised = Fixtures.terms()
                revised.summary = "Revisión \(attempt)"
                // The client signs what it was shown while the provider revises it.
                async let signing: Result<Agreement, any Error> = {
                    do {
                        return .success(
                            try await store.agreements.sign(
                                code,
                                shown: .init(version: shown.version, sha256: shown.sha256),
                                by: luis,
                                at: Fixtures.now,
                                today: Fixtures.today
                            )
                        )
                    } catch {
                        return .failure(error)
                    }
                }()
                async let revising: Void = {
                    _ = try await store.agreements.revise(code, terms: revised, by: ana, at: Fixtures.now, today: Fixtures.today)
                }()
                try await revising
                switch await signing {
                case .success(let signed):
                    #expect(signed.version == shown.version)
                case .failure(let error as AgreementError):
                    #expect(error.reason == .versionChanged, "attempt \(attempt): \(error)")
                    #expect(error.current?.version == shown.version + 1)
                case .failure(let error):
                    Issue.record("attempt \(attempt): the signer got \(error)")
                }
            }
        }
    }

    @Test(arguments: TestDatabase.available)
    func overlappingImportsInOppositeOrdersBothSucceed(database: TestDatabase) async throws {
        try await database.withStore { store in
            try await store.seedActiveAgreement()
            let rows = (1...3000).map { "INC-\($0),TI,CRED,Correo,P1,2026-10-05T09:00:00-05:00,,,,\n" }
            for _ in 1...3 {
                async let forwards = Self.importing(rows.joined(), into: store)
                async let backwards = Self.importing(rows.reversed().joined(), into: store)
                let reports = try await [forwards, backwards]
                #expect(reports.allSatisfy { $0.committed }, "\(reports.map(\.problems))")
            }
            #expect(try await store.requests.counts().total == 3000)
        }
    }

    @Test(arguments: TestDatabase.available)
    func readersDoNotWaitForAWriter(database: TestDatabase) async throws {
        try await database.withStore { store in
            try await store.seedActiveAgreement()
            let released = Gate()
            let (entered, enter) = AsyncStream<Void>.makeStream()
            // A long write: it holds the writer until the readers are done (or gives up after 60 s).
            // A reader that waited for it would take the whole minute; one that does not answers at
            // once, but on a machine running the whole suite "at once" can mean seconds (a new pool
            // connection under load), so the readers' limit is far from both.
            async let writing: Void = store.database.transaction(.once) { db in
                try await db.execute("UPDATE agreements SET title = title")
                enter.finish()
                await released.wait(atMost: .seconds(60))
            }
            for await _ in entered {}
            let read = try await Self.within(.seconds(30)) {
                try await store.agreements.list(visibleTo: nil).count
            }
            let snapshot = try await Self.within(.seconds(30)) {
                try await store.agreements.get("TI-CRED", visibleTo: nil)?.agreement.code
            }
            await released.open()
            try await writing
            #expect(read == 1)
            #expect(snapshot == "TI-CRED")
        }
    }

    /// A statement prepared once per connection whose preparation failed (its table was not there
    /// yet) runs once it can: the failure does not stay with the connection.
    @Test(arguments: TestDatabase.available)
    func aPreparedStatementThatFailedRunsOnceItCan(database: TestDatabase) async throws {
        try await database.withStore { store in
            let count = SQL(unsafeSQL: Probe.text).prepared(as: Probe.self)
            await #expect(throws: (any Error).self) { _ = try await store.database.query(count) }
            try await store.database.execute("CREATE TABLE prepared_probe (id INTEGER)")
            for _ in 0..<8 {
                #expect(try await store.database.count(count, as: Int.self) == 0)
            }
        }
    }

    enum Probe: PreparedStatementText {
        static let text = "SELECT COUNT(*) FROM prepared_probe"
    }

    // MARK: - A database that goes away

    static let postgresURL = ProcessInfo.processInfo.environment["PACTA_TEST_POSTGRES_URL"]

    @Test(.enabled(if: Self.postgresURL != nil))
    func anUnreachableDatabaseAnswersUnavailableInsteadOfHanging() async throws {
        // Nothing listens on port 1: every connection attempt fails.
        let store = try await Store.open(
            url: "postgres://pacta@127.0.0.1:1/pacta?sslmode=disable",
            timeouts: .init(connect: .seconds(1)),
            logger: TestDatabase.logger
        )
        try await store.withRunning { store in
            for attempt in 1...2 {
                let error = await #expect(throws: DatabaseError.self, "attempt \(attempt)") {
                    try await Self.within(.seconds(10)) { try await store.database.ping() }
                }
                #expect(error?.isTemporary == true, "\(String(describing: error))")
                await #expect(throws: DatabaseError.self) {
                    try await Self.within(.seconds(10)) { try await store.agreements.list(visibleTo: nil) }
                }
            }
        }
    }

    @Test(.enabled(if: Self.postgresURL != nil))
    func aStatementRunningPastTheTimeoutEnds() async throws {
        try await TestDatabase.postgres.withEmptyDatabase { url in
            let store = try await Store.open(url: url, timeouts: .init(connect: .seconds(5), statement: .seconds(1)), logger: TestDatabase.logger)
            try await store.withRunning { store in
                let error = await #expect(throws: DatabaseError.self) {
                    try await Self.within(.seconds(10)) { try await store.database.execute("SELECT pg_sleep(5)") }
                }
                #expect(error == .unavailable("a statement ran past the statement timeout"))
                // The pool serves the next caller.
                try await store.database.ping()
            }
        }
    }

    @Test(arguments: TestDatabase.available)
    func aWriteWaitingOnAnotherLongerThanTheTimeoutIsAnsweredUnavailable(database: TestDatabase) async throws {
        try await database.withEmptyDatabase { url in
            let store = try await Store.open(url: url, timeouts: .init(connect: .seconds(5), statement: .seconds(1)), logger: TestDatabase.logger)
            try await store.withRunning { store in
                try await store.migrate(logger: TestDatabase.logger)
                try await store.seedOrganisation()
                let released = Gate()
                let (entered, enter) = AsyncStream<Void>.makeStream()
                async let holding: Void = store.database.transaction(.init(retry: false, unlimited: true)) { db in
                    try await db.execute("UPDATE units SET name = 'Tecnología' WHERE code = 'TI'")
                    enter.finish()
                    await released.wait(atMost: .seconds(8))
                }
                for await _ in entered {}
                let error = await #expect(throws: DatabaseError.self) {
                    try await Self.within(.seconds(6)) {
                        try await store.database.execute("UPDATE units SET name = 'TI' WHERE code = 'TI'")
                    }
                }
                #expect(error?.isTemporary == true, "\(String(describing: error))")
                await released.open()
                try await holding
            }
        }
    }

    @Test(arguments: TestDatabase.available)
    func aTransactionRolledBackForATransientReasonRunsAgainUnlessItCannot(database: TestDatabase) async throws {
        try await database.withStore { store in
            try await store.seedOrganisation()
            let tries = Counter()
            // The first try writes, then meets a deadlock: rolled back, then run again whole.
            try await store.database.transaction { db in
                try await db.execute("UPDATE units SET name = name || '+' WHERE code = 'TI'")
                if await tries.next() == 1 { throw DatabaseError.transient("deadlock detected") }
            }
            #expect(await tries.count == 2)
            #expect(try await store.units.get("TI")?.name.hasSuffix("+") == true)
            #expect(try await store.units.get("TI")?.name.hasSuffix("++") == false)
            // A body that reads something once (a streamed upload) is not run again.
            let once = Counter()
            await #expect(throws: DatabaseError.transient("deadlock detected")) {
                try await store.database.transaction(.once) { _ in
                    if await once.next() == 1 { throw DatabaseError.transient("deadlock detected") }
                }
            }
            #expect(await once.count == 1)
        }
    }

    @Test(.enabled(if: Self.postgresURL != nil))
    func twoTransactionsThatDeadlockBothSucceed() async throws {
        try await TestDatabase.postgres.withStore { store in
            try await store.seedOrganisation()
            let first = Gate()
            let second = Gate()
            // Each locks one unit, waits for the other to lock the other, then wants it: PostgreSQL
            // rolls one back, which runs again once the other is done.
            async let one: Void = store.database.transaction { db in
                try await db.execute("UPDATE units SET name = name WHERE code = 'TI'")
                await first.open()
                await second.wait(atMost: .seconds(3))
                try await db.execute("UPDATE units SET name = name WHERE code = 'CRED'")
            }
            async let two: Void = store.database.transaction { db in
                try await db.execute("UPDATE units SET name = name WHERE code = 'CRED'")
                await second.open()
                await first.wait(atMost: .seconds(3))
                try await db.execute("UPDATE units SET name = name WHERE code = 'TI'")
            }
            try await one
            try await two
        }
    }

    actor Counter {
        private(set) var count = 0
        func next() -> Int {
            self.count += 1
            return self.count
        }
    }

    // MARK: - Bad bytes

    @Test(arguments: TestDatabase.available)
    func badBytesInAnImportAreReportedWhereTheyAreAndNothingIsWritten(database: TestDatabase) async throws {
        try await database.withStore { store in
            try await store.seedActiveAgreement()
            var bytes = Array((RequestRepositoryTests.header + "INC-1,TI,CRED,Correo,P1,2026-10-05T09:00:00-05:00,,,,\n").utf8)
            bytes += Array("INC-2,TI,CRED,Se".utf8) + [0x00] + Array("rvice,P1,2026-10-05T09:00:00-05:00,,,,\n".utf8)
            bytes += Array("INC-3,TI,CRED,Caf".utf8) + [0xE9] + Array(",P1,2026-10-05T09:00:00-05:00,,,,\n".utf8)
            bytes += Array("INC-4,TI,CRED,Correo,P1,0001-01-01T00:00:00+14:00,,,,\n".utf8)
            bytes += Array("INC-5,TI,CRED,Correo,P1\n".utf8)
            let report = try await store.requests.importCSV(
                Self.stream(bytes),
                skipInvalid: false,
                by: Fixtures.system,
                at: Fixtures.now,
                timeZone: RequestRepositoryTests.zone
            )
            #expect(!report.committed)
            let problems = report.problems.map { "\($0.line) \($0.column) \($0.code)" }
            #expect(problems == ["3 service nul_byte", "4 service not_utf8", "5 opened_at out_of_range", "6  missing_fields"])
            #expect(report.problems[1].message.contains("UTF-8"))
            #expect(report.problems[1].message.contains("0xE9"))
            #expect(try await store.requests.counts().total == 0)
        }
    }

    @Test(arguments: TestDatabase.available)
    func aFileWithCarriageReturnsOnlyImportsEveryRow(database: TestDatabase) async throws {
        try await database.withStore { store in
            try await store.seedActiveAgreement()
            let text =
                (RequestRepositoryTests.header
                + "INC-1,TI,CRED,Correo,P1,2026-10-05T09:00:00-05:00,,,,\nINC-2,TI,CRED,Correo,P1,2026-10-05T10:00:00-05:00,,,,\n")
                .replacingOccurrences(of: "\n", with: "\r")
            let report = try await store.requests.importCSV(
                Self.stream(Array(text.utf8)),
                skipInvalid: false,
                by: Fixtures.system,
                at: Fixtures.now,
                timeZone: RequestRepositoryTests.zone
            )
            #expect(report.committed && report.created == 2, "\(report.problems)")
            // A header without the required columns is an error, never "0 created".
            let headless = try await store.requests.importCSV(
                Self.stream(Array("INC-9;TI;CRED\r".utf8)),
                skipInvalid: false,
                by: Fixtures.system,
                at: Fixtures.now,
                timeZone: RequestRepositoryTests.zone
            )
            #expect(!headless.committed)
            #expect(headless.problems.first?.code == "missing_column")
        }
    }

    @Test(arguments: TestDatabase.available)
    func aNulByteNeverReachesTheDatabase(database: TestDatabase) async throws {
        try await database.withStore { store throws in
            await #expect {
                try await store.database.execute("INSERT INTO units (code, name) VALUES ('X', \("a\u{0}b"))")
            } throws: { error in
                if case .invalidValue = error as? DatabaseError { true } else { false }
            }
            let units = try await store.units.list()
            #expect(units.isEmpty)
        }
    }

    // MARK: - Helpers

    static func importing(_ rows: String, into store: Store) async throws -> ImportReport {
        try await store.requests.importCSV(
            RequestRepositoryTests.chunks(RequestRepositoryTests.header + rows, size: 4096),
            skipInvalid: false,
            by: Fixtures.system,
            at: Fixtures.now,
            timeZone: RequestRepositoryTests.zone
        )
    }

    static func stream(_ bytes: [UInt8]) -> AsyncStream<ByteBuffer> {
        AsyncStream { continuation in
            continuation.yield(ByteBuffer(bytes: bytes))
            continuation.finish()
        }
    }

    /// `body`'s result, or a failure if it takes longer than `limit`.
    static func within<Result: Sendable>(_ limit: Duration, _ body: @escaping @Sendable () async throws -> Result) async throws -> Result {
        try await withThrowingTaskGroup(of: Result?.self) { group in
            group.addTask { try await body() }
            group.addTask {
                try await Task.sleep(for: limit)
                return nil
            }
            guard let first = try await group.next(), let result = first else {
                group.cancelAll()
                throw TimedOut(limit: limit)
            }
            group.cancelAll()
            return result
        }
    }

    struct TimedOut: Error {
        var limit: Duration
    }

    /// Closed until opened; a waiter gives up after its limit.
    actor Gate {
        private var isOpen = false

        func open() { self.isOpen = true }

        func wait(atMost limit: Duration) async {
            let deadline = ContinuousClock.now + limit
            while !self.isOpen && ContinuousClock.now < deadline {
                try? await Task.sleep(for: .milliseconds(10))
            }
        }
    }
}
