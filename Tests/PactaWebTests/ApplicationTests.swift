import Configuration
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import PactaApp
import PactaStore
import PactaWeb
import Testing

/// `buildApplication` itself, as `pacta serve` runs it: configuration in memory, an in-memory
/// SQLite database, migrations and the demo seed run before the server starts.
@Suite struct ApplicationTests {
    static func reader(_ values: [String: ConfigValue]) -> ConfigReader {
        var all: [AbsoluteConfigKey: ConfigValue] = [
            AbsoluteConfigKey(["database", "url"]): ":memory:",
            AbsoluteConfigKey(["log", "level"]): "warning",
        ]
        for (key, value) in values { all[AbsoluteConfigKey(key.split(separator: ".").map(String.init))] = value }
        return ConfigReader(provider: InMemoryProvider(values: all))
    }

    @Test func theWholeApplicationStartsMigratesSeedsTheDemoAndSignsIn() async throws {
        let app = try await buildApplication(reader: Self.reader(["demo": true, "metrics.token": "scrape-me"]))
        try await app.test(.router) { client in
            try await client.execute(uri: "/health/ready", method: .get) { response in
                #expect(response.status == .ok)
                #expect(String(buffer: response.body).contains("\"database\":\"ok\""))
            }
            // Signing in as a demo user (migrated and seeded before the start), with the CSRF token
            // of the sign-in page.
            let (cookie, token) = try await client.execute(uri: "/login", method: .get) { response in
                let cookie = try #require(response.headers[.setCookie]?.split(separator: ";").first.map(String.init))
                let page = String(buffer: response.body)
                let start = try #require(page.range(of: "name=\"_csrf\" value=\""))
                return (cookie, String(page[start.upperBound...].prefix { $0 != "\"" }))
            }
            let form = "username=gestor&password=\(DemoOrganisation.password)&next=%2Fagreements&_csrf=\(token)"
            let session = try await client.execute(
                uri: "/login",
                method: .post,
                headers: [.cookie: cookie, .contentType: "application/x-www-form-urlencoded"],
                body: ByteBuffer(string: form)
            ) { response in
                #expect(response.status == .seeOther)
                #expect(response.headers[.location] == "/agreements")
                return try #require(response.headers[.setCookie]?.split(separator: ";").first.map(String.init))
            }
            try await client.execute(uri: "/agreements", method: .get, headers: [.cookie: session]) { response in
                #expect(response.status == .ok)
                let page = String(buffer: response.body)
                #expect(page.contains("María Fernanda Andrade"))
                #expect(page.contains("Tecnología de la Información"))
            }
            // Metrics are served with the configured token, and only with it.
            try await client.execute(uri: "/metrics", method: .get) { response in
                #expect(response.status == .unauthorized)
            }
            try await client.execute(uri: "/metrics", method: .get, headers: [.authorization: "Bearer scrape-me"]) { response in
                #expect(response.status == .ok)
                #expect(String(buffer: response.body).contains("hb_requests"))
            }
        }
    }

    @Test func aSecondApplicationInTheSameProcessStartsToo() async throws {
        // Metrics are bootstrapped once per process: a second application must not trap.
        let app = try await buildApplication(reader: Self.reader([:]))
        try await app.test(.router) { client in
            try await client.execute(uri: "/health", method: .get) { response in
                #expect(response.status == .ok)
            }
            try await client.execute(uri: "/login", method: .get) { response in
                #expect(response.status == .ok)
            }
        }
    }

    @Test func aMissingTemplateStopsTheStartWithItsName() async throws {
        let templates = try ResourceLocator.home().appendingPathComponent("templates")
        let copy = FileManager.default.temporaryDirectory.appendingPathComponent("pacta-templates-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: copy) }
        try FileManager.default.copyItem(at: templates, to: copy)
        try FileManager.default.removeItem(at: copy.appendingPathComponent("warnings.mustache"))
        try FileManager.default.removeItem(at: copy.appendingPathComponent("csrf.mustache"))
        let error = try await #require(throws: MissingTemplates.self) { try await PageRenderer(directory: copy) }
        #expect(error.names == ["csrf", "warnings"])
        #expect(error.description.contains("warnings.mustache"))
        _ = try await PageRenderer(directory: templates)
    }
}
