import Foundation
import NIOCore
import PactaCore
import PactaStore
import PactaTestSupport
import Testing

@Suite struct RequestRepositoryTests {
    static let zone = TimeZone(identifier: "America/Guayaquil")!
    static let header = "external_ref,provider,client,service,priority,opened_at,first_response_at,resolved_at,pauses,extra\n"

    /// The text in chunks of `size` bytes, as a request body or a file arrives.
    static func chunks(_ text: String, size: Int = 7) -> AsyncStream<ByteBuffer> {
        let bytes = Array(text.utf8)
        return AsyncStream { continuation in
            for start in stride(from: 0, to: bytes.count, by: size) {
                continuation.yield(ByteBuffer(bytes: bytes[start..<min(start + size, bytes.count)]))
            }
            continuation.finish()
        }
    }

    @Test(arguments: TestDatabase.available)
    func aBadRowRejectsTheFileAndEveryBadRowIsReported(database: TestDatabase) async throws {
        try await database.withStore { store in
            try await store.seedActiveAgreement()
            let csv =
                Self.header + """
                    INC-1,TI,CRED,Correo,P1,2026-10-05T09:15:00-05:00,,2026-10-05T11:00:00-05:00,,x
                    INC-2,TI,NOPE,Correo,P1,2026-10-05T09:15:00-05:00,,,,
                    INC-3,TI,CRED,Correo,P2,ayer,,,,
                    INC-4,TI,CRED,Correo,P2,2026-10-05T09:15:00-05:00,,2026-10-04T09:15:00-05:00,,
                    INC-5,TI,CRED,Correo,P2,2026-10-05T09:15:00-05:00,,,2026-10-05T10:00:00-05:00/mañana,
                    "INC-6,TI,CRED,Correo,P2
                    """
            let report = try await store.requests.importCSV(
                Self.chunks(csv),
                skipInvalid: false,
                by: Fixtures.system,
                at: Fixtures.now,
                timeZone: Self.zone
            )
            #expect(!report.committed)
            #expect(report.problems.map(\.line) == [3, 4, 5, 6, 7])
            #expect(report.problems.map(\.column) == ["client", "opened_at", "resolved_at", "pauses", ""])
            #expect(report.problems.map(\.code) == ["unknown_unit", "invalid_timestamp", "before_opened", "invalid_pause", "invalid_csv"])
            #expect(try await store.requests.counts().total == 0)

            let partial = try await store.requests.importCSV(
                Self.chunks(csv),
                skipInvalid: true,
                by: Fixtures.system,
                at: Fixtures.now,
                timeZone: Self.zone
            )
            #expect(partial.committed && partial.created == 1 && partial.skipped == 5)
            #expect(partial.problems.count == 5 && partial.ignoredColumns == ["extra"], "the extra column is ignored, and named")
            let stored = try #require(try await store.requests.get(provider: "TI", externalRef: "INC-1"))
            #expect(stored.request.resolvedAt == Timestamp.parse("2026-10-05T11:00:00-05:00"))
            #expect(stored.agreement == "TI-CRED")
        }
    }

    @Test(arguments: TestDatabase.available)
    func sendingARequestAgainUpdatesIt(database: TestDatabase) async throws {
        try await database.withStore { store in
            try await store.seedActiveAgreement()
            let first =
                Self.header + """
                    INC-1,TI,CRED,Correo,P1,2026-10-05T09:15:00-05:00,,,,
                    INC-1,TI,CRED,Correo,P1,2026-10-05T09:15:00-05:00,2026-10-05T09:30:00-05:00,,,
                    INC-2,TI,CRED,VPN,P2,2025-03-01T09:00:00-05:00,,,,
                    """
            let report = try await store.requests.importCSV(
                Self.chunks(first, size: 1),
                skipInvalid: false,
                by: Fixtures.system,
                at: Fixtures.now,
                timeZone: Self.zone
            )
            #expect(report.created == 2 && report.updated == 0)
            #expect(
                try await store.requests.get(provider: "TI", externalRef: "INC-1")?.request.firstResponseAt
                    == Timestamp.parse("2026-10-05T09:30:00-05:00")
            )
            #expect(try await store.requests.get(provider: "TI", externalRef: "INC-2")?.agreement == nil, "opened before the agreement's validity")

            let again =
                Self.header
                + "INC-1,TI,CRED,Correo,P1,2026-10-05T09:15:00-05:00,2026-10-05T09:30:00-05:00,2026-10-06T10:00:00-05:00,2026-10-05T12:00:00-05:00/2026-10-05T14:00:00-05:00,\n"
            let second = try await store.requests.importCSV(
                Self.chunks(again, size: 4096),
                skipInvalid: false,
                by: Fixtures.system,
                at: Fixtures.now,
                timeZone: Self.zone
            )
            #expect(second.created == 0 && second.updated == 1)
            let updated = try #require(try await store.requests.get(provider: "TI", externalRef: "INC-1")?.request)
            #expect(updated.resolvedAt == Timestamp.parse("2026-10-06T10:00:00-05:00"))
            #expect(
                updated.pauses == [Interval(start: Timestamp.parse("2026-10-05T12:00:00-05:00")!, end: Timestamp.parse("2026-10-05T14:00:00-05:00")!)]
            )
            #expect(try await store.requests.counts() == (total: 2, unmatched: 1))
        }
    }

    @Test(arguments: TestDatabase.available)
    func rowsGivenAsJSONGoThroughTheSameRules(database: TestDatabase) async throws {
        try await database.withStore { store in
            try await store.seedActiveAgreement()
            let json = """
                [{"external_ref": "A-1", "provider": "TI", "client": "CRED", "service": "Correo", "priority": "P1",
                  "opened_at": "2026-10-05T09:15:00-05:00", "resolved_at": null,
                  "pauses": [{"start": "2026-10-05T10:00:00-05:00", "end": "2026-10-05T11:00:00-05:00"}]},
                 {"external_ref": "A-2", "provider": "TI", "client": "CRED", "service": "Correo", "priority": "P1", "opened_at": "mañana"}]
                """
            let rows = try PactaJSON.decoder.decode([RawServiceRequest].self, from: Data(json.utf8))
            let refused = try await store.requests.importRows(rows, skipInvalid: false, by: Fixtures.system, at: Fixtures.now, timeZone: Self.zone)
            #expect(!refused.committed && refused.problems.map(\.line) == [2])
            let accepted = try await store.requests.importRows(rows, skipInvalid: true, by: Fixtures.system, at: Fixtures.now, timeZone: Self.zone)
            #expect(accepted.created == 1)
            #expect(try await store.requests.get(provider: "TI", externalRef: "A-1")?.request.pauses.count == 1)
        }
    }

    @Test(arguments: TestDatabase.available)
    func aFileWithoutTheRequiredColumnsIsRefusedAtLineOne(database: TestDatabase) async throws {
        try await database.withStore { store in
            let report = try await store.requests.importCSV(
                Self.chunks("external_ref,provider,opened_at\nX,TI,2026-10-05T09:15:00Z\n"),
                skipInvalid: true,
                by: Fixtures.system,
                at: Fixtures.now,
                timeZone: Self.zone
            )
            #expect(!report.committed)
            #expect(report.problems.map(\.column) == ["client", "service", "priority"])
            #expect(report.problems.allSatisfy { $0.line == 1 })
        }
    }
}

@Suite struct HardIndicatorReportTests {
    @Test(arguments: TestDatabase.available)
    func measuresTheRequestsOfThePeriodForEachHardCommitment(database: TestDatabase) async throws {
        try await database.withStore { store in
            try await store.seedActiveAgreement()
            let csv =
                RequestRepositoryTests.header + """
                    R1,TI,CRED,Correo,P1,2026-10-05T09:00:00-05:00,,2026-10-05T10:00:00-05:00,,
                    R2,TI,CRED,Correo,P1,2026-10-05T09:00:00-05:00,,,,
                    R3,TI,CRED,Correo,P2,2026-10-05T09:00:00-05:00,,,,
                    R4,TI,CRED,Correo,P1,2026-10-31T23:30:00-05:00,,,,
                    R5,TI,CRED,Correo,P1,2026-11-02T09:00:00-05:00,,,,
                    """
            let imported = try await store.requests.importCSV(
                RequestRepositoryTests.chunks(csv),
                skipInvalid: false,
                by: Fixtures.system,
                at: Fixtures.now,
                timeZone: RequestRepositoryTests.zone
            )
            #expect(imported.created == 5)
            let evaluation = Date(timeIntervalSince1970: TimeInterval(Timestamp.parse("2026-11-02T10:00:00-05:00")!))
            let report = try await store.hardIndicators(agreement: "TI-CRED", period: Period("2026-10")!, at: evaluation)
            #expect(report.measurements.map(\.commitment) == ["C1"], "the soft commitment is not a hard indicator")
            let c1 = try #require(report.measurements.first)
            // R1 met; R2 open for weeks: missed; R4 opened on the 31st at night, no business time yet: pending.
            #expect((c1.met, c1.missed, c1.pending, c1.requests) == (1, 1, 1, 3))
            #expect(c1.value == 0.5 && c1.status == .notMet)
            #expect(report.lines.map(\.externalRef) == ["R1", "R2", "R4"])
            #expect(report.lines.map(\.outcome) == [.met, .missed, .pending])
            #expect(report.lines[0].businessSeconds == 3600)
            await #expect(throws: NotFoundError("agreement", "NOPE")) {
                try await store.hardIndicators(agreement: "NOPE", period: Period("2026-10")!, at: evaluation)
            }
        }
    }

    @Test(arguments: TestDatabase.available)
    func aSpreadsheetsFileIsTakenAndEachRequestIsToldMatchedOrNot(database: TestDatabase) async throws {
        try await database.withStore { store in
            try await store.seedActiveAgreement()
            try await store.units.create(OrgUnit(code: "OTRA", name: "Otra", parent: "GG"), by: Fixtures.system, at: Fixtures.now)
            // Semicolons, a BOM, CRLF and local times without offset, read in the organisation's zone.
            let csv =
                "\u{FEFF}external_ref;provider;client;service;priority;opened_at;resolved_at\r\n"
                + "XL-1;TI;CRED;Correo;P1;2026-10-05 09:15;2026-10-05 11:00\r\n"
                + "XL-2;TI;OTRA;Correo;P2;2026-10-06 08:00;\r\n"
                + "XL-1;TI;CRED;Correo;P1;2026-10-05 09:15;2026-10-05 12:00\r\n"
            let report = try await store.requests.importCSV(
                RequestRepositoryTests.chunks(csv),
                skipInvalid: false,
                by: Fixtures.system,
                at: Fixtures.now,
                timeZone: RequestRepositoryTests.zone
            )
            #expect(report.committed && report.problems.isEmpty)
            #expect(report.created == 2 && report.matched == 1 && report.unmatched == 1, "XL-1 sent twice counts once")
            let stored = try #require(try await store.requests.get(provider: "TI", externalRef: "XL-1"))
            #expect(stored.request.openedAt == Timestamp.parse("2026-10-05T09:15:00-05:00"))
            #expect(stored.request.resolvedAt == Timestamp.parse("2026-10-05T12:00:00-05:00"))
            #expect(stored.agreement == "TI-CRED")
        }
    }

    @Test(arguments: TestDatabase.available)
    func requestsAreBrowsedByAnyFilterNewestFirst(database: TestDatabase) async throws {
        try await database.withStore { store in
            try await store.seedActiveAgreement()
            try await store.units.create(OrgUnit(code: "OTRA", name: "Otra", parent: "GG"), by: Fixtures.system, at: Fixtures.now)
            var rows: [String] = []
            for day in 1...9 {
                let resolved = day % 3 == 0 ? "" : "2026-10-0\(day)T12:00:00-05:00"
                rows.append("R-\(day),TI,\(day == 9 ? "OTRA" : "CRED"),Correo,P\(day % 2 + 1),2026-10-0\(day)T09:00:00-05:00,,\(resolved),,")
            }
            rows.append("R-10,TI,CRED,Correo,P1,2026-11-02T09:00:00-05:00,,,,")
            rows.append("R-1,OTRA,CRED,Correo,P1,2026-09-15T09:00:00-05:00,,,,")
            let report = try await store.requests.importCSV(
                RequestRepositoryTests.chunks(RequestRepositoryTests.header + rows.joined(separator: "\n")),
                skipInvalid: false,
                by: Fixtures.system,
                at: Fixtures.now,
                timeZone: RequestRepositoryTests.zone
            )
            #expect(report.created == 11)
            func refs(_ filter: RequestFilter, limit: Int = 50, offset: Int = 0) async throws -> ([String], Int) {
                let (rows, total) = try await store.requests.browse(filter, limit: limit, offset: offset)
                return (rows.map { "\($0.request.provider)/\($0.request.externalRef)" }, total)
            }
            let all = try await refs(RequestFilter())
            #expect(all.1 == 11 && all.0.first == "TI/R-10" && all.0.last == "OTRA/R-1")
            #expect(try await refs(RequestFilter(), limit: 3, offset: 3) == (["TI/R-7", "TI/R-6", "TI/R-5"], 11))
            #expect(try await refs(RequestFilter(reference: "R-1")).0 == ["TI/R-1", "OTRA/R-1"], "any provider")
            #expect(try await refs(RequestFilter(provider: "OTRA")).0 == ["OTRA/R-1"])
            #expect(try await refs(RequestFilter(client: "OTRA")).0 == ["TI/R-9"])
            #expect(try await refs(RequestFilter(agreement: RequestFilter.Agreement.none)).0 == ["TI/R-9", "OTRA/R-1"])
            #expect(try await refs(RequestFilter(agreement: .any)).1 == 9)
            #expect(try await refs(RequestFilter(agreement: .code("TI-CRED"), state: .open)).0 == ["TI/R-10", "TI/R-6", "TI/R-3"])
            let october = Period("2026-10")!.instants(in: RequestRepositoryTests.zone)
            #expect(try await refs(RequestFilter(opened: october, priority: "P1")).0 == ["TI/R-8", "TI/R-6", "TI/R-4", "TI/R-2"])
            #expect(try await refs(RequestFilter(provider: "TI", state: .closed)).1 == 6)
            #expect(try await refs(RequestFilter(reference: "nada")) == ([], 0))
        }
    }
}
