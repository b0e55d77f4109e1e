import PactaCore
import Testing

@Suite struct CSVReaderTests {
    @Test func quotedFieldsSpanLinesAndRecordsKeepTheirStartingLine() throws {
        let text = "\u{FEFF}code,name\r\nA,\"Uno, dos\"\r\nB,\"Línea\nsegunda \"\"citada\"\"\"\n\nC,Tres"
        let records = try CSVReader().records(in: text)
        #expect(records.map(\.line) == [1, 2, 3, 6])
        #expect(records[1].fields == ["A", "Uno, dos"])
        #expect(records[2].fields == ["B", "Línea\nsegunda \"citada\""])
        #expect(records[3].fields == ["C", "Tres"])
    }

    @Test func malformedQuotesAreReportedWithTheirLine() {
        #expect(throws: CSVSyntaxError.self) { try CSVReader().records(in: "a,b\nx,\"open\n") }
        let error = try? #require(throws: CSVSyntaxError.self) { try CSVReader().records(in: "a,b\nx,y\"z\n") }
        #expect(error?.line == 2)
    }

    @Test func headersFindColumnsByNameAndReportMissingOnes() throws {
        let records = try CSVReader().records(in: "Name, CODE ,other\nTI,x,y")
        let header = try CSVHeader(records[0], required: ["code", "name"])
        #expect(header.value("code", in: records[1]) == "x")
        #expect(header.value("parent", in: records[1]) == "")
        let error = try #require(throws: ImportProblem.List.self) { try CSVHeader(records[0], required: ["code", "parent"]) }
        #expect(error.problems.map(\.column) == ["parent"])
    }
}
