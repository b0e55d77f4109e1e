import ArgumentParser
import Configuration
import Hummingbird
import PactaApp
import PactaWeb
import ServiceLifecycle
import UnixSignals

/// `pacta serve`: runs the web server and the API until SIGINT or SIGTERM.
struct Serve: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Run the web server and the JSON API.")

    @OptionGroup var database: DatabaseOptions
    @Option(help: "Address to listen on (default: $HTTP_HOST, else 127.0.0.1).") var host: String?
    @Option(help: "Port to listen on (default: $HTTP_PORT, else 8080).") var port: Int?
    @Flag(help: "Seed the demo organisation when the database has no users.") var demo = false
    @Option(help: "IANA time zone in which agreements start and expire (default: $TIMEZONE, else the system's).") var timezone: String?
    @Option(help: "trace, debug, info, notice, warning, error (default: $LOG_LEVEL, else info).") var logLevel: String?

    func run() async throws {
        var values: [AbsoluteConfigKey: ConfigValue] = [:]
        if let host { values["http.host"] = .init(.string(host), isSecret: false) }
        if let port { values["http.port"] = .init(.int(port), isSecret: false) }
        if demo { values["demo"] = .init(.bool(true), isSecret: false) }
        if let timezone { values["timezone"] = .init(.string(timezone), isSecret: false) }
        if let logLevel { values["log.level"] = .init(.string(logLevel), isSecret: false) }
        let reader = self.database.reader(extra: values)
        let app = try await buildApplication(reader: reader)
        // SIGTERM lets requests under way finish for the grace period, then cancels what is left;
        // the process ends either way.
        var configuration = ServiceGroupConfiguration(services: [app], gracefulShutdownSignals: [.sigterm, .sigint], logger: app.logger)
        configuration.maximumGracefulShutdownDuration = ServerSettings(reader: reader).shutdownGrace
        configuration.maximumCancellationDuration = .seconds(5)
        try await ServiceGroup(configuration: configuration).run()
    }
}
