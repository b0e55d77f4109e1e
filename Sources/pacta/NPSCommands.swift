import ArgumentParser
import Foundation
import PactaApp
import PactaCore
import PactaStore

extension Import {
    /// Customers' answers collected elsewhere (a survey tool, a kiosk, a contact-centre IVR).
    struct NPSResponses: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "nps-responses",
            abstract:
                "Import NPS answers (external_ref,answered_at,channel,touchpoint,transaction,score,comment), streamed. All or nothing unless --skip-invalid."
        )
        @OptionGroup var database: DatabaseOptions
        @Argument(help: "CSV file; - reads standard input.") var file: String
        @Flag(help: "Import the valid rows and report the others.") var skipInvalid = false

        func run() async throws {
            let chunks = try FileChunks(path: self.file)
            let settings = ServerSettings(reader: self.database.reader())
            let report = try await self.database.withStore { store in
                try await store.nps.importCSV(
                    chunks,
                    NPSImportOptions(skipInvalid: self.skipInvalid, unknown: settings.npsUnknownCodes, timeZone: settings.timeZone, instant: Date())
                )
            }
            try printReport(report, file: self.file, noun: "Answers")
        }
    }
}

extension Report {
    /// NPS of a period by channel, transaction type or touchpoint, as the dashboard reads it.
    struct NPS: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "nps",
            abstract:
                "NPS of a day, week, month or quarter by channel, transaction or touchpoint (n, shares, margin of error), or its trend, as CSV or JSON."
        )
        @OptionGroup var database: DatabaseOptions
        @Option(help: "2026-11-30, 2026-W49, 2026-11 or 2026-Q4 (default: the current month).") var period: String?
        @Option(help: "channel, transaction, touchpoint or trend.") var by = "channel"
        @Option(help: "Only this channel.") var channel: String?
        @Option(help: "Only this transaction type.") var transaction: String?
        @Option(help: "Only this touchpoint.") var touchpoint: String?
        @Option(help: "csv or json.") var format = "csv"

        func run() async throws {
            guard self.format == "csv" || self.format == "json" else { throw CommandFailure("--format is csv or json.") }
            let settings = ServerSettings(reader: self.database.reader())
            let period =
                try self.period.map {
                    guard let period = NPSPeriod($0) else { throw CommandFailure("--period must be \(NPSPeriod.expectedForm).") }
                    return period
                } ?? NPSPeriod(containing: LocalDate(Date(), in: settings.timeZone), .month)
            let filter = NPSFilter(channel: self.channel?.lowercased(), transaction: self.transaction, touchpoint: self.touchpoint)
            let minimum = settings.npsMinimumAnswers
            let text = try await self.database.withStore { store -> String in
                if self.by == "trend" {
                    let trend = try await NPSDashboard.trend(store.nps, ending: period, filter: filter, minimumAnswers: minimum)
                    return self.format == "csv"
                        ? NPSExport.csv(trend) : String(decoding: try PactaJSON.encoder.encode(["items": trend]), as: UTF8.self) + "\n"
                }
                guard let dimension = NPSDimension(rawValue: self.by) else {
                    throw CommandFailure("--by is channel, transaction, touchpoint or trend.")
                }
                let dashboard = try await NPSDashboard.build(store, period: period, filter: filter, minimumAnswers: minimum, namingEvery: true)
                let rows =
                    switch dimension {
                    case .channel: dashboard.channels
                    case .transaction: dashboard.transactions
                    case .touchpoint: dashboard.touchpoints
                    }
                return self.format == "csv"
                    ? NPSExport.csv(rows, dimension: dimension, period: period)
                    : String(decoding: try PactaJSON.encoder.encode(["items": rows]), as: UTF8.self) + "\n"
            }
            print(text, terminator: "")
        }
    }
}
