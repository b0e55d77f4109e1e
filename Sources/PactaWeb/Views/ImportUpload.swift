import Foundation
import NIOCore
import PactaCore
import PactaStore

/// A CSV import form as posted: the uploaded file, or else the pasted text, and the skip option.
struct ImportUpload {
    /// What the import reads: the file's bytes as uploaded, which the CSV reader checks.
    var bytes: [UInt8]
    /// The text shown back on the page; empty for a file that is not UTF-8.
    var csv: String
    var skipInvalid: Bool

    /// Pasted text is shown back on the page up to this size; larger uploads are not echoed.
    static let echoedSize = 200_000

    init(_ form: FormData) {
        let file = form.files["file"] ?? []
        if file.contains(where: { !(UInt8(ascii: " ") == $0 || (9...13).contains($0)) }) {
            self.bytes = file
            self.csv = form["file"] ?? ""
        } else {
            self.csv = form["csv"] ?? ""
            self.bytes = Array(self.csv.utf8)
        }
        self.skipInvalid = form["skip_invalid"] != nil
    }

    /// The bytes as the streamed imports read them: one chunk (a form is at most 20 MB).
    var chunks: AsyncStream<ByteBuffer> {
        let bytes = self.bytes
        return AsyncStream { continuation in
            continuation.yield(ByteBuffer(bytes: bytes))
            continuation.finish()
        }
    }

}

/// An import page (units or requests): the text sent, its problems, and what was written.
struct ImportPage: Sendable {
    struct Problem: Sendable {
        var line: Int
        var column: String
        var message: String
        var detail: String
    }

    struct Result: Sendable {
        var created: Int
        var updated: Int
        var unchanged: Int
        var skipped: Int
        /// Request imports say where the requests went: `12 con acuerdo`, `3 sin acuerdo`.
        var matched: String?
        var unmatched: String?
        var hasUnmatched: Bool
    }

    var csv: String
    var skipInvalid: Bool
    var problems: [Problem]
    /// How many problems there were in all, when more than those listed.
    var more: Int?
    /// Nil when nothing was written.
    var result: Result?
    /// How times are read (request imports).
    var timesHelp: String?
    /// `Columnas no leídas: quailty`; nil when every column was read.
    var ignoredNote: String?

    /// The empty form.
    init(timesHelp: String? = nil) {
        self.csv = ""
        self.skipInvalid = false
        self.problems = []
        self.timesHelp = timesHelp
    }

    init(_ upload: ImportUpload, report: ImportReport, timesHelp: String? = nil, messages: Messages) {
        self.csv = upload.csv.utf8.count <= ImportUpload.echoedSize ? upload.csv : ""
        self.skipInvalid = upload.skipInvalid
        self.problems = report.problems.map {
            Problem(line: $0.line, column: $0.column, message: messages.text("errors.\($0.code)", or: $0.message), detail: $0.message)
        }
        self.more = report.problemCount > report.problems.count ? report.problemCount : nil
        self.ignoredNote =
            report.ignoredColumns.isEmpty
            ? nil
            : messages.text("imports.ignored_columns", or: "{columns}").replacingOccurrences(
                of: "{columns}",
                with: report.ignoredColumns.joined(separator: ", ")
            )
        if report.committed {
            func count(_ key: String, _ value: Int?) -> String? {
                value.map { messages.text(key, or: "{count}").replacingOccurrences(of: "{count}", with: String($0)) }
            }
            self.result = Result(
                created: report.created,
                updated: report.updated,
                unchanged: report.unchanged,
                skipped: report.skipped,
                matched: count("requests.imported_matched", report.matched),
                unmatched: count("requests.imported_unmatched", report.unmatched),
                hasUnmatched: (report.unmatched ?? 0) > 0
            )
        }
        self.timesHelp = timesHelp
    }
}
