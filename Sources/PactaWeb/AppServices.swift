import Foundation
import Hummingbird
import HummingbirdAuth
import Logging
import PactaCore
import PactaStore

/// What the controllers need: the store, the pages, the clock and the organisation's time zone.
public struct AppServices: Sendable {
    public var store: Store
    public var renderer: PageRenderer
    /// The current instant; tests pass a fixed one.
    public var now: @Sendable () -> Date
    /// The zone in which "today" is reckoned (agreement expiry).
    public var timeZone: TimeZone
    /// Share of a time target (0–1) past which an open request is listed as a warning.
    public var warningThreshold: Double
    /// The fewest answers a group of survey answers has for its figures to be shown (k).
    public var surveyMinimumAnswers = 3
    /// API tokens recently checked, for a few seconds.
    let tokenCache = TokenCache()
    /// Takes NPS answers one at a time and commits those arriving together at once.
    public var npsIngest: NPSIngest
    /// The fewest answers an NPS group has to be ranked.
    public var npsMinimumAnswers = 30
    /// How long a device waits before rating the same touchpoint again on the public page, in seconds.
    public var npsRatingCooldown: TimeInterval = 600
    /// When compliance is `compliant` and `at_risk`.
    public var complianceThresholds = ComplianceThresholds.standard
    /// Where people reach Pacta: the start of the links sent to raters (`https://pacta.example.com`).
    public var publicURL = "http://localhost:8080"
    /// Whether survey e-mails go out through a relay (`SMTP_URL`); without one, campaign pages
    /// offer the links for a mail merge.
    public var sendsMail = false
    /// How hard wrong passwords are slowed down and refused.
    public var loginPolicy = LoginThrottle.Policy()
    /// Whether the client's address is the last one of `X-Forwarded-For` (behind a proxy), not the peer's.
    public var trustProxy = false
    /// Adds `Secure` to the cookies Pacta sets (behind TLS).
    public var secureCookies = false
    /// The token Prometheus sends to read `/metrics`; without it, only administrators' API tokens do.
    public var metricsToken: String?

    public init(
        store: Store,
        renderer: PageRenderer,
        timeZone: TimeZone,
        warningThreshold: Double = 0.75,
        npsUnknownCodes: UnknownCodes = .refuse,
        now: @escaping @Sendable () -> Date = Date.init
    ) {
        self.npsIngest = NPSIngest(store: store, unknown: npsUnknownCodes, timeZone: timeZone)
        self.store = store
        self.renderer = renderer
        self.timeZone = timeZone
        self.warningThreshold = warningThreshold
        self.now = now
    }

    /// How import pages say times are written, naming the organisation's zone, in which times
    /// without offset are read.
    func timesHelp(_ language: Language) -> String {
        self.renderer.messages(language).text("requests_import.times", or: "")
            .replacingOccurrences(of: "{zone}", with: self.timeZone.identifier)
    }

    /// Today's date in the organisation's time zone.
    public var today: LocalDate { LocalDate(self.now(), in: self.timeZone) }
}
