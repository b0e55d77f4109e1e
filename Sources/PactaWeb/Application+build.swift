import Configuration
import Foundation
import Hummingbird
import HummingbirdAuth
import Logging
import Metrics
import PactaApp
import PactaCore
import PactaStore
import Prometheus
import ServiceLifecycle

extension Response {
    /// A 200 answer with a text body.
    static func text(_ body: String, contentType: String, cacheControl: String? = nil) -> Response {
        var headers: HTTPFields = [.contentType: contentType]
        if let cacheControl { headers[.cacheControl] = cacheControl }
        return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(string: body)))
    }
}

/// The metrics of this process: `MetricsSystem` takes one factory per process, however many
/// applications it builds (tests build several).
public enum ProcessMetrics {
    public static let registry: PrometheusCollectorRegistry = {
        let registry = PrometheusCollectorRegistry()
        MetricsSystem.bootstrap(PrometheusMetricsFactory(registry: registry))
        return registry
    }()
}

/// Builds the whole server: store (migrated), pages, router, metrics, and the services to run.
public func buildApplication(reader: ConfigReader) async throws -> some ApplicationProtocol {
    let logger = {
        var logger = Logger(label: "pacta")
        logger.logLevel = reader.string(forKey: "log.level", as: Logger.Level.self, default: .info)
        return logger
    }()
    let settings = ServerSettings(reader: reader)
    let store = try await Store.open(url: settings.databaseURL, timeouts: settings.databaseTimeouts, logger: logger)
    let registry = ProcessMetrics.registry
    let renderer = try await PageRenderer(directory: try ResourceLocator.home().appendingPathComponent("templates"))
    let services = {
        var services = AppServices(
            store: store,
            renderer: renderer,
            timeZone: settings.timeZone,
            warningThreshold: settings.warningThreshold,
            npsUnknownCodes: settings.npsUnknownCodes
        )
        services.npsMinimumAnswers = settings.npsMinimumAnswers
        services.npsRatingCooldown = settings.npsRatingCooldown
        services.secureCookies = settings.secureCookies
        services.trustProxy = settings.trustProxy
        services.metricsToken = settings.metricsToken
        services.surveyMinimumAnswers = settings.surveyMinimumAnswers
        services.complianceThresholds = settings.complianceThresholds
        services.publicURL = settings.publicURL
        services.sendsMail = settings.smtp != nil
        return services
    }()
    let router = try buildRouter(services: services, metrics: registry)
    let housekeeping = Housekeeping(services: services, logger: logger)
    var app = Application(
        router: router,
        configuration: ApplicationConfiguration(reader: reader.scoped(to: "http")),
        services: [store.database, housekeeping, FollowUpRequestsService(services: services, logger: logger)]
            + (settings.smtp.map {
                [
                    SurveyMailService(
                        mailer: SurveyMailer(store: store, client: SMTPClient(settings: $0), publicURL: settings.publicURL, logger: logger),
                        services: services
                    )
                ]
            } ?? []),
        logger: logger
    )
    app.beforeServerStarts {
        _ = try await Store.untilAvailable(logger: logger) { try await store.migrate(logger: logger) }
        if settings.demo {
            if try await DemoOrganisation(store: store).seedIfEmpty(at: Date(), today: services.today) {
                DemoOrganisation.printCredentials()
            }
        }
        await housekeeping.expireAgreements()
        logger.info("Pacta is using \(store.database.dialect == .postgres ? "PostgreSQL" : "SQLite at \(settings.databaseURL)")")
    }
    return app
}

/// Builds the router: the JSON API under `/api/v1` (API tokens), the pages (sessions, CSRF), and
/// `/health`, `/metrics` (behind a token), `/static`. Tests call it directly.
public func buildRouter(
    services: AppServices,
    metrics: PrometheusCollectorRegistry? = nil
) throws -> Router<AppRequestContext> {
    let router = Router(context: AppRequestContext.self)
    router.add(middleware: SecurityHeadersMiddleware())
    router.add(middleware: RequestMetricsMiddleware())
    router.add(middleware: LanguageMiddleware())
    router.add(middleware: ErrorMiddleware(renderer: services.renderer))
    let routes = RouteTable()
    router.add(middleware: MethodNotAllowedMiddleware(table: routes))

    let home = try ResourceLocator.home()
    let stylesheet = try String(contentsOf: home.appendingPathComponent("templates/pacta.css"), encoding: .utf8)
    let openAPI = try String(contentsOf: home.appendingPathComponent("openapi.yaml"), encoding: .utf8)
    // Liveness: the process answers. Readiness: it can serve, its database answering.
    router.get("health") { _, _ in "ok" }
    router.get("health/ready") { _, _ in
        do {
            try await services.store.database.ping()
            return Response.text("{\"status\":\"ready\",\"database\":\"ok\"}", contentType: "application/json", cacheControl: "no-store")
        } catch {
            var response = try ErrorMiddleware.json(APIError.unavailable(error as? DatabaseError ?? .unavailable("\(error)")))
            response.headers[.cacheControl] = "no-store"
            return response
        }
    }
    router.get("static/pacta.css") { _, _ in
        Response.text(stylesheet, contentType: "text/css; charset=utf-8", cacheControl: "public, max-age=300")
    }
    if let metrics {
        router.get("metrics") { request, _ in
            try await MetricsAccess(services: services).check(request)
            return Response.text(String(decoding: metrics.emitToBuffer(), as: UTF8.self), contentType: "text/plain; version=0.0.4")
        }
    }

    let api = router.group("api/v1").add(middleware: BearerTokenMiddleware(store: services.store, cache: services.tokenCache, now: services.now))
    api.get("openapi.yaml") { _, _ in Response.text(openAPI, contentType: "application/yaml") }
    AdminAPIController(services: services).addRoutes(to: api)
    UnitsAPIController(services: services).addRoutes(to: api)
    CalendarsAPIController(services: services).addRoutes(to: api)
    AgreementsAPIController(services: services).addRoutes(to: api)
    RequestsAPIController(services: services).addRoutes(to: api)
    IndicatorsAPIController(services: services).addRoutes(to: api)
    SurveysAPIController(services: services).addRoutes(to: api)
    CampaignsAPIController(services: services).addRoutes(to: api)
    ComplianceAPIController(services: services).addRoutes(to: api)
    NPSAPIController(services: services).addRoutes(to: api)
    FollowUpsAPIController(services: services).addRoutes(to: api)
    api.group("warnings").add(middleware: RequireRoleMiddleware(Role.everyone)).get { request, _ in
        try await WarningsJSON(
            services.store.breachWarnings(at: services.now(), threshold: services.warningThreshold, unit: request.uri.queryParameters.get("unit"))
        )
    }

    let web = router.group()
        .add(middleware: SessionLoadFailureMiddleware())
        .add(
            middleware: SessionMiddleware(
                storage: DatabasePersistDriver(store: services.store, now: services.now),
                configuration: .init(
                    sessionCookieParameters: .init(name: "pacta_session", secure: services.secureCookies, sameSite: .lax),
                    keyPrefix: "session.",
                    defaultSessionExpiration: .seconds(12 * 3600)
                )
            )
        )
        .add(middleware: SessionUserMiddleware(store: services.store, today: { services.today }))
        // Again inside the sessions, so that error pages show the signed-in user and keep session changes.
        .add(middleware: ErrorMiddleware(renderer: services.renderer))
        .add(middleware: CSRFMiddleware(secure: services.secureCookies))
    SessionWebController(services: services).addRoutes(to: web)
    AgreementsWebController(services: services).addRoutes(to: web)
    IndicatorsWebController(services: services).addRoutes(to: web)
    WarningsWebController(services: services).addRoutes(to: web)
    DashboardWebController(services: services).addRoutes(to: web)
    RequestsWebController(services: services).addRoutes(to: web)
    UnitsWebController(services: services).addRoutes(to: web)
    CalendarsWebController(services: services).addRoutes(to: web)
    AdminWebController(services: services).addRoutes(to: web)
    CampaignsWebController(services: services).addRoutes(to: web)
    SurveysWebController(services: services).addRoutes(to: web)
    NPSWebController(services: services).addRoutes(to: web)
    FollowUpsWebController(services: services).addRoutes(to: web)
    RatingWebController(services: services).addRoutes(to: web)
    routes.fill(from: router)
    return router
}
