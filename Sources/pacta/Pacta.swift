import ArgumentParser

/// `pacta`: the server and its administration commands.
@main
struct Pacta: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "pacta",
        abstract: "Pacta: internal service agreements, their compliance, and the NPS alongside.",
        subcommands: [
            Serve.self, Migrate.self, Demo.self, UserCommand.self, TokenCommand.self, CampaignCommand.self, Verify.self, Import.self, Report.self,
            Bench.self,
        ],
        defaultSubcommand: Serve.self
    )
}
