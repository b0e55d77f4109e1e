import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import PactaApp
import PactaCore
import PactaStore
import PactaTestSupport
import PactaWeb
import Testing

/// Sessions, headers and the edges an attacker probes: throttled sign-in, local redirects only,
/// hashed session keys, sessions ended by a password change, protected metrics, safe CSV.
@Suite struct SecurityTests {
    static func persisted(_ app: TestApp) async throws -> Int {
        try await app.store.database.first("SELECT COUNT(*) FROM persist")!.decode(0)
    }

    /// A sign-in attempt from `address` (the proxy's `X-Forwarded-For`).
    static func login(
        _ client: some TestClientProtocol,
        _ app: TestApp,
        username: String,
        password: String,
        from address: String
    ) async throws -> TestResponse {
        let token = WebSession.makeToken()
        return try await client.execute(
            uri: "/login",
            method: .post,
            headers: [
                .cookie: "pacta_csrf=\(token)", .contentType: "application/x-www-form-urlencoded", HTTPField.Name("X-Forwarded-For")!: address,
            ],
            body: ByteBuffer(string: "_csrf=\(token)&username=\(username)&password=\(password)")
        )
    }

    @Test(arguments: TestDatabase.available)
    func everyAnswerCarriesTheSecurityHeaders(database: TestDatabase) async throws {
        try await TestApp.withApp(database) { app in
            try await app.test { client in
                let answers = [
                    try await client.execute(uri: "/login", method: .get),
                    try await client.execute(uri: "/published", method: .get, headers: app.browser(.viewer)),
                    try await client.execute(uri: "/agreements/NOPE", method: .get, headers: app.browser(.viewer)),
                    try await client.execute(uri: "/nowhere", method: .get),
                    try await client.execute(uri: "/api/v1/units", method: .get, headers: app.api(.viewer)),
                    try await client.execute(uri: "/api/v1/units", method: .get),
                    try await client.execute(uri: "/static/pacta.css", method: .get),
                ]
                for answer in answers {
                    let policy = try #require(answer.headers[.contentSecurityPolicy])
                    #expect(policy.contains("script-src 'none'") && policy.contains("frame-ancestors 'none'") && !policy.contains("unsafe-inline"))
                    #expect(answer.headers[.xContentTypeOptions] == "nosniff")
                    #expect(answer.headers[HTTPField.Name("Referrer-Policy")!] == "same-origin")
                    #expect(answer.headers[HTTPField.Name("X-Frame-Options")!] == "DENY")
                }
                // No page carries script of any kind.
                for path in ["/published", "/agreements", "/units", "/calendars", "/requests", "/warnings", "/account", "/tokens", "/verify"] {
                    let page = try await client.execute(uri: path, method: .get, headers: app.browser(.admin))
                    #expect(page.status == .ok, "\(path)")
                    #expect(!page.text.lowercased().contains("<script") && !page.text.contains(" onclick="), "\(path)")
                }
            }
        }
    }

    static let unsafe = [
        "/%09/evil.example", "%2F%09%2Fevil.example", "//evil.example", "/\\evil.example", "\\\\evil.example", "https://evil.example",
        "/%2F/evil.example", "/%252F%252Fevil.example", "/\t/evil.example", "/\n/evil.example", "javascript:alert(1)", "evil.example", "",
    ]

    @Test func onlyLocalPathsAreFollowed() {
        for next in Self.unsafe {
            #expect(LocalPath.safe(next) == "/published", "\(next.debugDescription)")
        }
        for next in ["/units", "/agreements/TI-CRED?x=1", "/requests/TI/A%2FB%201"] {
            #expect(LocalPath.safe(next) == next)
        }
    }

    @Test(arguments: TestDatabase.available)
    func theLanguageSwitchAndTheSignInFormStayOnSite(database: TestDatabase) async throws {
        try await TestApp.withApp(database) { app in
            try await app.test { client in
                for back in ["/%09/evil.example", "%2F%2Fevil.example", "https://evil.example", "/%5Cevil.example"] {
                    let response = try await client.execute(uri: "/language?set=en&back=\(back)", method: .get)
                    #expect(response.headers[.location] == "/published", "\(back)")
                }
                #expect(try await client.execute(uri: "/language?set=en&back=/units", method: .get).headers[.location] == "/units")
                let response = try await client.execute(uri: "/login?next=/%09/evil.example", method: .get)
                #expect(response.text.contains(#"name="next" value="/published""#))
            }
        }
    }

    @Test(arguments: TestDatabase.available)
    func lookingAroundAnonymouslyStoresNothing(database: TestDatabase) async throws {
        try await TestApp.withApp(database) { app in
            try await app.test { client in
                let before = try await Self.persisted(app)
                for path in [
                    "/login", "/login?next=/units", "/language?set=en&back=/", "/published", "/agreements/X", "/nowhere", "/static/pacta.css",
                    "/health",
                ] {
                    _ = try await client.execute(uri: path, method: .get)
                }
                _ = try await client.execute(uri: "/logout", method: .post)
                #expect(try await Self.persisted(app) == before)
            }
        }
    }

    @Test(arguments: TestDatabase.available)
    func wrongPasswordsSlowDownThenAreRefusedButTheOwnerStillSignsIn(database: TestDatabase) async throws {
        try await TestApp.withApp(database) { app in
            var app = app
            app.services.trustProxy = true
            try await app.test { [app] client in
                // The attacker guesses at gestora's password from one address.
                var statuses: [Int] = []
                for attempt in 1...8 {
                    statuses.append(
                        Int(
                            try await Self.login(client, app, username: "gestora", password: "guess-\(attempt)-xxxx", from: "203.0.113.9").status.code
                        )
                    )
                }
                #expect(statuses == [401, 401, 401, 401, 401, 429, 429, 429])
                let refused = try await Self.login(client, app, username: "gestora", password: "correct-horse-battery", from: "203.0.113.9")
                #expect(refused.status == .tooManyRequests)
                let retryAfter = try #require(refused.headers[.retryAfter].flatMap { Int($0) })
                #expect(retryAfter > 0 && retryAfter <= 15 * 60)
                #expect(refused.text.contains("Demasiados intentos"))
                // Gestora, from her own desk, signs in.
                let owner = try await Self.login(client, app, username: "gestora", password: "correct-horse-battery", from: "198.51.100.7")
                #expect(owner.status == .seeOther)
                // One address guessing at many usernames is refused altogether.
                var spread: Set<Int> = []
                for attempt in 1...20 {
                    spread.insert(
                        Int(try await Self.login(client, app, username: "user\(attempt)", password: "guess-guess", from: "203.0.113.50").status.code)
                    )
                }
                #expect(spread == [401], "twenty wrong passwords are answered")
                #expect(
                    try await Self.login(client, app, username: "root", password: "correct-horse-battery", from: "203.0.113.50").status
                        == .tooManyRequests
                )
            }
            // Throttled sign-ins slow down first: the delay grows with the failures, up to the longest.
            let policy = LoginThrottle.Policy()
            let throttle = app.store.loginThrottle
            var delays: [Duration] = []
            for _ in 1...6 {
                if case .allowed(let delay) = try await throttle.attempt(
                    username: "clienta",
                    address: "192.0.2.\(delays.count)",
                    at: Fixtures.now,
                    policy: policy
                ) {
                    delays.append(delay)
                }
            }
            #expect(delays == [.zero, .zero, .zero, .seconds(1), .seconds(2), .seconds(4)])
            // A right password takes its attempt back; past the window, nothing is held against anyone.
            try await throttle.succeeded(username: "clienta", address: "192.0.2.9")
            #expect(
                try await throttle.attempt(username: "clienta", address: "192.0.2.9", at: Fixtures.now, policy: policy)
                    == .allowed(delay: .seconds(4))
            )
            let later = Fixtures.now.addingTimeInterval(16 * 60)
            #expect(try await throttle.attempt(username: "clienta", address: "192.0.2.1", at: later, policy: policy) == .allowed(delay: .zero))
            // Whatever is typed as a username is counted, however long.
            #expect(
                try await throttle.attempt(username: String(repeating: "ñ", count: 5000), address: "192.0.2.1", at: later, policy: policy)
                    == .allowed(delay: .zero)
            )
        }
    }

    @Test(arguments: TestDatabase.available)
    func aPasswordChangeEndsThePersonsOtherSessions(database: TestDatabase) async throws {
        try await TestApp.withApp(database) { app in
            try await app.test { client in
                // Two sessions of the rater: another browser signs in as well.
                let other = try await Self.login(client, app, username: "clienta", password: "correct-horse-battery", from: "192.0.2.1")
                let otherCookie = try #require(WebTests.sessionCookie(other))
                let otherHeaders: HTTPFields = [.cookie: "pacta_session=\(otherCookie)"]
                #expect(try await client.execute(uri: "/account", method: .get, headers: otherHeaders).status == .ok)

                var response = try await client.execute(
                    uri: "/account/password",
                    method: .post,
                    headers: app.browser(.rater, form: true),
                    body: app.form([
                        "current_password": "wrong-one-here", "new_password": "otra-clave-segura", "repeat_password": "otra-clave-segura",
                    ])
                )
                #expect(response.status == .unprocessableContent)
                response = try await client.execute(
                    uri: "/account/password",
                    method: .post,
                    headers: app.browser(.rater, form: true),
                    body: app.form(["current_password": "correct-horse-battery", "new_password": "otra-clave-segura", "repeat_password": "otra"])
                )
                #expect(response.status == .unprocessableContent)
                response = try await client.execute(
                    uri: "/account/password",
                    method: .post,
                    headers: app.browser(.rater, form: true),
                    body: app.form([
                        "current_password": "correct-horse-battery", "new_password": "otra-clave-segura", "repeat_password": "otra-clave-segura",
                    ])
                )
                #expect(response.status == .seeOther)
                // This session goes on; the other one ended.
                response = try await client.execute(uri: "/account", method: .get, headers: app.browser(.rater))
                #expect(response.status == .ok && response.text.contains("Sus otras sesiones se cerraron"))
                response = try await client.execute(uri: "/account", method: .get, headers: otherHeaders)
                #expect(response.status == .seeOther && response.headers[.location]?.hasPrefix("/login") == true)
                #expect(try await Accounts(store: app.store).authenticate(username: "clienta", password: "otra-clave-segura") != nil)

                // An administrator setting someone's password ends all of theirs.
                let manager = try #require(try await app.store.users.credentials(username: "gestora")?.user)
                response = try await client.execute(
                    uri: "/api/v1/users/\(manager.id)",
                    method: .put,
                    headers: app.api(.admin),
                    body: TestApp.json(#"{"role": "manager", "unit": "TI", "active": true, "password": "clave-puesta-por-admin"}"#)
                )
                #expect(response.status == .ok)
                #expect(try await client.execute(uri: "/units", method: .get, headers: app.browser(.manager)).status == .seeOther)
            }
        }
    }

    @Test(arguments: TestDatabase.available)
    func metricsNeedTheirTokenOrAnAdministrators(database: TestDatabase) async throws {
        try await TestApp.withApp(database) { app in
            var app = app
            app.services.metricsToken = "prometheus-scrape-secret"
            try await app.test { [app] client in
                var response = try await client.execute(uri: "/metrics", method: .get)
                #expect(response.status == .unauthorized && (response.json["error"] as? [String: Any])?["code"] as? String == "unauthorized")
                response = try await client.execute(uri: "/metrics", method: .get, headers: [.authorization: "Bearer prometheus-scrape-secret"])
                #expect(response.status == .ok)
                response = try await client.execute(uri: "/metrics", method: .get, headers: [.authorization: "Bearer prometheus-scrape-secreT"])
                #expect(response.status == .unauthorized)
                #expect(try await client.execute(uri: "/metrics", method: .get, headers: app.api(.admin)).status == .ok)
                #expect(try await client.execute(uri: "/metrics", method: .get, headers: app.api(.manager)).status == .forbidden)
                #expect(
                    try await client.execute(uri: "/metrics", method: .get, headers: app.browser(.admin)).status == .unauthorized,
                    "not with a browser session"
                )
            }
        }
    }

    @Test(arguments: TestDatabase.available)
    func exportsNeutraliseSpreadsheetFormulas(database: TestDatabase) async throws {
        try await TestApp.withApp(database) { app in
            try await app.test { client in
                _ = try await app.activate(client)
                let requests = """
                    [{"external_ref": "=HYPERLINK(\\"http://evil.example\\",\\"x\\")", "provider": "TI", "client": "CRED", "service": "Correo", "priority": "@P1",
                      "opened_at": "2026-10-05T09:00:00-05:00"},
                     {"external_ref": "+1-2", "provider": "TI", "client": "CRED", "service": "Correo", "priority": "P1", "opened_at": "2026-10-05T09:00:00-05:00"}]
                    """
                var response = try await client.execute(
                    uri: "/api/v1/requests",
                    method: .post,
                    headers: app.api(.manager),
                    body: TestApp.json(requests)
                )
                #expect(response.json["created"] as? Int == 2)
                // Priorities filter commitments: C1 takes P1 only, so "@P1" is not in the audit; "+1-2" is.
                var agreement = TestApp.agreement.replacingOccurrences(of: #""priorities": ["P1"]"#, with: #""priorities": ["P1", "@P1"]"#)
                agreement = agreement.replacingOccurrences(of: #""code": "TI-CRED", "#, with: "")
                response = try await client.execute(
                    uri: "/api/v1/agreements/TI-CRED",
                    method: .put,
                    headers: app.api(.manager),
                    body: TestApp.json(agreement)
                )
                #expect(response.status == .ok)
                response = try await app.sign(client, as: .manager, shown: response)
                response = try await app.sign(client, as: .rater, shown: response)
                #expect(response.json["signed_version"] as? Int == 2)
                response = try await client.execute(
                    uri: "/agreements/TI-CRED/indicators.csv?period=2026-10",
                    method: .get,
                    headers: app.browser(.viewer)
                )
                let lines = response.text.split(separator: "\r\n").map(String.init)
                #expect(lines.contains { $0.hasPrefix(#""'=HYPERLINK(""http://evil.example"",""x"")",C1,'@P1,"#) }, "\(lines)")
                #expect(lines.contains { $0.hasPrefix("'+1-2,C1,P1,") }, "\(lines)")
            }
        }
    }
}
