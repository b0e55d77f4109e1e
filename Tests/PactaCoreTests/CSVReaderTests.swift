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

    @Test func semicolonsSeparateFieldsWhenTheHeaderHoldsMoreOfThem() throws {
        // As a Spanish-locale Excel saves it: BOM, CRLF, semicolons, decimal commas in values.
        let excel = "\u{FEFF}code;name;parent\r\nTI;\"Tecnología; sistemas\";GG\r\nCRED;Crédito, cobranzas;GG\r\n"
        let records = try CSVReader().records(in: excel)
        #expect(records.map(\.fields) == [["code", "name", "parent"], ["TI", "Tecnología; sistemas", "GG"], ["CRED", "Crédito, cobranzas", "GG"]])
        // A header with commas keeps commas, even when values hold semicolons.
        #expect(try CSVReader().records(in: "code,name\nX,uno;dos\n")[1].fields == ["X", "uno;dos"])
        // A quoted header name with a semicolon inside does not count; blank lines before the header decide nothing.
        #expect(try CSVReader().records(in: "\n\n\"a;b\",c\n1,2")[1].fields == ["1", "2"])
        // A header alone, without a line break, still decides.
        #expect(try CSVReader().records(in: "a;b;c").first?.fields == ["a", "b", "c"])
        // Fed a byte at a time, the same records.
        var parser = CSVParser()
        var fed: [[String]] = []
        for byte in excel.utf8 { parser.consume([byte]) { fed.append($0.fields) } }
        parser.finish { fed.append($0.fields) }
        #expect(fed == records.map(\.fields))
        #expect(parser.separator == UInt8(ascii: ";"))
    }
}
