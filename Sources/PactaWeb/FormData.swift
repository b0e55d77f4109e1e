import Foundation
import Hummingbird
import HummingbirdAuth
import PactaCore
import PactaStore

/// The fields of a posted form, `application/x-www-form-urlencoded` or `multipart/form-data`
/// (whose file parts are read as UTF-8 text: Pacta only takes CSV files).
public struct FormData: Sendable {
    /// Field values by name; the last one wins when a name repeats.
    public private(set) var fields: [String: String] = [:]

    public init(fields: [String: String] = [:]) {
        self.fields = fields
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
        let buffer = try await request.collectBody(upTo: Self.maximumSize)
        let contentType = request.headers[.contentType] ?? ""
        let bytes = Array(buffer.readableBytesView)
        if contentType.lowercased().hasPrefix("multipart/form-data") {
            guard let boundary = Self.parameter("boundary", in: contentType) else {
                throw APIError(.badRequest, code: "bad_request", message: "multipart/form-data without a boundary.")
            }
            return FormData(fields: Self.multipart(bytes, boundary: boundary))
        }
        return FormData(fields: Self.urlEncoded(String(decoding: bytes, as: UTF8.self)))
    }

    static func urlEncoded(_ text: String) -> [String: String] {
        var fields: [String: String] = [:]
        for pair in text.split(separator: "&") {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            let name = Self.decodeComponent(parts[0])
            fields[name] = parts.count > 1 ? Self.decodeComponent(parts[1]) : ""
        }
        return fields
    }

    private static func decodeComponent(_ text: Substring) -> String {
        String(text).replacingOccurrences(of: "+", with: " ").removingPercentEncoding ?? String(text)
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
    static func multipart(_ body: [UInt8], boundary: String) -> [String: String] {
        let delimiter = Array("--\(boundary)".utf8)
        var fields: [String: String] = [:]
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
            var text = String(decoding: content, as: UTF8.self)
            if text.hasPrefix("\u{FEFF}") { text.removeFirst() }
            fields[name] = text
        }
        return fields
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
