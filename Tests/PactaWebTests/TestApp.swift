import Foundation
import Hummingbird
import HummingbirdBcrypt
import HummingbirdTesting
import PactaCore
import PactaStore
import PactaTestSupport
import PactaWeb
import Prometheus

/// A Pacta router on a fresh store with one user, one API token and one browser session per role.
struct TestApp: Sendable {
    let store: Store
    var services: AppServices
    /// API token secrets by role.
    let tokens: [Role: String]
    /// Session cookie values by role; every session's CSRF token is ``csrf``.
    let sessions: [Role: String]
    let csrf = "test-csrf-token"

    static let passwordHash = Bcrypt.hash("correct-horse-battery", cost: 4)
    static let users: [Role: (String, String)] = [
        .admin: ("root", "GG"), .manager: ("gestora", "TI"), .rater: ("clienta", "CRED"), .viewer: ("gerente", "GG"),
    ]

    /// Runs `body` against every available database.
    static func withApp<Result: Sendable>(_ database: TestDatabase, _ body: @Sendable (TestApp) async throws -> Result) async throws -> Result {
        try await database.withStore { store in
            try await store.units.create(OrgUnit(code: "GG", name: "Gerencia General"), by: Fixtures.system, at: Fixtures.now)
            try await store.units.create(OrgUnit(code: "TI", name: "Tecnología", parent: "GG"), by: Fixtures.system, at: Fixtures.now)
            try await store.units.create(OrgUnit(code: "CRED", name: "Crédito", parent: "GG"), by: Fixtures.system, at: Fixtures.now)
            try await store.calendars.create(Fixtures.officeHours, owner: nil, by: Fixtures.system, at: Fixtures.now)
            var tokens: [Role: String] = [:]
            var sessions: [Role: String] = [:]
            let persist = DatabasePersistDriver(store: store, now: { Fixtures.now })
            for (role, (username, unit)) in Self.users {
                let user = try await store.users.create(
                    username: username,
                    name: username.capitalized,
                    role: role,
                    unit: unit,
                    passwordHash: Self.passwordHash,
                    at: Fixtures.now
                )
                // Each person's own token, so that it may sign for them.
                tokens[role] = try await store.tokens.create(userID: user.id, name: "test", by: user, via: "cli", at: Fixtures.now).secret
                let id = "session\(role.rawValue)"
                var session = WebSession(userID: user.id)
                session.csrf = "test-csrf-token"
                try await persist.set(key: "session.\(id)", value: session, expires: .seconds(3600))
                sessions[role] = id
            }
            let renderer = try await PageRenderer(directory: try ResourceLocator.home().appendingPathComponent("templates"))
            var services = AppServices(store: store, renderer: renderer, timeZone: TimeZone(identifier: "America/Guayaquil")!, now: { Fixtures.now })
            // Wrong passwords are refused at the same limits, without making the tests wait.
            services.loginPolicy.longestDelay = .zero
            let app = TestApp(store: store, services: services, tokens: tokens, sessions: sessions)
            return try await body(app)
        }
    }

    /// A new router, as the server builds it (with metrics, readable with an administrator's token).
    func router() throws -> Router<AppRequestContext> {
        try buildRouter(services: self.services, metrics: TestApp.metrics)
    }

    /// One registry for every test: metrics are bootstrapped once per process.
    static let metrics = PrometheusCollectorRegistry()

    /// Runs `body` with a client of the router.
    func test<Value: Sendable>(_ body: @Sendable (any TestClientProtocol) async throws -> Value) async throws -> Value {
        try await Application(router: try self.router()).test(.router, body)
    }

    /// Headers for an API call as `role` (anonymous when nil).
    func api(_ role: Role?, json: Bool = true) -> HTTPFields {
        var headers: HTTPFields = [:]
        if let role { headers[.authorization] = "Bearer \(self.tokens[role]!)" }
        if json { headers[.contentType] = "application/json" }
        return headers
    }

    /// Headers for a browser request as `role` (anonymous when nil).
    func browser(_ role: Role?, form: Bool = false) -> HTTPFields {
        var headers: HTTPFields = [:]
        if let role { headers[.cookie] = "pacta_session=\(self.sessions[role]!)" }
        if form { headers[.contentType] = "application/x-www-form-urlencoded" }
        return headers
    }

    /// A form body with the CSRF token and `fields`.
    func form(_ fields: [String: String] = [:]) -> ByteBuffer {
        var all = fields
        all["_csrf"] = self.csrf
        let text = all.sorted { $0.key < $1.key }.map { key, value in
            "\(Self.encode(key))=\(Self.encode(value))"
        }.joined(separator: "&")
        return ByteBuffer(string: text)
    }

    static func encode(_ text: String) -> String {
        var allowed = CharacterSet.alphanumerics
        allowed.insert(charactersIn: "-._~")
        return text.addingPercentEncoding(withAllowedCharacters: allowed)!
    }

    static func json(_ text: String) -> ByteBuffer { ByteBuffer(string: text) }
}

extension TestResponse {
    /// The body as a string.
    var text: String { String(buffer: self.body) }

    /// The body decoded as `type`, read with the API's own conventions (snake_case keys, ISO 8601 instants).
    func decode<T: Decodable>(_ type: T.Type = T.self) throws -> T {
        try PactaJSON.decoder.decode(type, from: Data(self.body.readableBytesView))
    }

    /// The body as a JSON object.
    var json: [String: Any] {
        (try? JSONSerialization.jsonObject(with: Data(self.body.readableBytesView))) as? [String: Any] ?? [:]
    }
}
