import Foundation
import Hummingbird
import HummingbirdTesting
import PactaCore
import PactaStore
import PactaTestSupport
import PactaWeb
import Testing

/// Every route × every role, anonymous included: who gets in, who gets 401/403.
@Suite struct RouteRoleMatrixTests {
    struct Route: Sendable, CustomStringConvertible {
        var method: HTTPRequest.Method
        /// The registered path (with `:parameters`).
        var pattern: String
        /// Who may use it; nil for public routes.
        var roles: Set<Role>?
        var description: String { "\(self.method) \(self.pattern)" }
        /// Called with an API token rather than a browser session.
        var isAPI: Bool { self.pattern.hasPrefix("/api/") || self.pattern == "/metrics" }
        /// A concrete path; parameters point at records that do not exist, so allowed calls answer 404 or 4xx, never 401/403.
        var path: String {
            self.pattern.replacingOccurrences(of: "{code}", with: "NOPE").replacingOccurrences(of: "{version}", with: "1")
                .replacingOccurrences(of: "{id}", with: "999999").replacingOccurrences(of: "{provider}", with: "NOPE")
                .replacingOccurrences(of: "{ref}", with: "NOPE-1").replacingOccurrences(of: "{token}", with: String(repeating: "0", count: 64))
                .replacingOccurrences(of: "{campaign}", with: "NOPE").replacingOccurrences(of: "{agreement}", with: "NOPE")
                .replacingOccurrences(of: "{touchpoint}", with: "NOPE")
        }
    }

    static let everyone = Role.everyone
    static let editors = Role.editors
    static let signers = Role.signers
    static let admin: Set<Role> = [.admin]
    static let verifiers: Set<Role> = [.admin, .manager, .viewer]

    static let routes: [Route] = [
        Route(method: .get, pattern: "/health", roles: nil),
        Route(method: .get, pattern: "/health/ready", roles: nil),
        Route(method: .get, pattern: "/static/pacta.css", roles: nil),
        Route(method: .get, pattern: "/api/v1/openapi.yaml", roles: nil),
        Route(method: .get, pattern: "/login", roles: nil),
        Route(method: .post, pattern: "/login", roles: nil),
        Route(method: .get, pattern: "/language", roles: nil),
        Route(method: .get, pattern: "/", roles: everyone),
        Route(method: .get, pattern: "/metrics", roles: admin),
        Route(method: .get, pattern: "/account", roles: everyone),
        Route(method: .post, pattern: "/account/password", roles: everyone),
        Route(method: .post, pattern: "/account/email", roles: everyone),
        Route(method: .get, pattern: "/published", roles: everyone),
        Route(method: .get, pattern: "/dashboard", roles: everyone),
        Route(method: .get, pattern: "/dashboard.csv", roles: everyone),
        Route(method: .get, pattern: "/dashboard.json", roles: everyone),
        Route(method: .get, pattern: "/agreements", roles: everyone),
        Route(method: .get, pattern: "/agreements/{code}", roles: everyone),
        Route(method: .get, pattern: "/agreements/{code}/versions/{version}", roles: everyone),
        Route(method: .get, pattern: "/agreements/{code}/versions/{version}/document.json", roles: everyone),
        Route(method: .get, pattern: "/agreements/{code}/indicators", roles: everyone),
        Route(method: .get, pattern: "/agreements/{code}/compliance.csv", roles: everyone),
        Route(method: .get, pattern: "/agreements/{code}/indicators.csv", roles: everyone),
        Route(method: .post, pattern: "/agreements/{code}/indicators/manual", roles: editors),
        Route(method: .get, pattern: "/agreements/new", roles: editors),
        Route(method: .post, pattern: "/agreements", roles: editors),
        Route(method: .get, pattern: "/agreements/{code}/edit", roles: editors),
        Route(method: .post, pattern: "/agreements/{code}", roles: editors),
        Route(method: .post, pattern: "/agreements/{code}/calendars", roles: editors),
        Route(method: .post, pattern: "/agreements/{code}/submit", roles: editors),
        Route(method: .post, pattern: "/agreements/{code}/terminate", roles: editors),
        Route(method: .get, pattern: "/agreements/{code}/sign", roles: signers),
        Route(method: .post, pattern: "/agreements/{code}/sign", roles: signers),
        Route(method: .get, pattern: "/units", roles: everyone),
        Route(method: .get, pattern: "/units/new", roles: editors),
        Route(method: .post, pattern: "/units", roles: editors),
        Route(method: .get, pattern: "/units/import", roles: editors),
        Route(method: .post, pattern: "/units/import", roles: editors),
        Route(method: .get, pattern: "/units/{code}/edit", roles: editors),
        Route(method: .post, pattern: "/units/{code}", roles: editors),
        Route(method: .get, pattern: "/calendars", roles: everyone),
        Route(method: .get, pattern: "/calendars/new", roles: editors),
        Route(method: .post, pattern: "/calendars", roles: editors),
        Route(method: .get, pattern: "/calendars/{code}/edit", roles: editors),
        Route(method: .post, pattern: "/calendars/{code}", roles: editors),
        Route(method: .get, pattern: "/users", roles: admin),
        Route(method: .post, pattern: "/users", roles: admin),
        Route(method: .get, pattern: "/users/{id}/edit", roles: admin),
        Route(method: .post, pattern: "/users/{id}", roles: admin),
        Route(method: .get, pattern: "/tokens", roles: everyone),
        Route(method: .post, pattern: "/tokens", roles: everyone),
        Route(method: .post, pattern: "/tokens/{id}/revoke", roles: everyone),
        Route(method: .get, pattern: "/verify", roles: verifiers),
        Route(method: .get, pattern: "/warnings", roles: everyone),
        Route(method: .get, pattern: "/requests", roles: everyone),
        Route(method: .get, pattern: "/requests/import", roles: editors),
        Route(method: .get, pattern: "/requests/lookup", roles: everyone),
        Route(method: .get, pattern: "/requests/{provider}/{ref}", roles: everyone),
        Route(method: .post, pattern: "/requests/import", roles: editors),
        Route(method: .get, pattern: "/campaigns", roles: everyone),
        Route(method: .get, pattern: "/campaigns/{code}", roles: everyone),
        Route(method: .get, pattern: "/campaigns/new", roles: editors),
        Route(method: .post, pattern: "/campaigns", roles: editors),
        Route(method: .get, pattern: "/campaigns/{code}/edit", roles: editors),
        Route(method: .post, pattern: "/campaigns/{code}", roles: editors),
        Route(method: .post, pattern: "/campaigns/{code}/open", roles: editors),
        Route(method: .post, pattern: "/campaigns/{code}/close", roles: editors),
        Route(method: .post, pattern: "/campaigns/{code}/links", roles: editors),
        Route(method: .post, pattern: "/campaigns/{code}/links.csv", roles: editors),
        Route(method: .get, pattern: "/campaigns/{code}/results.csv", roles: everyone),
        Route(method: .get, pattern: "/campaigns/{code}/import", roles: editors),
        Route(method: .post, pattern: "/campaigns/{code}/import", roles: editors),
        // Customers rate a touchpoint anonymously.
        Route(method: .get, pattern: "/r/{touchpoint}", roles: nil),
        Route(method: .post, pattern: "/r/{touchpoint}", roles: nil),
        Route(method: .get, pattern: "/nps", roles: everyone),
        Route(method: .get, pattern: "/nps.csv", roles: everyone),
        Route(method: .get, pattern: "/nps/comments", roles: everyone),
        Route(method: .get, pattern: "/nps/touchpoints", roles: everyone),
        Route(method: .get, pattern: "/nps/touchpoints.csv", roles: everyone),
        Route(method: .get, pattern: "/nps/touchpoints/{code}/poster", roles: everyone),
        Route(method: .get, pattern: "/nps/import", roles: editors),
        Route(method: .post, pattern: "/nps/import", roles: editors),
        Route(method: .post, pattern: "/nps/touchpoints/import", roles: admin),
        Route(method: .post, pattern: "/nps/transactions/import", roles: admin),
        Route(method: .get, pattern: "/nps/support", roles: everyone),
        Route(method: .get, pattern: "/nps/support.csv", roles: everyone),
        Route(method: .post, pattern: "/nps/support", roles: admin),
        Route(method: .get, pattern: "/nps/followups", roles: everyone),
        Route(method: .get, pattern: "/nps/followups.csv", roles: everyone),
        Route(method: .get, pattern: "/nps/followups/{id}", roles: everyone),
        Route(method: .post, pattern: "/nps/followups/{id}", roles: editors),
        // Answering: the link is the key, no sign-in; or signed in, one's own invitations.
        Route(method: .get, pattern: "/s/{token}", roles: nil),
        Route(method: .post, pattern: "/s/{token}", roles: nil),
        Route(method: .get, pattern: "/surveys", roles: everyone),
        Route(method: .get, pattern: "/surveys/{campaign}/{agreement}", roles: everyone),
        Route(method: .post, pattern: "/surveys/{campaign}/{agreement}", roles: everyone),
        Route(method: .post, pattern: "/api/v1/survey-answers", roles: nil),
        Route(method: .post, pattern: "/api/v1/survey-answers/import", roles: editors),
        Route(method: .get, pattern: "/api/v1/campaigns", roles: everyone),
        Route(method: .get, pattern: "/api/v1/compliance", roles: everyone),
        Route(method: .get, pattern: "/api/v1/agreements/{code}/compliance", roles: everyone),
        Route(method: .get, pattern: "/api/v1/campaigns/{code}", roles: everyone),
        Route(method: .post, pattern: "/api/v1/campaigns", roles: editors),
        Route(method: .post, pattern: "/api/v1/campaigns/{code}/open", roles: editors),
        Route(method: .post, pattern: "/api/v1/campaigns/{code}/close", roles: editors),
        Route(method: .post, pattern: "/api/v1/nps-responses", roles: editors),
        Route(method: .get, pattern: "/api/v1/nps", roles: everyone),
        Route(method: .get, pattern: "/api/v1/nps/trend", roles: everyone),
        Route(method: .get, pattern: "/api/v1/nps/comments", roles: everyone),
        Route(method: .get, pattern: "/api/v1/nps/touchpoints", roles: everyone),
        Route(method: .get, pattern: "/api/v1/nps/transactions", roles: everyone),
        Route(method: .post, pattern: "/api/v1/nps/touchpoints", roles: admin),
        Route(method: .post, pattern: "/api/v1/nps/transactions", roles: admin),
        Route(method: .get, pattern: "/api/v1/nps/support", roles: everyone),
        Route(method: .post, pattern: "/api/v1/nps/support", roles: admin),
        Route(method: .get, pattern: "/api/v1/nps/alongside", roles: everyone),
        Route(method: .get, pattern: "/api/v1/nps/followups", roles: everyone),
        Route(method: .get, pattern: "/api/v1/nps/followups/{id}", roles: everyone),
        Route(method: .post, pattern: "/api/v1/nps/followups/{id}", roles: editors),
        Route(method: .get, pattern: "/api/v1/warnings", roles: everyone),
        Route(method: .get, pattern: "/api/v1/me", roles: everyone),
        Route(method: .get, pattern: "/api/v1/units", roles: everyone),
        Route(method: .get, pattern: "/api/v1/units/{code}", roles: everyone),
        Route(method: .post, pattern: "/api/v1/units", roles: editors),
        Route(method: .put, pattern: "/api/v1/units/{code}", roles: editors),
        Route(method: .post, pattern: "/api/v1/units/import", roles: editors),
        Route(method: .get, pattern: "/api/v1/calendars", roles: everyone),
        Route(method: .get, pattern: "/api/v1/calendars/{code}", roles: everyone),
        Route(method: .post, pattern: "/api/v1/calendars", roles: editors),
        Route(method: .put, pattern: "/api/v1/calendars/{code}", roles: editors),
        Route(method: .get, pattern: "/api/v1/published", roles: everyone),
        Route(method: .get, pattern: "/api/v1/agreements", roles: everyone),
        Route(method: .get, pattern: "/api/v1/agreements/{code}", roles: everyone),
        Route(method: .get, pattern: "/api/v1/agreements/{code}/versions/{version}", roles: everyone),
        Route(method: .post, pattern: "/api/v1/agreements", roles: editors),
        Route(method: .put, pattern: "/api/v1/agreements/{code}", roles: editors),
        Route(method: .post, pattern: "/api/v1/agreements/{code}/submit", roles: editors),
        Route(method: .post, pattern: "/api/v1/agreements/{code}/terminate", roles: editors),
        Route(method: .post, pattern: "/api/v1/agreements/{code}/signatures", roles: signers),
        Route(method: .post, pattern: "/api/v1/requests", roles: editors),
        Route(method: .get, pattern: "/api/v1/requests/{provider}/{ref}", roles: everyone),
        Route(method: .get, pattern: "/api/v1/agreements/{code}/indicators", roles: everyone),
        Route(method: .get, pattern: "/api/v1/agreements/{code}/indicators/requests", roles: everyone),
        Route(method: .put, pattern: "/api/v1/agreements/{code}/indicators/manual", roles: editors),
        Route(method: .get, pattern: "/api/v1/users", roles: admin),
        Route(method: .post, pattern: "/api/v1/users", roles: admin),
        Route(method: .put, pattern: "/api/v1/users/{id}", roles: admin),
        Route(method: .get, pattern: "/api/v1/tokens", roles: everyone),
        Route(method: .post, pattern: "/api/v1/tokens", roles: everyone),
        Route(method: .delete, pattern: "/api/v1/tokens/{id}", roles: everyone),
        Route(method: .get, pattern: "/api/v1/verify", roles: verifiers),
        // Last: it ends the sessions the other rows use.
        Route(method: .post, pattern: "/logout", roles: nil),
    ]

    @Test(arguments: TestDatabase.available)
    func everyRegisteredRouteIsInTheMatrix(database: TestDatabase) async throws {
        try await TestApp.withApp(database) { app in
            let registered = Set(try app.router().routes.map { "\($0.method) \($0.path)" })
            let listed = Set(Self.routes.map(\.description))
            #expect(registered.subtracting(listed).isEmpty, "routes missing from the matrix")
            #expect(listed.subtracting(registered).isEmpty, "matrix routes that do not exist")
        }
    }

    @Test(arguments: TestDatabase.available)
    func rolesAreEnforcedOnEveryRoute(database: TestDatabase) async throws {
        try await TestApp.withApp(database) { app in
            try await app.test { client in
                for route in Self.routes {
                    for role in [Role?.none] + Role.allCases.map(Optional.some) {
                        let headers = route.isAPI ? app.api(role) : app.browser(role, form: route.method == .post)
                        let body = route.method == .get ? nil : route.isAPI ? TestApp.json("{}") : app.form()
                        let response = try await client.execute(uri: route.path, method: route.method, headers: headers, body: body)
                        let status = response.status
                        let who = role?.rawValue ?? "anonymous"
                        guard let allowed = route.roles else {
                            #expect(status.code < 500, "\(route) as \(who): \(status)")
                            continue
                        }
                        if let role, allowed.contains(role) {
                            #expect(status != .unauthorized && status != .forbidden && status.code < 500, "\(route) as \(who): \(status)")
                        } else if role == nil {
                            if route.isAPI {
                                #expect(status == .unauthorized, "\(route) as anonymous: \(status)")
                                #expect((response.json["error"] as? [String: Any])?["code"] as? String == "unauthorized")
                            } else if route.method == .get {
                                #expect(
                                    status == .seeOther && response.headers[.location]?.hasPrefix("/login") == true,
                                    "\(route) as anonymous: \(status)"
                                )
                            } else {
                                // A browser without a session has no CSRF token: refused before anything else.
                                #expect(status == .forbidden, "\(route) as anonymous: \(status)")
                            }
                        } else {
                            #expect(status == .forbidden, "\(route) as \(who): \(status)")
                        }
                    }
                }
            }
        }
    }

    @Test func everyAPIRouteIsInTheOpenAPIDocument() throws {
        let text = try String(contentsOf: try ResourceLocator.home().appendingPathComponent("openapi.yaml"), encoding: .utf8)
        let lines = text.split(separator: "\n").map(String.init)
        for route in Self.routes where route.pattern.hasPrefix("/api/") {
            let path = String(route.pattern.dropFirst("/api/v1".count))
            guard let start = lines.firstIndex(of: "  \(path):") else {
                Issue.record("\(path) is not in openapi.yaml")
                continue
            }
            let block = lines[(start + 1)...].prefix { $0.hasPrefix("    ") }
            #expect(block.contains { $0.hasPrefix("    \(route.method.rawValue.lowercased()):") }, "\(route) is not in openapi.yaml")
        }
    }
}
