import Foundation
import Hummingbird
import HummingbirdAuth
import PactaCore
import PactaStore

/// The fields of a posted form, `application/x-www-form-urlencoded` or `multipart/form-data`.
/// Text fields must be UTF-8 without NUL (422 otherwise); uploaded files are kept as bytes too,
/// for the import that reads them to report a bad byte by line and column.
public struct FormData: Sendable {
    /// Field values by name; the last one wins when a name repeats. A file that is not UTF-8 has none.
    public private(set) var fields: [String: String] = [:]
    /// The bytes of each uploaded file, by field name.
    public private(set) var files: [String: [UInt8]] = [:]

    public init(fields: [String: String] = [:], files: [String: [UInt8]] = [:]) {
        self.fields = fields
        self.files = files
    }

    public subscript(name: String) -> String? { self.fields[name] }

    /// The field's value without surrounding whitespace, or "" when absent.
    public func text(_ name: String) -> String {
        (self.fields[name] ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// Most forms are small; CSV uploads may be larger.
    static let maximumSize = 20 * 1024 * 1024

    /// Reads the form from the request body (collected, so handlers can still read it).
    static func parse(_ request: inout Request, context: AppRequestContext) async throws -> FormData {
        let buffer = try await request.body(upTo: Self.maximumSize)
        request.body = .init(buffer: buffer)
        let contentType = request.headers[.contentType] ?? ""
        let bytes = Array(buffer.readableBytesView)
        if contentType.lowercased().hasPrefix("multipart/form-data") {
            guard let boundary = Self.parameter("boundary", in: contentType) else {
                throw APIError(.badRequest, code: "bad_request", message: "multipart/form-data without a boundary.")
            }
            return try Self.multipart(bytes, boundary: boundary)
        }
        guard let text = String(validating: bytes, as: UTF8.self) else {
            throw ValidationError(field: "", code: "not_utf8", message: "The form is not UTF-8 text.")
        }
        return FormData(fields: try Self.urlEncoded(text))
    }

    static func urlEncoded(_ text: String) throws(ValidationError) -> [String: String] {
        var fields: [String: String] = [:]
        for pair in text.split(separator: "&") {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            let name = try Self.decodeComponent(parts[0], field: "")
            fields[name] = parts.count > 1 ? try Self.decodeComponent(parts[1], field: name) : ""
        }
        return fields
    }

    private static func decodeComponent(_ text: Substring, field: String) throws(ValidationError) -> String {
        let plain = String(text).replacingOccurrences(of: "+", with: " ")
        guard let decoded = plain.removingPercentEncoding else {
            throw ValidationError(field: field, code: "not_utf8", message: "\(field.isEmpty ? "A field name" : field) is not UTF-8 text.")
        }
        return try Self.checked(decoded, field: field)
    }

    /// Text as posted, unless it holds a NUL, which no field of Pacta's takes.
    private static func checked(_ text: String, field: String) throws(ValidationError) -> String {
        guard !text.utf8.contains(0) else {
            throw ValidationError(field: field, code: "nul_byte", message: "\(field) contains a NUL character, which Pacta does not take.")
        }
        return text
    }

    private static func parameter(_ name: String, in header: String) -> String? {
        for part in header.split(separator: ";") {
            let pieces = part.split(separator: "=", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
            if pieces.count == 2, pieces[0].lowercased() == name {
                return pieces[1].trimmingCharacters(in: CharacterSet(charactersIn: "\""))
            }
        }
        return nil
    }

    /// Splits a multipart body at its boundary and reads each part's name and content.
    static func multipart(_ body: [UInt8], boundary: String) throws(ValidationError) -> FormData {
        let delimiter = Array("--\(boundary)".utf8)
        var form = FormData()
        var parts: [ArraySlice<UInt8>] = []
        var start: Int?
        var index = 0
        while index + delimiter.count <= body.count {
            if body[index] == delimiter[0], body[index..<(index + delimiter.count)].elementsEqual(delimiter) {
                if let partStart = start { parts.append(body[partStart..<index]) }
                index += delimiter.count
                start = index
            } else {
                index += 1
            }
        }
        let separator = Array("\r\n\r\n".utf8)
        for part in parts {
            var part = part
            if part.starts(with: Array("\r\n".utf8)) { part = part.dropFirst(2) }
            guard let headerEnd = Self.find(separator, in: part) else { continue }
            let headers = String(decoding: part[part.startIndex..<headerEnd], as: UTF8.self)
            var content = part[(headerEnd + separator.count)...]
            if content.suffix(2).elementsEqual(Array("\r\n".utf8)) { content = content.dropLast(2) }
            guard let disposition = headers.split(separator: "\r\n").first(where: { $0.lowercased().hasPrefix("content-disposition") }),
                let name = Self.parameter("name", in: String(disposition))
            else { continue }
            if Self.parameter("filename", in: String(disposition)) != nil {
                form.files[name] = Array(content)
                if var text = String(validating: content, as: UTF8.self) {
                    if text.hasPrefix("\u{FEFF}") { text.removeFirst() }
                    form.fields[name] = text
                }
                continue
            }
            guard var text = String(validating: content, as: UTF8.self) else {
                throw ValidationError(field: name, code: "not_utf8", message: "\(name) is not UTF-8 text.")
            }
            if text.hasPrefix("\u{FEFF}") { text.removeFirst() }
            form.fields[name] = try Self.checked(text, field: name)
        }
        return form
    }

    private static func find(_ needle: [UInt8], in haystack: ArraySlice<UInt8>) -> Int? {
        guard haystack.count >= needle.count else { return nil }
        var index = haystack.startIndex
        while index + needle.count <= haystack.endIndex {
            if haystack[index..<(index + needle.count)].elementsEqual(needle) { return index }
            index += 1
        }
        return nil
    }
}
