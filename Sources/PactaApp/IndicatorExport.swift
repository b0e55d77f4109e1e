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

    /// One row per commitment, hard and soft: `commitment,kind,metric,count,met,missed,pending,value,status`,
    /// where `count` is the requests a hard commitment counted or the survey answers a soft one
    /// rests on, and `value` is empty when not measured (`no_data`).
    public static func commitmentsCSV(_ report: HardIndicatorReport) -> String {
        var text = "commitment,kind,metric,count,met,missed,pending,value,status\r\n"
        func value(_ number: Double?) -> String { number.map { String($0) } ?? "" }
        for measurement in report.measurements {
            text +=
                [
                    CSVField.escape(measurement.commitment), "hard", measurement.metric.rawValue, String(measurement.requests),
                    String(measurement.met), String(measurement.missed), String(measurement.pending), value(measurement.value),
                    measurement.status.rawValue,
                ]
                .joined(separator: ",") + "\r\n"
        }
        for measurement in report.soft {
            text +=
                [
                    CSVField.escape(measurement.commitment), "soft", measurement.metric.rawValue, String(measurement.responses), "", "", "",
                    value(measurement.value), measurement.status.rawValue,
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
