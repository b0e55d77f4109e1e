/// One CSV record with the line it starts on (1-based, counting the header).
public struct CSVRecord: Sendable, Hashable {
    public var line: Int
    public var fields: [String]
    /// Why the record is malformed, if it is.
    public var problem: String?
    /// The position (0-based) of the field at fault, when one is.
    public var problemField: Int?
    /// The problem's code: `invalid_csv`, `not_utf8`, `nul_byte` or `too_long`.
    public var problemCode: String

    public init(line: Int, fields: [String], problem: String? = nil, problemField: Int? = nil, problemCode: String = "invalid_csv") {
        self.line = line
        self.fields = fields
        self.problem = problem
        self.problemField = problemField
        self.problemCode = problemCode
    }
}

/// A CSV text that breaks RFC 4180 at a given place.
public struct CSVSyntaxError: Error, Sendable, Hashable {
    public var line: Int
    public var message: String
}

/// Reads RFC 4180 CSV (quoted fields, doubled quotes, CRLF, LF or CR line ends, a leading BOM),
/// separated by commas or, as a spreadsheet in a Spanish locale saves it, semicolons (the header
/// line decides which), keeping the line each record starts on so that problems can be reported where they are.
/// Text must be UTF-8: a field with bytes that are not, or with a NUL, or longer than
/// ``CSVParser/maximumFieldBytes`` is reported, never changed or kept whole.
///
/// Written here rather than taken from a package because reports must name the exact line of
/// records that span several lines, which the available CSV packages do not expose.
public struct CSVReader: Sendable {
    public init() {}

    /// Every record of `text`; blank lines are skipped. Throws at the first malformed record.
    public func records(in text: String) throws(CSVSyntaxError) -> [CSVRecord] {
        try self.records(in: Array(text.utf8))
    }

    /// Every record of the bytes of a file; blank lines are skipped. Throws at the first malformed record.
    public func records(in bytes: some Sequence<UInt8>) throws(CSVSyntaxError) -> [CSVRecord] {
        var parser = CSVParser()
        var records: [CSVRecord] = []
        parser.consume(bytes) { records.append($0) }
        parser.finish { records.append($0) }
        if let bad = records.first(where: { $0.problem != nil }) {
            throw CSVSyntaxError(line: bad.line, message: bad.problem!)
        }
        return records
    }
}

/// An incremental CSV parser: feed it chunks of any size, it hands back each complete record.
/// Memory stays at one record, at most ``maximumRecordBytes``, whatever the input size. A
/// malformed record is handed back with its `problem` and parsing goes on at the next line.
public struct CSVParser: Sendable {
    /// The longest field taken; a longer one is reported and not kept.
    public static let maximumFieldBytes = 1 << 20
    /// The longest record taken, all its fields together.
    public static let maximumRecordBytes = 4 << 20

    private var field: [UInt8] = []
    private var fields: [String] = []
    private var recordBytes = 0
    private var line = 1
    private var recordLine = 1
    private var inQuotes = false
    private var quotePending = false
    private var fieldWasQuoted = false
    /// The last byte was a CR: a LF right after it ends the same line.
    private var afterCR = false
    private var problem: String?
    private var problemField: Int?
    private var problemCode = "invalid_csv"
    private var started = false
    /// What separates fields: `,` or `;`; nil until the header line decides.
    public private(set) var separator: UInt8?
    /// The separator in use: a comma until the header decides.
    private var fieldSeparator = UInt8(ascii: ",")
    /// The header line, kept until its end decides the separator.
    private var headerLine: [UInt8] = []
    private var headerLineInQuotes = false

    /// - Parameter separator: the field separator; by default the header line decides between
    ///   `,` and `;`, whichever it holds more of outside quotes.
    public init(separator: UInt8? = nil) {
        self.separator = separator
        self.fieldSeparator = separator ?? UInt8(ascii: ",")
    }

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
                if byte == 0xEF {
                    self.skippingBOM = 2
                    continue
                }
            }
            if self.skippingBOM > 0 {
                self.skippingBOM -= 1
                continue
            }
            if self.separator == nil {
                // The header line is kept until it ends outside quotes, then read with the separator it shows.
                if byte == UInt8(ascii: "\"") { self.headerLineInQuotes.toggle() }
                let endsLine = !self.headerLineInQuotes && (byte == UInt8(ascii: "\n") || byte == UInt8(ascii: "\r"))
                guard endsLine || self.headerLine.count >= Self.maximumRecordBytes else {
                    self.headerLine.append(byte)
                    continue
                }
                // Blank lines before the header decide nothing.
                if !self.headerLine.isEmpty { try self.decideSeparator(emit) }
            }
            try self.step(byte, emit)
        }
    }

    /// Chooses the separator the header line holds more of outside quotes, and reads that line.
    private mutating func decideSeparator(_ emit: (CSVRecord) throws -> Void) rethrows {
        var inQuotes = false
        var commas = 0
        var semicolons = 0
        for byte in self.headerLine {
            switch byte {
            case UInt8(ascii: "\""): inQuotes.toggle()
            case UInt8(ascii: ",") where !inQuotes: commas += 1
            case UInt8(ascii: ";") where !inQuotes: semicolons += 1
            default: break
            }
        }
        self.fieldSeparator = semicolons > commas ? UInt8(ascii: ";") : UInt8(ascii: ",")
        self.separator = self.fieldSeparator
        let line = self.headerLine
        self.headerLine = []
        for byte in line { try self.step(byte, emit) }
    }

    private mutating func step(_ byte: UInt8, _ emit: (CSVRecord) throws -> Void) rethrows {
        let afterCR = self.afterCR
        self.afterCR = byte == UInt8(ascii: "\r")
        if self.inQuotes {
            if self.quotePending {
                self.quotePending = false
                if byte == UInt8(ascii: "\"") {
                    self.append(byte)
                    return
                }
                self.inQuotes = false  // that quote closed the field; read this byte outside quotes
            } else if byte == UInt8(ascii: "\"") {
                self.quotePending = true
                return
            } else {
                // CR, LF and CRLF inside a field each count as one line.
                if byte == UInt8(ascii: "\r") || (byte == UInt8(ascii: "\n") && !afterCR) { self.line += 1 }
                self.append(byte)
                return
            }
        }
        switch byte {
        case self.fieldSeparator:
            self.endField()
        case UInt8(ascii: "\n") where afterCR:
            break  // the LF of a CRLF: the CR ended the line
        case UInt8(ascii: "\r"), UInt8(ascii: "\n"):
            try self.endRecord(emit)
            self.line += 1
            self.recordLine = self.line
        case UInt8(ascii: "\""):
            if self.field.isEmpty && !self.fieldWasQuoted {
                self.inQuotes = true
                self.fieldWasQuoted = true
            } else {
                self.report("A quote appears inside an unquoted field; quote the whole field and double inner quotes.")
            }
        default:
            if self.fieldWasQuoted {
                self.report("Text follows the closing quote of a field.")
            }
            self.append(byte)
        }
    }

    /// Adds a byte to the field, unless the field or the record is already too long.
    private mutating func append(_ byte: UInt8) {
        guard self.field.count < Self.maximumFieldBytes, self.recordBytes + self.field.count < Self.maximumRecordBytes else {
            self.report(
                self.field.count >= Self.maximumFieldBytes
                    ? "A field is longer than \(Self.maximumFieldBytes >> 20) MB, the most Pacta takes."
                    : "The record is longer than \(Self.maximumRecordBytes >> 20) MB, the most Pacta takes.",
                code: "too_long"
            )
            return
        }
        self.field.append(byte)
    }

    /// Records the first problem of the record, with the field it is in.
    private mutating func report(_ problem: String, code: String = "invalid_csv") {
        guard self.problem == nil else { return }
        self.problem = problem
        self.problemField = self.fields.count
        self.problemCode = code
    }

    /// Ends the input, handing back the last record if it did not end with a line break.
    public mutating func finish(_ emit: (CSVRecord) throws -> Void) rethrows {
        if self.separator == nil { try self.decideSeparator(emit) }
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
        if self.field.contains(0) {
            self.report("The text contains a NUL byte, which Pacta does not take.", code: "nul_byte")
        }
        if let text = String(validating: self.field, as: UTF8.self) {
            self.fields.append(text)
        } else {
            self.report(
                "The text is not UTF-8 (\(UTF8Check.describeFirstInvalid(in: self.field))). Save the file as UTF-8 (in Excel: \"CSV UTF-8\") and send it again.",
                code: "not_utf8"
            )
            self.fields.append(String(decoding: self.field, as: UTF8.self))
        }
        self.recordBytes += self.field.count
        self.field.removeAll(keepingCapacity: self.field.count <= 1 << 16)
        self.fieldWasQuoted = false
    }

    private mutating func endRecord(_ emit: (CSVRecord) throws -> Void) rethrows {
        let blank = self.fields.isEmpty && self.field.isEmpty && !self.fieldWasQuoted && self.problem == nil
        self.endField()
        if !blank {
            try emit(
                CSVRecord(
                    line: self.recordLine,
                    fields: self.fields,
                    problem: self.problem,
                    problemField: self.problemField,
                    problemCode: self.problemCode
                )
            )
        }
        self.fields.removeAll(keepingCapacity: true)
        self.recordBytes = 0
        self.problem = nil
        self.problemField = nil
        self.problemCode = "invalid_csv"
    }
}

/// Where text stops being UTF-8.
public enum UTF8Check {
    /// The first byte of `bytes` that does not start a UTF-8 character: its line and column
    /// (1-based, counting characters) and the byte itself; nil when all the text is UTF-8.
    public static func firstInvalid(in bytes: some Collection<UInt8>) -> (line: Int, column: Int, byte: UInt8)? {
        var line = 1
        var column = 1
        var index = bytes.startIndex
        while index != bytes.endIndex {
            let lead = bytes[index]
            let length =
                switch lead {
                case 0x00...0x7F: 1
                case 0xC2...0xDF: 2
                case 0xE0...0xEF: 3
                case 0xF0...0xF4: 4
                default: 0
                }
            guard length > 0, let end = bytes.index(index, offsetBy: length, limitedBy: bytes.endIndex),
                String(validating: bytes[index..<end], as: UTF8.self) != nil
            else { return (line, column, lead) }
            if lead == UInt8(ascii: "\n") {
                line += 1
                column = 1
            } else {
                column += 1
            }
            index = end
        }
        return nil
    }

    /// "byte 0xE9 at character 5 of the field" for the first byte of `field` that is not UTF-8.
    static func describeFirstInvalid(in field: [UInt8]) -> String {
        guard let (line, column, byte) = Self.firstInvalid(in: field) else { return "" }
        let hex = String(byte, radix: 16, uppercase: true)
        return "byte 0x\(hex.count == 1 ? "0" + hex : hex) at character \(column) of the field" + (line > 1 ? ", line \(line) within it" : "")
    }
}

/// A CSV file's header: where each named column is, whatever the order, extra columns ignored.
public struct CSVHeader: Sendable {
    private let positions: [String: Int]
    private let names: [String]

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
        self.names = record.fields.map { $0.trimmed.lowercased() }
    }

    /// The column names, trimmed and lowercased, in their order.
    public var columns: [String] { self.names }

    /// The named columns not among `read`, in their order: what an import ignores.
    public func ignored(reading read: some Sequence<String>) -> [String] {
        let read = Set(read)
        return self.names.filter { !$0.isEmpty && !read.contains($0) }
    }

    /// The column a field position falls under, "" past the header's last one.
    public func name(at position: Int) -> String {
        position < self.names.count ? self.names[position] : ""
    }

    /// Why `record` cannot be read through this header: a CSV problem, or more or fewer fields
    /// than the header has columns (a row cut short or split wrongly would otherwise shift values).
    public func problem(with record: CSVRecord) -> ImportProblem? {
        if let problem = record.problem {
            return ImportProblem(line: record.line, column: record.problemField.map(self.name(at:)) ?? "", code: record.problemCode, message: problem)
        }
        guard record.fields.count == self.names.count else {
            let counted =
                "The row has \(record.fields.count) field\(record.fields.count == 1 ? "" : "s"); the header has \(self.names.count) columns."
            return ImportProblem(
                line: record.line,
                column: "",
                code: record.fields.count < self.names.count ? "missing_fields" : "extra_fields",
                message: counted
            )
        }
        return nil
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
