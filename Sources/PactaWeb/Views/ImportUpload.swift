import Foundation
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

    /// The data of an import page (templates/README.md): the text, the problems, the result when written.
    func page(_ report: ImportReport, messages: Messages) -> [String: Any] {
        var page: [String: Any] = [
            "csv": self.csv.utf8.count <= Self.echoedSize ? self.csv : "",
            "skipInvalid": self.skipInvalid,
            "problems": report.problems.map {
                ["line": $0.line, "column": $0.column, "message": messages.text("errors.\($0.code)", or: $0.message), "detail": $0.message]
            },
        ]
        if report.problemCount > report.problems.count { page["more"] = report.problemCount }
        if report.committed {
            var result: [String: Any] = [
                "created": report.created, "updated": report.updated, "unchanged": report.unchanged, "skipped": report.skipped,
            ]
            // Request imports say where the requests went: to agreements, or to none.
            if let matched = report.matched, let unmatched = report.unmatched {
                result["matched"] = messages.text("requests.imported_matched", or: "{count}").replacingOccurrences(
                    of: "{count}",
                    with: String(matched)
                )
                result["unmatched"] = messages.text("requests.imported_unmatched", or: "{count}").replacingOccurrences(
                    of: "{count}",
                    with: String(unmatched)
                )
                result["hasUnmatched"] = unmatched > 0
            }
            page["result"] = result
        }
        return page
    }
}
