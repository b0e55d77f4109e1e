import Foundation
import PactaCore
import PactaStore

/// One audit line.
public struct AuditLineJSON: Codable, Sendable {
    public var externalRef: String
    public var commitment: String
    public var priority: String
    public var openedAt: String
    public var businessSeconds: Int64
    public var outcome: Outcome

    public init(_ line: HardIndicatorReport.Line) {
        self.externalRef = line.externalRef
        self.commitment = line.commitment
        self.priority = line.priority
        self.openedAt = Timestamp.format(line.openedAt)
        self.businessSeconds = line.businessSeconds
        self.outcome = line.outcome
    }
}

/// Exports of indicator reports, for the pages, the API and the CLI alike: CSV (RFC 4180,
/// header row) and JSON, with the API's field names.
public enum IndicatorExport {
    /// `external_ref,commitment,priority,opened_at,business_seconds,outcome`; text that a
    /// spreadsheet would run as a formula is neutralised (see ``CSVField``).
    public static func requestsCSV(_ report: HardIndicatorReport) -> String {
        var text = "external_ref,commitment,priority,opened_at,business_seconds,outcome\r\n"
        for line in report.lines {
            text +=
                [
                    CSVField.escape(line.externalRef), CSVField.escape(line.commitment), CSVField.escape(line.priority),
                    Timestamp.format(line.openedAt), String(line.businessSeconds), line.outcome.rawValue,
                ]
                .joined(separator: ",") + "\r\n"
        }
        return text
    }

    /// The same rows as JSON: `{"items": [...]}`.
    public static func requestsJSON(_ report: HardIndicatorReport) throws -> String {
        String(decoding: try PactaJSON.encoder.encode(["items": report.lines.map(AuditLineJSON.init)]), as: UTF8.self)
    }
}
