import Foundation
import Hummingbird
import HummingbirdTesting
import NIOCore
import PactaApp
import PactaCore
import PactaStore
import PactaTestSupport
import Testing

@testable import PactaWeb

/// A customer rates a touchpoint from its public page, and management reads it on the NPS pages.
@Suite struct NPSWebTests {
    /// A phone without a session: the page's cookies, then the posted rating.
    static func rate(
        _ client: some TestClientProtocol,
        touchpoint: String,
        fields: [String: String],
        device: String? = nil
    ) async throws -> (
        TestResponse, device: String
    ) {
        let page = try await client.execute(
            uri: "/r/\(touchpoint)?t=deposit",
            method: .get,
            headers: device.map { [.cookie: "pacta_device=\($0)"] } ?? [:]
        )
        #expect(page.status == .ok)
        let cookies = page.headers[values: .setCookie]
        let csrf = try #require(cookies.first { $0.hasPrefix("pacta_csrf=") }).dropFirst("pacta_csrf=".count).prefix { $0 != ";" }
        let phone =
            try device ?? String(#require(cookies.first { $0.hasPrefix("pacta_device=") }).dropFirst("pacta_device=".count).prefix { $0 != ";" })
        var all = fields
        all["_csrf"] = String(csrf)
        let body = all.sorted { $0.key < $1.key }.map { "\(TestApp.encode($0.key))=\(TestApp.encode($0.value))" }.joined(separator: "&")
        let response = try await client.execute(
            uri: "/r/\(touchpoint)",
            method: .post,
            headers: [.cookie: "pacta_csrf=\(csrf); pacta_device=\(phone)", .contentType: "application/x-www-form-urlencoded"],
            body: ByteBuffer(string: body)
        )
        return (response, phone)
    }

    @Test(arguments: TestDatabase.available)
    func aCustomerRatesFromThePosterAndManagementSeesItAtOnce(database: TestDatabase) async throws {
        try await TestApp.withApp(database) { app in
            try await NPSAPITests.seedRegistry(app.store)
            try await app.test { client in
                // The page names the touchpoint and the transaction of the link.
                let page = try await client.execute(uri: "/r/AG-001?t=deposit", method: .get)
                let html = String(buffer: page.body)
                #expect(html.contains("Agencia Centro") && html.contains(#"name="transaction" value="deposit""#))
                #expect(try await client.execute(uri: "/r/AG-404", method: .get).status == .notFound)

                // Every problem in one round, nothing stored.
                var (response, device) = try await Self.rate(client, touchpoint: "AG-001", fields: ["score": "11", "transaction": "nope"])
                #expect(response.status == .unprocessableContent)
                #expect(String(buffer: response.body).contains("e-score") && String(buffer: response.body).contains("e-transaction"))
                #expect(try await app.store.nps.count() == 0)

                (response, device) = try await Self.rate(
                    client,
                    touchpoint: "AG-001",
                    fields: ["score": "4", "transaction": "deposit", "comment": "Fila muy larga"],
                    device: device
                )
                #expect(response.status == .created)
                // At once in the figures, with the comment in the feed.
                let figures = try await client.execute(uri: "/api/v1/nps?period=2026-09-21", method: .get, headers: app.api(.viewer))
                #expect((figures.json["total"] as? [String: Any])?["detractors"] as? Int == 1)
                let dashboard = try await client.execute(uri: "/nps?period=2026-09", method: .get, headers: app.browser(.viewer))
                #expect(dashboard.status == .ok)
                let text = String(buffer: dashboard.body)
                #expect(text.contains("n = 1") && text.contains("Fila muy larga") && text.contains("−100"))
                // One answer ranks no touchpoint: the lists say so rather than that there is none.
                #expect(text.contains("Ningún punto alcanza todavía el mínimo de respuestas.") && !text.contains("Sin respuestas."))

                // The same phone again within the cooldown: told so, nothing stored; another phone rates.
                (response, _) = try await Self.rate(client, touchpoint: "AG-001", fields: ["score": "10", "transaction": "deposit"], device: device)
                #expect(response.status == .tooManyRequests)
                #expect(try await app.store.nps.count() == 1)
                (response, _) = try await Self.rate(client, touchpoint: "AG-001", fields: ["score": "10", "transaction": "deposit"])
                #expect(response.status == .created)
                #expect(try await app.store.nps.count() == 2)
                // Another touchpoint is not held back by the first one's cooldown.
                (response, _) = try await Self.rate(client, touchpoint: "ATM-1", fields: ["score": "9", "transaction": "withdrawal"], device: device)
                #expect(response.status == .created)
            }
        }
    }

    @Test(arguments: TestDatabase.available)
    func aChangeWithinItsMarginOfErrorIsSaidToBeMaybeChance(database: TestDatabase) async throws {
        try await TestApp.withApp(database) { app in
            try await NPSAPITests.seedRegistry(app.store)
            // Branches: 20/10/10 in August, 22/8/10 in September (+5, within ± 37). ATMs: 10/10/20,
            // then 30/5/5 (+87.5, well outside).
            var answers: [NPSAnswer] = []
            func add(_ month: String, _ touchpoint: String, _ channel: String, _ kinds: (Int, Int, Int)) {
                let scores = Array(repeating: 10, count: kinds.0) + Array(repeating: 7, count: kinds.1) + Array(repeating: 3, count: kinds.2)
                for (index, score) in scores.enumerated() {
                    answers.append(
                        NPSAnswer(
                            externalRef: "\(month)-\(touchpoint)-\(index)",
                            answeredAt: Timestamp.parse("\(month)-10T10:00:00-05:00")! + Int64(index),
                            channel: channel,
                            touchpoint: touchpoint,
                            transaction: "deposit",
                            score: score
                        )
                    )
                }
            }
            add("2026-08", "AG-001", "branch", (20, 10, 10))
            add("2026-09", "AG-001", "branch", (22, 8, 10))
            add("2026-08", "ATM-1", "atm", (10, 10, 20))
            add("2026-09", "ATM-1", "atm", (30, 5, 5))
            _ = try await app.store.nps.write(answers, unknown: .refuse, timeZone: app.services.timeZone, at: Fixtures.now)
            try await app.test { client in
                let branch = try await client.execute(uri: "/nps?period=2026-09&channel=branch", method: .get, headers: app.browser(.viewer))
                #expect(
                    branch.text.contains(
                        #"<p class="change-flat">▲ 5 puntos frente a 2026-08 — dentro del margen de error del cambio (± 37): puede ser azar</p>"#
                    )
                )
                let atm = try await client.execute(uri: "/nps?period=2026-09&channel=atm", method: .get, headers: app.browser(.viewer))
                #expect(atm.text.contains(#"<p class="change-up">▲ 87,5 puntos frente a 2026-08</p>"#))
                // One touchpoint ranked: in the lowest list, and the highest list says where it is.
                #expect(branch.text.contains("Todos los puntos ordenados están en la lista de NPS más bajo."))
                let json = try await client.execute(uri: "/api/v1/nps?period=2026-09&channel=branch", method: .get, headers: app.api(.viewer))
                let margin = try #require(json.json["change_margin"] as? Double)
                let expected = try #require(
                    NPSTally(promoters: 22, passives: 8, detractors: 10).changeMargin(from: NPSTally(promoters: 20, passives: 10, detractors: 10))
                )
                #expect(abs(margin - expected) < 1e-9)
            }
        }
    }

    @Test(arguments: TestDatabase.available)
    func thePagesShowTheRegistryAndTheComments(database: TestDatabase) async throws {
        try await TestApp.withApp(database) { app in
            try await NPSAPITests.seedRegistry(app.store)
            try await app.test { client in
                let registry = try await client.execute(uri: "/nps/touchpoints?q=cajero", method: .get, headers: app.browser(.viewer))
                let html = String(buffer: registry.body)
                #expect(html.contains("ATM-1") && !html.contains("AG-001"))
                #expect(!html.contains("/nps/touchpoints/import"), "only administrators load the registry")
                let admin = try await client.execute(uri: "/nps/touchpoints", method: .get, headers: app.browser(.admin))
                #expect(String(buffer: admin.body).contains("/nps/touchpoints/import"))
                #expect(!String(buffer: admin.body).contains("unreviewed=1\">"), "no notice of touchpoints to review when there are none")
                let comments = try await client.execute(uri: "/nps/comments?period=2026-13", method: .get, headers: app.browser(.viewer))
                #expect(
                    comments.status == .ok && String(buffer: comments.body).contains("notice-danger"),
                    "a bad period says so and shows this month"
                )
                let csv = try await client.execute(uri: "/nps/touchpoints.csv", method: .get, headers: app.browser(.viewer))
                #expect(String(buffer: csv.body).hasPrefix("code,channel,name,region,active,reviewed\r\nAG-001,branch,Agencia Centro,,true,true"))
            }
        }
    }
}
