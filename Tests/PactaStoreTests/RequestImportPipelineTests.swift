import Foundation
import NIOCore
import PactaCore
import PactaStore
import PactaTestSupport
import Testing

/// How imports write: new requests straight in, stored ones through the upsert, business time
/// measured on the way, and the references that replace foreign keys.
@Suite struct RequestImportPipelineTests {
    /// Imports CSV `rows` (the header is added) in batches of `batchSize`.
    static func importing(_ rows: String, into store: Store, batchSize: Int = 20_000) async throws -> ImportReport {
        var requests = store.requests
        requests.batchSize = batchSize
        return try await requests.importCSV(
            RequestRepositoryTests.chunks(RequestRepositoryTests.header + rows, size: 64),
            skipInvalid: false,
            by: Fixtures.system,
            at: Fixtures.now,
            timeZone: RequestRepositoryTests.zone
        )
    }

    @Test(arguments: TestDatabase.available)
    func aBatchThatMeetsStoredRequestsFallsBackToTheUpsert(database: TestDatabase) async throws {
        try await database.withStore { store in
            try await store.seedActiveAgreement()
            let first = try await Self.importing(
                """
                INC-1,TI,CRED,Correo,P1,2026-10-05T09:00:00-05:00,,,,
                INC-2,TI,CRED,Correo,P1,2026-10-05T09:00:00-05:00,,,,
                """,
                into: store,
                batchSize: 2
            )
            #expect((first.created, first.updated) == (2, 0))
            // Batches: [INC-3, INC-4] all new; [INC-4 again, INC-1] meets stored ones; [INC-5] after it.
            let second = try await Self.importing(
                """
                INC-3,TI,CRED,Correo,P1,2026-10-06T09:00:00-05:00,,,,
                INC-4,TI,CRED,Correo,P1,2026-10-06T09:00:00-05:00,,,,
                INC-4,TI,CRED,VPN,P2,2026-10-06T09:00:00-05:00,,,,
                INC-1,TI,CRED,Correo,P1,2026-10-05T09:00:00-05:00,,2026-10-05T11:00:00-05:00,,
                INC-5,TI,CRED,Correo,P1,2026-10-07T09:00:00-05:00,,,,
                """,
                into: store,
                batchSize: 2
            )
            #expect(second.committed)
            #expect((second.created, second.updated) == (3, 2), "INC-4 counts once created and once updated")
            #expect(try await store.requests.counts() == (total: 5, unmatched: 0))
            #expect(try await store.requests.get(provider: "TI", externalRef: "INC-4")?.request.service == "VPN")
            #expect(
                try await store.requests.get(provider: "TI", externalRef: "INC-1")?.request.resolvedAt == Timestamp.parse("2026-10-05T11:00:00-05:00")
            )
        }
    }

    @Test(arguments: TestDatabase.available)
    func aRequestSentAgainAsItWasIsLeftAlone(database: TestDatabase) async throws {
        try await database.withStore { store in
            try await store.seedActiveAgreement()
            let one = "INC-1,TI,CRED,Correo,P1,2026-10-05T09:00:00-05:00,2026-10-05T09:30:00-05:00,2026-10-06T10:00:00-05:00,,\n"
            let two = "INC-2,TI,CRED,VPN,P2,2026-10-05T09:00:00-05:00,,,,\n"
            let first = try await Self.importing(one + two, into: store)
            #expect((first.created, first.updated, first.unchanged) == (2, 0, 0))
            let stored = try await store.requests.get(provider: "TI", externalRef: "INC-1")

            let again = try await Self.importing(one + two + "INC-3,TI,CRED,VPN,P2,2026-10-07T09:00:00-05:00,,,,\n", into: store)
            #expect((again.created, again.updated, again.unchanged) == (1, 0, 2))
            #expect(try await store.requests.get(provider: "TI", externalRef: "INC-1")?.request == stored?.request)

            let resolved = try await Self.importing(one + two.replacingOccurrences(of: ",,,,", with: ",,2026-10-05T10:00:00-05:00,,"), into: store)
            #expect((resolved.created, resolved.updated, resolved.unchanged) == (0, 1, 1))
            #expect(try await store.requests.get(provider: "TI", externalRef: "INC-2")?.request.measured?.resolution == 3600)
        }
    }

    @Test(arguments: TestDatabase.available)
    func aKeySentTwiceInOneBatchKeepsItsLastRow(database: TestDatabase) async throws {
        try await database.withStore { store in
            try await store.seedActiveAgreement()
            let report = try await Self.importing(
                """
                INC-7,TI,CRED,Correo,P1,2026-10-05T09:00:00-05:00,,,,
                INC-7,TI,CRED,Nómina,P3,2026-10-05T09:00:00-05:00,,,,
                """,
                into: store
            )
            #expect((report.created, report.updated) == (1, 0))
            let stored = try #require(try await store.requests.get(provider: "TI", externalRef: "INC-7")?.request)
            #expect(stored.service == "Nómina" && stored.priority == "P3")
        }
    }

    @Test(arguments: TestDatabase.available)
    func anImportThatFailsHalfwayLeavesNothing(database: TestDatabase) async throws {
        try await database.withStore { store in
            try await store.seedActiveAgreement()
            // The first two rows are written before the bad third one is read.
            let report = try await Self.importing(
                """
                INC-1,TI,CRED,Correo,P1,2026-10-05T09:00:00-05:00,,,,
                INC-2,TI,CRED,Correo,P1,2026-10-05T09:00:00-05:00,,,,
                INC-3,TI,CRED,Correo,P1,mañana,,,,
                """,
                into: store,
                batchSize: 1
            )
            #expect(!report.committed && report.problems.map(\.line) == [4])
            #expect(try await store.requests.counts().total == 0)
        }
    }

    @Test(arguments: TestDatabase.available)
    func anInputThatBreaksOffLeavesNothingAndTheNextImportWorks(database: TestDatabase) async throws {
        struct Disconnected: Error {}
        try await database.withStore { store in
            try await store.seedActiveAgreement()
            // A client that goes away after sending three rows: batches are being written when the body fails.
            let rows = (1...3).map { "INC-\($0),TI,CRED,Correo,P1,2026-10-05T09:00:00-05:00,,,,\n" }.joined()
            let body = AsyncThrowingStream<ByteBuffer, any Error> { continuation in
                continuation.yield(ByteBuffer(string: RequestRepositoryTests.header + rows))
                continuation.finish(throwing: Disconnected())
            }
            var requests = store.requests
            requests.batchSize = 1
            await #expect(throws: Disconnected.self) {
                try await requests.importCSV(body, skipInvalid: false, by: Fixtures.system, at: Fixtures.now, timeZone: RequestRepositoryTests.zone)
            }
            #expect(try await store.requests.counts().total == 0)
            // The connection is clean: a new import, through the upsert too, goes through.
            #expect(try await Self.importing(rows, into: store).created == 3)
            #expect(try await Self.importing(rows, into: store).unchanged == 3)
        }
    }

    @Test(arguments: TestDatabase.available)
    func aSignedAgreementIsMeasuredOnItsSignedCalendarUntilARevisionIsSigned(database: TestDatabase) async throws {
        try await database.withStore { store in
            try await store.seedActiveAgreement()
            // Office hours 08:30–13:00 and 14:00–17:30: Monday 09:00 → Tuesday 10:00 is 7 h 30 + 1 h 30.
            _ = try await Self.importing(
                """
                INC-1,TI,CRED,Correo,P1,2026-10-05T09:00:00-05:00,2026-10-05T09:30:00-05:00,2026-10-06T10:00:00-05:00,,
                INC-2,TI,CRED,Correo,P1,2026-10-05T09:00:00-05:00,,,,
                """,
                into: store
            )
            let resolved = try #require(try await store.requests.get(provider: "TI", externalRef: "INC-1")?.request)
            #expect(resolved.measured == MeasuredDurations(calendar: Fixtures.officeHours.fingerprint, firstResponse: 1800, resolution: 9 * 3600))
            let open = try #require(try await store.requests.get(provider: "TI", externalRef: "INC-2")?.request)
            #expect(open.measured == MeasuredDurations(calendar: Fixtures.officeHours.fingerprint, firstResponse: nil, resolution: nil))

            let evaluation = Date(timeIntervalSince1970: TimeInterval(Timestamp.parse("2026-11-02T10:00:00-05:00")!))
            func inc1() async throws -> HardIndicatorReport.Line {
                try #require(
                    try await store.hardIndicators(agreement: "TI-CRED", period: Period("2026-10")!, at: evaluation).lines.first {
                        $0.externalRef == "INC-1"
                    }
                )
            }
            #expect(try await inc1().businessSeconds == 9 * 3600)
            #expect(try await inc1().outcome == .missed)

            // Tuesday becomes a holiday: what was signed does not change.
            var calendar = Fixtures.officeHours
            calendar.holidays.append(Holiday(date: LocalDate("2026-10-06")!, name: "Feriado"))
            try await store.calendars.update(calendar, by: Fixtures.system, at: Fixtures.now)
            #expect(try await inc1().businessSeconds == 9 * 3600)
            let record = try #require(try await store.agreements.get("TI-CRED", visibleTo: nil))
            #expect(record.agreement.calendarsChanged(comparedWith: try await store.calendars.list()) == ["oficina-uio"])

            // A revision takes the calendar as it is now; it counts once both sides signed it.
            let ana = Fixtures.signer("ana", unit: "TI")
            let (revised, _) = try await store.agreements.revise("TI-CRED", terms: Fixtures.terms(), by: ana, at: Fixtures.now, today: Fixtures.today)
            #expect(revised.calendars == [calendar])
            #expect(try await inc1().businessSeconds == 9 * 3600, "still the signed version 1")
            try await store.agreements.signCurrentVersion("TI-CRED", by: ana, at: Fixtures.now, today: Fixtures.today)
            try await store.agreements.signCurrentVersion(
                "TI-CRED",
                by: Fixtures.signer("luis", unit: "CRED"),
                at: Fixtures.now,
                today: Fixtures.today
            )
            #expect(try await inc1().businessSeconds == 27_000)
            #expect(try await inc1().outcome == .met)
            let remeasured = try #require(try await store.requests.get(provider: "TI", externalRef: "INC-1")?.request)
            #expect(remeasured.measured == MeasuredDurations(calendar: calendar.fingerprint, firstResponse: 1800, resolution: 27_000))
        }
    }

    @Test(arguments: TestDatabase.available)
    func aFileWithoutARequiredColumnOrWithoutAHeaderIsRefused(database: TestDatabase) async throws {
        try await database.withStore { store in
            try await store.seedActiveAgreement()
            let missing = "external_ref,provider,client,service,priority\nINC-1,TI,CRED,Correo,P1\n"
            for text in [missing, ""] {
                let report = try await store.requests.importCSV(
                    RequestRepositoryTests.chunks(text, size: 3),
                    skipInvalid: true,
                    by: Fixtures.system,
                    at: Fixtures.now,
                    timeZone: RequestRepositoryTests.zone
                )
                #expect(!report.committed)
                #expect(report.problems.map(\.code) == ["missing_column"])
                #expect(report.problems.map(\.line) == [1])
            }
            #expect(try await store.requests.counts().total == 0)
        }
    }

    /// `requests` has no foreign keys: the triggers alone keep the units and agreements it refers to.
    @Test(arguments: TestDatabase.available)
    func unitsAndAgreementsAreNeverDeleted(database: TestDatabase) async throws {
        try await database.withStore { store in
            try await store.seedActiveAgreement()
            // A unit nothing refers to but a request: no foreign key would stop its deletion.
            try await store.units.create(OrgUnit(code: "SOLO", name: "Solo solicitudes"), by: Fixtures.system, at: Fixtures.now)
            let report = try await Self.importing("INC-1,SOLO,CRED,Correo,P1,2026-10-05T09:00:00-05:00,,,,\n", into: store)
            #expect(report.committed)
            func refusedByTheTrigger(_ error: any Error) -> Bool { "\(error)".contains("never deleted") }
            await #expect(performing: { try await store.database.execute("DELETE FROM units WHERE code = 'SOLO'") }, throws: refusedByTheTrigger)
            await #expect(
                performing: { try await store.database.execute("DELETE FROM agreements WHERE code = 'TI-CRED'") },
                throws: refusedByTheTrigger
            )
            #expect(try await store.units.get("SOLO") != nil)
            #expect(try await store.agreements.get("TI-CRED", visibleTo: nil) != nil)
        }
    }
}
