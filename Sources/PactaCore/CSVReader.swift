/// One CSV record with the line it starts on (1-based, counting the header).
public struct CSVRecord: Sendable, Hashable {
    public var line: Int
    public var fields: [String]
    /// Why the record is malformed, if it is.
    public var problem: String?

    public init(line: Int, fields: [String], problem: String? = nil) {
        self.line = line
        self.fields = fields
        self.problem = problem
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

    /// Every record of `text`; blank lines are skipped. Throws at the first malformed record.
    public func records(in text: String) throws(CSVSyntaxError) -> [CSVRecord] {
        var parser = CSVParser()
        var records: [CSVRecord] = []
        parser.consume(text.utf8) { records.append($0) }
        parser.finish { records.append($0) }
        if let bad = records.first(where: { $0.problem != nil }) {
            throw CSVSyntaxError(line: bad.line, message: bad.problem!)
        }
        return records
    }
}

/// An incremental CSV parser: feed it chunks of any size, it hands back each complete record.
/// Memory stays at one record whatever the input size. A malformed record is handed back with
/// its `problem` and parsing goes on at the next line.
public struct CSVParser: Sendable {
    private var field: [UInt8] = []
    private var fields: [String] = []
    private var line = 1
    private var recordLine = 1
    private var inQuotes = false
    private var quotePending = false
    private var fieldWasQuoted = false
    private var problem: String?
    private var started = false

    public init() {}

    /// Parses `bytes`, calling `emit` for every record they complete.
    public mutating func consume(_ bytes: some Sequence<UInt8>, _ emit: (CSVRecord) throws -> Void) rethrows {
        // One loop over contiguous bytes, whatever the caller's collection.
        if let done = try bytes.withContiguousStorageIfAvailable({ try self.consume(buffer: $0, emit) }) {
            return done
        }
        try Array(bytes).withUnsafeBufferPointer { try self.consume(buffer: $0, emit) }
    }

    private mutating func consume(buffer bytes: UnsafeBufferPointer<UInt8>, _ emit: (CSVRecord) throws -> Void) rethrows {
        for byte in bytes {
            if !self.started {
                self.started = true
                if byte == 0xEF { self.skippingBOM = 2; continue }
            }
            if self.skippingBOM > 0 {
                self.skippingBOM -= 1
                continue
            }
            if self.inQuotes {
                if self.quotePending {
                    self.quotePending = false
                    if byte == UInt8(ascii: "\"") {
                        self.field.append(byte)
                        continue
                    }
                    self.inQuotes = false  // that quote closed the field; read this byte outside quotes
                } else if byte == UInt8(ascii: "\"") {
                    self.quotePending = true
                    continue
                } else {
                    if byte == UInt8(ascii: "\n") { self.line += 1 }
                    self.field.append(byte)
                    continue
                }
            }
            switch byte {
            case UInt8(ascii: ","):
                self.endField()
            case UInt8(ascii: "\r"):
                break
            case UInt8(ascii: "\n"):
                try self.endRecord(emit)
                self.line += 1
                self.recordLine = self.line
            case UInt8(ascii: "\""):
                if self.field.isEmpty && !self.fieldWasQuoted {
                    self.inQuotes = true
                    self.fieldWasQuoted = true
                } else {
                    self.problem = self.problem ?? "A quote appears inside an unquoted field; quote the whole field and double inner quotes."
                }
            default:
                if self.fieldWasQuoted {
                    self.problem = self.problem ?? "Text follows the closing quote of a field."
                }
                self.field.append(byte)
            }
        }
    }

    /// Ends the input, handing back the last record if it did not end with a line break.
    public mutating func finish(_ emit: (CSVRecord) throws -> Void) rethrows {
        if self.inQuotes && !self.quotePending {
            self.problem = "A quoted field is never closed."
        }
        self.inQuotes = false
        self.quotePending = false
        if !self.field.isEmpty || !self.fields.isEmpty || self.fieldWasQuoted || self.problem != nil {
            try self.endRecord(emit)
        }
    }

    private var skippingBOM = 0

    private mutating func endField() {
        self.fields.append(String(decoding: self.field, as: UTF8.self))
        self.field.removeAll(keepingCapacity: true)
        self.fieldWasQuoted = false
    }

    private mutating func endRecord(_ emit: (CSVRecord) throws -> Void) rethrows {
        let blank = self.fields.isEmpty && self.field.isEmpty && !self.fieldWasQuoted && self.problem == nil
        self.endField()
        if !blank {
            try emit(CSVRecord(line: self.recordLine, fields: self.fields, problem: self.problem))
        }
        self.fields.removeAll(keepingCapacity: true)
        self.problem = nil
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
