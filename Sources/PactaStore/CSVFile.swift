import PactaCore

/// A whole CSV file read into records with its header checked: where the imports that read a
/// file at once (units, survey answers) start.
struct CSVFile {
    var header: CSVHeader
    /// The records after the header.
    var rows: ArraySlice<CSVRecord>

    /// - Parameter empty: what to say when the file has no header.
    /// - Throws: the problem of a missing or unreadable header, or of missing columns.
    init(bytes: [UInt8], required: [String], empty: String) throws(ImportProblem.List) {
        var parser = CSVParser()
        var records: [CSVRecord] = []
        parser.consume(bytes) { records.append($0) }
        parser.finish { records.append($0) }
        guard let first = records.first else {
            throw ImportProblem.List([ImportProblem(line: 1, column: "", code: "missing_column", message: empty)])
        }
        if let problem = first.problem {
            throw ImportProblem.List([ImportProblem(line: first.line, column: "", code: first.problemCode, message: problem)])
        }
        self.header = try CSVHeader(first, required: required)
        self.rows = records.dropFirst()
    }
}
