import PactaCore
import Testing

@Suite struct CSVFieldTests {
    /// OWASP's CSV injection list: a cell starting with any of these runs as a formula.
    @Test(arguments: ["=1+1", "+1", "-1", "@SUM(A1)", "\tx", "\rx", "\r\nx"])
    func formulasGetALeadingQuote(text: String) {
        let field = CSVField.escape(text)
        #expect(field.hasPrefix("'") || field.hasPrefix("\"'"), "\(text.debugDescription) → \(field.debugDescription)")
    }

    @Test func plainTextStaysAndSeparatorsAreQuoted() {
        #expect(CSVField.escape("INC-1") == "INC-1")
        #expect(CSVField.escape("a-b") == "a-b", "only a leading sign counts")
        #expect(CSVField.escape("Call, center") == "\"Call, center\"")
        #expect(CSVField.escape("dice \"hola\"") == "\"dice \"\"hola\"\"\"")
        #expect(CSVField.escape("=A1,B1") == "\"'=A1,B1\"")
        #expect(CSVField.escape("") == "")
    }
}
