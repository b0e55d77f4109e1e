import PactaCore
import Testing

/// Input that is not what it should be is reported where it is, never changed or kept whole.
@Suite struct BadInputTests {
    func records(_ bytes: [UInt8], chunk: Int = 3) -> [CSVRecord] {
        var parser = CSVParser()
        var records: [CSVRecord] = []
        var start = 0
        while start < bytes.count {
            parser.consume(bytes[start..<min(start + chunk, bytes.count)]) { records.append($0) }
            start += chunk
        }
        parser.finish { records.append($0) }
        return records
    }

    @Test(arguments: ["\n", "\r\n", "\r"])
    func everyLineEndEndsARecordAndCountsOneLine(end: String) {
        let text = ["a,b", "1,\"two\(end)lines\"", "3,4", ""].joined(separator: end)
        let records = self.records(Array(text.utf8))
        #expect(records.map(\.fields) == [["a", "b"], ["1", "two\(end)lines"], ["3", "4"]])
        #expect(records.map(\.line) == [1, 2, 4])
        #expect(records.allSatisfy { $0.problem == nil })
    }

    @Test func textThatIsNotUTF8IsReportedWithItsField() throws {
        let bytes = Array("code,name\nTI,Tecnolog".utf8) + [0xED, 0x61] + Array("\nOK,Bien\n".utf8)
        let records = self.records(bytes)
        #expect(records.count == 3)
        let bad = try #require(records[1].problem)
        #expect(bad.contains("not UTF-8") && bad.contains("0xED") && bad.contains("character 9"))
        #expect(records[1].problemField == 1)
        #expect(records[2].problem == nil)
        #expect(UTF8Check.firstInvalid(in: Array("ab\ncdé".utf8) + [0xFF])! == (2, 4, 0xFF))
        #expect(UTF8Check.firstInvalid(in: Array("Año, café, 😀".utf8)) == nil)
    }

    @Test func aNulByteIsReported() {
        let records = self.records(Array("a,b\n1,x".utf8) + [0] + Array("y\n".utf8))
        #expect(records[1].problem?.contains("NUL") == true)
        #expect(records[1].problemField == 1)
    }

    @Test func aFieldOverTheBoundIsReportedAndNotKept() {
        let long = [UInt8](repeating: UInt8(ascii: "x"), count: CSVParser.maximumFieldBytes + 10)
        let records = self.records(Array("a,b\n1,".utf8) + long + Array("\n2,ok\n".utf8), chunk: 1 << 16)
        #expect(records.count == 3)
        #expect(records[1].problem?.contains("longer than 1 MB") == true)
        #expect(records[1].fields[1].utf8.count == CSVParser.maximumFieldBytes)
        #expect(records[2].fields == ["2", "ok"])
    }

    @Test func rowsWithMoreOrFewerFieldsThanTheHeaderAreErrors() throws {
        let records = self.records(Array("a,b,c\n1,2,3\n1,2\n1,2,3,4\n".utf8))
        let header = try CSVHeader(records[0], required: ["a"])
        #expect(header.problem(with: records[1]) == nil)
        #expect(header.problem(with: records[2])?.code == "missing_fields")
        #expect(header.problem(with: records[3])?.code == "extra_fields")
        #expect(header.problem(with: records[3])?.line == 4)
    }

    func problems(_ raw: RawServiceRequest) -> [String] {
        switch raw.validated(knownUnit: { _ in true }) {
        case .success: []
        case .failure(let list): list.problems.map { "\($0.column) \($0.code)" }
        }
    }

    static let request = RawServiceRequest(
        externalRef: "INC-1",
        provider: "TI",
        client: "CRED",
        service: "Correo",
        priority: "P1",
        openedAt: "2026-10-05T09:00:00-05:00"
    )

    @Test func instantsOutsideTheYearsPactaTakesAreRefused() {
        var raw = Self.request
        raw.openedAt = "0001-01-01T00:00:00+14:00"
        #expect(self.problems(raw) == ["opened_at out_of_range"])
        raw.openedAt = "1900-01-01T00:00:00Z"
        #expect(self.problems(raw) == [])
        // The year as written counts, whatever the offset: a document pattern can say so.
        raw.openedAt = "9999-12-31T23:59:59-01:00"
        #expect(self.problems(raw) == [])
        raw.openedAt = "1899-12-31T23:00:00-05:00"
        #expect(self.problems(raw) == ["opened_at out_of_range"])
    }

    @Test func theFirstResponseComesByTheResolutionAndPausesWithinTheRequestsLife() {
        var raw = Self.request
        raw.firstResponseAt = "2026-10-05T12:00:00-05:00"
        raw.resolvedAt = "2026-10-05T11:00:00-05:00"
        #expect(self.problems(raw) == ["first_response_at after_resolved"])
        raw.firstResponseAt = "2026-10-05T10:00:00-05:00"
        raw.pauses = "2026-10-05T08:00:00-05:00/2026-10-05T09:30:00-05:00"
        #expect(self.problems(raw) == ["pauses pause_outside_request"])
        raw.pauses = "2026-10-05T10:30:00-05:00/2026-10-05T11:30:00-05:00"
        #expect(self.problems(raw) == ["pauses pause_outside_request"])
        raw.pauses = "2026-10-05T10:00:00-05:00/2026-10-05T11:00:00-05:00"
        #expect(self.problems(raw) == [])
        // While a request is open, a pause may run up to now.
        raw.resolvedAt = ""
        raw.pauses = "2026-10-05T10:30:00-05:00/2026-10-06T11:30:00-05:00"
        #expect(self.problems(raw) == [])
    }

    @Test func periodsAreReadExactlyAndWrittenWithFourDigitYears() {
        #expect(Period("2026-10")?.description == "2026-10")
        #expect(Period("2026-q4")?.description == "2026-Q4")
        #expect(Period("0007-05")?.description == "0007-05")
        for text in ["2026-Q01", "2026-1", "+202-10", "2026-13", "2026-Q5", "2026/10", "2026-10 "] {
            #expect(Period(text) == nil, "\(text)")
        }
    }
}
