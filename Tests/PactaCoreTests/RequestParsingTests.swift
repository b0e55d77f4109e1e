import Foundation
import PactaCore
import Testing

@Suite struct TimestampTests {
    @Test(arguments: [
        ("2026-10-05T09:15:00-05:00", Int64(1_791_209_700)),
        ("2026-10-05T14:15:00Z", 1_791_209_700),
        ("2026-10-05 14:15Z", 1_791_209_700),
        ("2026-10-05T14:15:00.999+00:00", 1_791_209_700),
        ("2026-10-05T19:45:00+0530", 1_791_209_700),
        ("2026-10-05t14:15:00z", 1_791_209_700),
        ("2026-10-05T14:15:00,5+00:00", 1_791_209_700),
        ("2026-10-06T04:15:00+14:00", 1_791_209_700),
    ])
    func parsesInstantsWithOffsets(text: String, seconds: Int64) {
        #expect(Timestamp.parse(text) == seconds)
    }

    @Test(arguments: [
        "2026-10-05T09:15:00", "2026-02-30T00:00Z", "2026-10-05T24:00Z", "05/10/2026 09:15", "2026-10-05T09:15:00-05:00x", "",
        "2026-10-05T09:15:00.Z", "2026-10-05T09:15:00+15:00", "2026-10-05T09:15:00+05:60", "2026-10-05T09:1Z", "2026-1-05T09:15Z",
    ])
    func rejectsAnythingElse(text: String) {
        #expect(Timestamp.parse(text) == nil)
    }

    @Test func localTimesWithoutOffsetAreReadInTheZoneGiven() throws {
        let quito = try #require(TimeZone(identifier: "America/Guayaquil"))
        #expect(Timestamp.parse("2026-10-05 09:15", localZone: quito) == 1_791_209_700)
        #expect(Timestamp.parse("2026-10-05T09:15:00", localZone: quito) == 1_791_209_700)
        #expect(Timestamp.parse("2026-10-05T09:15:00", localZone: nil) == nil, "ambiguous without a zone")
        #expect(Timestamp.parse("2026-10-05T09:15:00-05:00", localZone: TimeZone(identifier: "Asia/Tokyo")) == 1_791_209_700, "an offset wins")
        // Madrid: 02:30 on 29 March 2026 never happens (clocks jump to 03:00 = 01:00Z); 02:30 on
        // 25 October happens twice, first at 00:30Z.
        let madrid = try #require(TimeZone(identifier: "Europe/Madrid"))
        #expect(Timestamp.parse("2026-03-29 02:30", localZone: madrid) == Timestamp.parse("2026-03-29T01:00:00Z"))
        #expect(Timestamp.parse("2026-10-25 02:30", localZone: madrid) == Timestamp.parse("2026-10-25T00:30:00Z"))
        #expect(Timestamp.parse("2026-10-05 9:15", localZone: quito) == nil)
    }

    @Test func formatsBackToUTC() {
        #expect(Timestamp.format(1_791_209_700) == "2026-10-05T14:15:00Z")
        #expect(Timestamp.parse(Timestamp.format(-1)) == -1)
    }
}

@Suite struct CSVParserTests {
    @Test func chunksOfAnySizeGiveTheSameRecords() {
        let text = "\u{FEFF}a,b\r\n1,\"x\"\"y\"\r\n2,\"multi\nline\"\n3,bad\"quote\n4,ok"
        let whole = Self.parse([Array(text.utf8)])
        #expect(whole.map(\.line) == [1, 2, 3, 5, 6])
        #expect(whole[1].fields == ["1", "x\"y"])
        #expect(whole[2].fields == ["2", "multi\nline"])
        #expect(whole[3].problem != nil && whole[4].problem == nil)
        for size in 1...7 {
            let bytes = Array(text.utf8)
            let chunks = stride(from: 0, to: bytes.count, by: size).map { Array(bytes[$0..<min($0 + size, bytes.count)]) }
            #expect(Self.parse(chunks) == whole, "chunks of \(size) bytes")
        }
    }

    static func parse(_ chunks: [[UInt8]]) -> [CSVRecord] {
        var parser = CSVParser()
        var records: [CSVRecord] = []
        for chunk in chunks { parser.consume(chunk) { records.append($0) } }
        parser.finish { records.append($0) }
        return records
    }
}

@Suite struct RawServiceRequestTests {
    static let units: Set<String> = ["TI", "CRED"]

    static func raw(_ change: (inout RawServiceRequest) -> Void = { _ in }) -> RawServiceRequest {
        var raw = RawServiceRequest(
            externalRef: "INC-1",
            provider: "TI",
            client: "CRED",
            service: "Correo",
            priority: "P1",
            openedAt: "2026-10-05T09:15:00-05:00",
            firstResponseAt: "",
            resolvedAt: "2026-10-05T11:00:00-05:00",
            pauses: "2026-10-05T10:00:00-05:00/2026-10-05T10:30:00-05:00; 2026-10-05T10:15:00-05:00/2026-10-05T10:45:00-05:00"
        )
        change(&raw)
        return raw
    }

    @Test func aGoodRowBecomesARequest() throws {
        let request = try Self.raw().validated(knownUnit: Self.units.contains).get()
        #expect(request.openedAt == 1_791_209_700)
        #expect(request.firstResponseAt == nil)
        #expect(request.resolvedAt == 1_791_216_000)
        #expect(request.pauses.count == 2)
    }

    @Test(arguments: [
        ("external_ref", "required"), ("provider", "unknown_unit"), ("client", "required"), ("opened_at", "invalid_timestamp"),
        ("resolved_at", "before_opened"), ("first_response_at", "before_opened"), ("pauses", "invalid_pause"),
        ("external_ref", "too_long"), ("pauses", "invalid_pause_order"),
    ])
    func everyKindOfBadRowIsNamed(column: String, code: String) {
        let raw = Self.raw { raw in
            switch column {
            case "external_ref" where code == "too_long": raw.externalRef = String(repeating: "x", count: 201)
            case "external_ref": raw.externalRef = ""
            case "pauses" where code == "invalid_pause_order": raw.pauses = "2026-10-05T11:00:00-05:00/2026-10-05T10:00:00-05:00"
            case "provider": raw.provider = "RRHH"
            case "client": raw.client = ""
            case "opened_at": raw.openedAt = "05/10/2026 09:15"
            case "resolved_at": raw.resolvedAt = "2026-10-05T09:00:00-05:00"
            case "first_response_at": raw.firstResponseAt = "2026-10-04T09:00:00-05:00"
            default: raw.pauses = "2026-10-05T10:00:00-05:00/ayer"
            }
        }
        guard case .failure(let list) = raw.validated(knownUnit: Self.units.contains) else {
            Issue.record("accepted a bad row")
            return
        }
        #expect(list.problems.map(\.column) == [column])
        #expect(list.problems.map(\.code) == [code == "invalid_pause_order" ? "invalid_pause" : code])
    }

    @Test func allProblemsOfARowAreReported() {
        let raw = RawServiceRequest(externalRef: "", provider: "X", client: "Y", service: "", priority: "", openedAt: "")
        guard case .failure(let list) = raw.validated(knownUnit: Self.units.contains) else {
            Issue.record("accepted a bad row")
            return
        }
        #expect(list.problems.map(\.column) == ["external_ref", "provider", "client", "service", "priority", "opened_at"])
    }
}
