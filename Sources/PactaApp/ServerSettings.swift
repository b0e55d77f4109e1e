import Configuration
import Foundation
import PactaCore
import PactaStore

/// Everything `pacta serve` reads from flags and the environment (`DATABASE_URL`, `HTTP_PORT`…).
public struct ServerSettings: Sendable {
    /// `postgres://…` or a SQLite file path.
    public var databaseURL: String
    /// Adds `Secure` to the session cookie (behind TLS).
    public var secureCookies: Bool
    /// The zone in which agreements start and expire.
    public var timeZone: TimeZone
    /// Seeds the demo organisation when the database has no users.
    public var demo: Bool
    /// Share of a time target past which open requests are listed as warnings.
    public var warningThreshold: Double
    /// The fewest answers a group of survey answers has for its figures to be shown (`SURVEYS_MINIMUM_ANSWERS`, at least 2).
    public var surveyMinimumAnswers: Int
    /// What an NPS answer naming a touchpoint or transaction type not in the registry does
    /// (`NPS_UNKNOWN_TOUCHPOINTS`: `refuse`, the default, or `register` as unreviewed).
    public var npsUnknownCodes: UnknownCodes
    /// The fewest answers an NPS group has to be ranked; smaller ones are shown greyed (`NPS_MINIMUM_ANSWERS`, default 30).
    public var npsMinimumAnswers: Int
    /// How long one device waits before rating the same touchpoint again (`NPS_RATING_COOLDOWN`, seconds, default 600).
    public var npsRatingCooldown: Double
    /// The scores from which compliance is `compliant` and `at_risk` (`COMPLIANCE_COMPLIANT`,
    /// default 100; `COMPLIANCE_AT_RISK`, default 80).
    public var complianceThresholds: ComplianceThresholds
    /// Where people reach Pacta (`PUBLIC_URL`): the start of the links sent to raters.
    public var publicURL: String
    /// The relay survey e-mails leave through (`SMTP_URL`, `SMTP_FROM`); nil sends none: the
    /// campaign page then offers the links for a mail merge.
    public var smtp: SMTPSettings?
    /// Whether a proxy in front sets `X-Forwarded-For` (the client's address, for login throttling).
    public var trustProxy: Bool
    /// What Prometheus sends as `Authorization: Bearer …` to read `/metrics`.
    public var metricsToken: String?
    /// How long to wait for a database connection and for each statement (`DATABASE_CONNECT_TIMEOUT`,
    /// `DATABASE_STATEMENT_TIMEOUT`, in seconds).
    public var databaseTimeouts: DatabaseTimeouts
    /// How long SIGTERM waits for requests under way before cancelling them (`HTTP_SHUTDOWN_GRACE`, seconds).
    public var shutdownGrace: Duration

    /// Default SQLite file, relative to the working directory.
    public static let defaultDatabase = "data/pacta.sqlite"

    public init(reader: ConfigReader) {
        self.databaseURL = reader.string(forKey: "database.url", default: Self.defaultDatabase)
        self.secureCookies = reader.bool(forKey: "session.secure", default: false)
        self.demo = reader.bool(forKey: "demo", default: false)
        // The demo organisation works in Quito: without a zone of its own, show its times there.
        self.timeZone =
            reader.string(forKey: "timezone").flatMap(TimeZone.init(identifier:))
            ?? (self.demo ? DemoOrganisation.timeZone : .current)
        self.warningThreshold = min(max(reader.double(forKey: "warnings.threshold", default: 0.75), 0), 1)
        self.surveyMinimumAnswers = max(reader.int(forKey: "surveys.minimum.answers", default: 3), 2)
        self.npsUnknownCodes = reader.string(forKey: "nps.unknown.touchpoints").flatMap { UnknownCodes(rawValue: $0.lowercased()) } ?? .refuse
        self.npsMinimumAnswers = max(reader.int(forKey: "nps.minimum.answers", default: 30), 1)
        self.npsRatingCooldown = max(reader.double(forKey: "nps.rating.cooldown", default: 600), 0)
        let compliant = min(max(reader.double(forKey: "compliance.compliant", default: 100), 0), 100)
        self.complianceThresholds = ComplianceThresholds(
            compliant: compliant,
            atRisk: min(max(reader.double(forKey: "compliance.at.risk", default: 80), 0), compliant)
        )
        self.trustProxy = reader.bool(forKey: "http.trust.proxy", default: false)
        self.metricsToken = reader.string(forKey: "metrics.token").flatMap { $0.isEmpty ? nil : $0 }
        self.databaseTimeouts = DatabaseTimeouts(
            connect: .seconds(max(reader.double(forKey: "database.connect.timeout", default: 5), 0.1)),
            statement: .seconds(max(reader.double(forKey: "database.statement.timeout", default: 30), 0.1))
        )
        self.smtp = reader.string(forKey: "smtp.url").flatMap {
            SMTPSettings(url: $0, from: reader.string(forKey: "smtp.from", default: "Pacta <pacta@localhost>"))
        }
        let port = reader.int(forKey: "http.port", default: 8080)
        self.publicURL = String((reader.string(forKey: "public.url") ?? "http://localhost:\(port)").reversed().drop { $0 == "/" }.reversed())
        self.shutdownGrace = .seconds(max(reader.double(forKey: "http.shutdown.grace", default: 10), 0))
    }
}
