/// One CSV record with the line it starts on (1-based, counting the header).
public struct CSVRecord: Sendable, Hashable {
    public var line: Int
    public var fields: [String]

    public init(line: Int, fields: [String]) {
        self.line = line
        self.fields = fields
    }
}

/// A CSV text that breaks RFC 4180 at a given place.
public struct CSVSyntaxError: Error, Sendable, Hashable {
    public var line: Int
    public var message: String
}

/// Reads RFC 4180 CSV (quoted fields, doubled quotes, CRLF or LF line ends, a leading BOM),
/// keeping the line each record starts on so that problems can be reported where they are.
///
/// Written here rather than taken from a package because reports must name the exact line of
/// records that span several lines, which the available CSV packages do not expose.
public struct CSVReader: Sendable {
    public init() {}

    /// Every record of `text`; blank lines are skipped.
    public func records(in text: String) throws(CSVSyntaxError) -> [CSVRecord] {
        var records: [CSVRecord] = []
        var fields: [String] = []
        var field: [UInt8] = []
        var line = 1
        var recordLine = 1
        var inQuotes = false
        var fieldWasQuoted = false
        var bytes = Array(text.utf8)
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { bytes.removeFirst(3) }
        var index = 0

        func endField() {
            fields.append(String(decoding: field, as: UTF8.self))
            field.removeAll(keepingCapacity: true)
            fieldWasQuoted = false
        }
        func endRecord() {
            endField()
            if !(fields.count == 1 && fields[0].isEmpty) {
                records.append(CSVRecord(line: recordLine, fields: fields))
            }
            fields.removeAll(keepingCapacity: true)
        }

        while index < bytes.count {
            let byte = bytes[index]
            if inQuotes {
                if byte == UInt8(ascii: "\"") {
                    if index + 1 < bytes.count, bytes[index + 1] == UInt8(ascii: "\"") {
                        field.append(byte)
                        index += 1
                    } else {
                        inQuotes = false
                    }
                } else {
                    if byte == UInt8(ascii: "\n") { line += 1 }
                    field.append(byte)
                }
            } else {
                switch byte {
                case UInt8(ascii: ","):
                    endField()
                case UInt8(ascii: "\r"):
                    break
                case UInt8(ascii: "\n"):
                    endRecord()
                    line += 1
                    recordLine = line
                case UInt8(ascii: "\""):
                    guard field.isEmpty, !fieldWasQuoted else {
                        throw CSVSyntaxError(line: line, message: "A quote appears inside an unquoted field; quote the whole field and double inner quotes.")
                    }
                    inQuotes = true
                    fieldWasQuoted = true
                default:
                    if fieldWasQuoted {
                        throw CSVSyntaxError(line: line, message: "Text follows the closing quote of a field.")
                    }
                    field.append(byte)
                }
            }
            index += 1
        }
        if inQuotes {
            throw CSVSyntaxError(line: recordLine, message: "A quoted field is never closed.")
        }
        if !field.isEmpty || !fields.isEmpty || fieldWasQuoted { endRecord() }
        return records
    }
}

/// A CSV file's header: where each named column is, whatever the order, extra columns ignored.
public struct CSVHeader: Sendable {
    private let positions: [String: Int]

    /// Reads the header record; `required` columns must all be present.
    public init(_ record: CSVRecord, required: [String]) throws(ImportProblem.List) {
        var positions: [String: Int] = [:]
        for (index, name) in record.fields.enumerated() {
            let key = name.trimmed.lowercased()
            if positions[key] == nil { positions[key] = index }
        }
        let missing = required.filter { positions[$0] == nil }
        guard missing.isEmpty else {
            throw ImportProblem.List(
                missing.map {
                    ImportProblem(line: record.line, column: $0, code: "missing_column", message: "The header has no column \($0).")
                }
            )
        }
        self.positions = positions
    }

    /// The value of `column` in `record`, trimmed; "" when the record is short.
    public func value(_ column: String, in record: CSVRecord) -> String {
        guard let index = self.positions[column], index < record.fields.count else { return "" }
        return record.fields[index].trimmed
    }
}

/// A row of an import that cannot be taken, and where.
public struct ImportProblem: Sendable, Hashable, Codable {
    public var line: Int
    /// The column name, or empty when the whole row is at fault.
    public var column: String
    public var code: String
    public var message: String

    public init(line: Int, column: String, code: String, message: String) {
        self.line = line
        self.column = column
        self.code = code
        self.message = message
    }

    /// Several problems, thrown together.
    public struct List: Error, Sendable, Hashable {
        public var problems: [ImportProblem]
        public init(_ problems: [ImportProblem]) { self.problems = problems }
    }
}
