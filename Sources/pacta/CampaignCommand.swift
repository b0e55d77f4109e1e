import ArgumentParser
import Foundation
import PactaApp
import PactaCore
import PactaStore

/// `pacta campaign …`: perception-survey campaigns from the terminal, acting as the system
/// (every unit's campaigns), under the same rules as the pages and the API.
struct CampaignCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "campaign",
        abstract: "Create, open and close perception-survey campaigns, and read their results.",
        subcommands: [Create.self, Open.self, Close.self, Results.self]
    )

    struct Create: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract:
                "Create a draft campaign; without --agreement, it rates every agreement of the unit with a soft commitment in force in the period."
        )
        @OptionGroup var database: DatabaseOptions
        @Option(help: "Campaign code, e.g. ENC-2026-Q4.") var code: String
        @Option(help: "Title shown to raters.") var title: String
        @Option(help: "2026-11 or 2026-Q4, matching the agreements' cadence.") var period: String
        @Option(help: "The unit running it: its agreements (and those below it) are rated.") var unit: String
        @Option(help: "First day answers are taken, YYYY-MM-DD (default: the period's first day).") var opens: String?
        @Option(help: "Last day answers are taken, YYYY-MM-DD (default: 14 days after opening).") var closes: String?
        @Option(help: "Days between reminders.") var reminderDays = 7
        @Option(name: .customLong("agreement"), help: "An agreement to rate (repeat the option for several).") var agreements: [String] = []

        func run() async throws {
            guard let period = Period(self.period) else { throw CommandFailure("--period must look like 2026-11 or 2026-Q4.") }
            let opensOn = try self.opens.map { try day($0, "--opens") } ?? period.first
            let closesOn = try self.closes.map { try day($0, "--closes") } ?? opensOn.adding(days: 14)
            let draft = CampaignDraft(
                code: self.code,
                title: self.title,
                period: period,
                unit: self.unit,
                opensOn: opensOn,
                closesOn: closesOn,
                reminderDays: self.reminderDays,
                agreements: self.agreements.isEmpty ? nil : self.agreements
            )
            let campaign = try await self.database.withStore { store in
                try await store.campaigns.create(draft, by: .system("pacta-cli"), at: Date())
            }
            print(
                "Campaign \(campaign.code) created as a draft: \(campaign.agreements.count) agreement(s): \(campaign.agreements.joined(separator: ", "))."
            )
        }
    }

    struct Open: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Open a draft: its questions are fixed and its raters invited.")
        @OptionGroup var database: DatabaseOptions
        @Argument(help: "Campaign code.") var code: String

        func run() async throws {
            let invitations = try await self.database.withStore { store in
                try await store.campaigns.open(self.code, by: .system("pacta-cli"), at: Date())
            }
            print("Campaign \(self.code) is open: \(invitations) invitation(s).")
        }
    }

    struct Close: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Close an open campaign: no more answers; its results stay.")
        @OptionGroup var database: DatabaseOptions
        @Argument(help: "Campaign code.") var code: String

        func run() async throws {
            try await self.database.withStore { store in
                try await store.campaigns.close(self.code, by: .system("pacta-cli"), at: Date())
            }
            print("Campaign \(self.code) is closed.")
        }
    }

    struct Results: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "A campaign's results, one row per group (campaign, provider, agreement), groups below k answers hidden as on the page."
        )
        @OptionGroup var database: DatabaseOptions
        @Argument(help: "Campaign code.") var code: String
        @Option(help: "csv or json.") var format = "csv"

        func run() async throws {
            guard self.format == "csv" || self.format == "json" else { throw CommandFailure("--format is csv or json.") }
            let settings = ServerSettings(reader: self.database.reader())
            let found = try await self.database.withStore { store -> (CampaignResults, CampaignTrend)? in
                guard let results = try await store.campaigns.results(self.code, visibleTo: .system("pacta-cli"), k: settings.surveyMinimumAnswers)
                else { return nil }
                return (results, try await store.campaigns.trend(of: results))
            }
            guard let (results, trend) = found else { throw CommandFailure("There is no campaign \(self.code).") }
            if self.format == "csv" {
                print(CampaignExport.resultsCSV(results), terminator: "")
            } else {
                let today = LocalDate(Date(), in: settings.timeZone)
                print(String(decoding: try PactaJSON.encoder.encode(CampaignResultsJSON(results, trend: trend, today: today)), as: UTF8.self))
            }
        }
    }
}

private func day(_ text: String, _ option: String) throws -> LocalDate {
    guard let day = LocalDate(text) else { throw CommandFailure("\(option) must be a day like 2026-11-02, not '\(text)'.") }
    return day
}
