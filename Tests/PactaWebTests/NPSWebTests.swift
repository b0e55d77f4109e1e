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
                #expect(!html.contains("Cada firma protege") && !html.contains(#"href="/login""#), "nothing of the internal tool for a customer")
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
                // Comments name the transaction type as the registry does, on the dashboard and in the feed.
                try await app.store.nps.save(TransactionType(code: "deposit", name: "Depósito en efectivo"), at: Fixtures.now)
                for uri in ["/nps?period=2026-09", "/nps/comments?period=2026-09&transaction=deposit"] {
                    let page = try await client.execute(uri: uri, method: .get, headers: app.browser(.viewer))
                    #expect(page.text.contains(" · Depósito en efectivo · <time>"), "\(uri)")
                }
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

    /// A provider's compliance month by month beside the NPS of what it supports, with their
    /// Pearson correlation once six months have both, on the management dashboard and in the API.
    @Test(arguments: TestDatabase.available)
    func aProvidersComplianceStandsBesideTheNPSOfWhatItSupports(database: TestDatabase) async throws {
        try await TestApp.withApp(database) { app in
            try await app.store.seedSignedAgreement()
            try await NPSAPITests.seedRegistry(app.store)
            try await app.store.nps.save(TransactionType(code: "deposit", name: "Depósito en efectivo"), at: Fixtures.now)
            _ = try await app.store.nps.replaceSupportMap(bytes: Array("unit,channel,transaction\nTI,,deposit\n".utf8), skipInvalid: false)
            // April to September, on a Tuesday each: one P1 request resolved within the hour
            // (100 %) or in two days (0 %), and the deposits' answers (NPS 100, 0, −100, 50, −50,
            // 100); withdrawals, which TI does not support, count for nothing.
            let days = ["2026-04-07", "2026-05-05", "2026-06-02", "2026-07-07", "2026-08-04", "2026-09-01"]
            let compliance: [Double] = [100, 0, 100, 100, 0, 100]
            // Thirty times over, so that every month reaches the minimum `n` a correlation takes.
            let scores = [[10, 9], [10, 0], [3], [10, 10, 9, 2], [8, 1], [9]].map { Array(repeating: $0, count: 30).flatMap(\.self) }
            let nps: [Double] = [100, 0, -100, 50, -50, 100]
            let requests = zip(days, compliance).map { day, score in
                RawServiceRequest(
                    externalRef: "R-\(day)",
                    provider: "TI",
                    client: "CRED",
                    service: "Correo",
                    priority: "P1",
                    openedAt: "\(day)T09:00:00-05:00",
                    resolvedAt: score == 100 ? "\(day)T10:00:00-05:00" : "\(day.prefix(9))\(Int(day.suffix(1))! + 2)T16:00:00-05:00"
                )
            }
            let imported = try await app.store.requests.importRows(
                requests,
                skipInvalid: false,
                by: Fixtures.system,
                at: Fixtures.now,
                timeZone: app.services.timeZone
            )
            #expect(imported.committed)
            var answers: [NPSAnswer] = []
            for (day, monthScores) in zip(days, scores) {
                for (index, score) in (monthScores + [0, 0]).enumerated() {
                    answers.append(
                        NPSAnswer(
                            externalRef: "\(day)-\(index)",
                            answeredAt: Timestamp.parse("\(day)T11:00:00-05:00")! + Int64(index),
                            channel: "branch",
                            touchpoint: "AG-001",
                            transaction: index < monthScores.count ? "deposit" : "withdrawal",
                            score: score
                        )
                    )
                }
            }
            _ = try await app.store.nps.write(answers, unknown: .refuse, timeZone: app.services.timeZone, at: Fixtures.now)
            // Pearson's r over the six months, computed here from its definition.
            let (meanC, meanN) = (compliance.reduce(0, +) / 6, nps.reduce(0, +) / 6)
            let covariance = zip(compliance, nps).map { ($0 - meanC) * ($1 - meanN) }.reduce(0, +)
            let r =
                covariance
                / (compliance.map { ($0 - meanC) * ($0 - meanC) }.reduce(0, +) * nps.map { ($0 - meanN) * ($0 - meanN) }.reduce(0, +)).squareRoot()

            try await app.test { client in
                let json = try await client.execute(uri: "/api/v1/nps/alongside?period=2026-09", method: .get, headers: app.api(.viewer))
                #expect(json.status == .ok)
                let item = try #require((json.json["items"] as? [[String: Any]])?.first { $0["unit"] as? String == "TI" })
                let points = try #require(item["points"] as? [[String: Any]])
                let shown = points.filter { $0["compliance"] as? Double != nil }
                #expect(shown.map { $0["period"] as? String } == days.map { String($0.prefix(7)) })
                #expect(shown.map { $0["compliance"] as? Double } == compliance)
                #expect(shown.map { ($0["nps"] as? [String: Any])?["nps"] as? Double } == nps)
                #expect(shown.map { ($0["nps"] as? [String: Any])?["n"] as? Int } == scores.map(\.count))
                let correlation = try #require(item["correlation"] as? [String: Any])
                #expect(abs((correlation["coefficient"] as? Double ?? 0) - r) < 1e-12 && correlation["n"] as? Int == 6)
                #expect(item["paired_periods"] as? Int == 6)

                let page = try await client.execute(uri: "/dashboard?period=2026-09&provider=TI", method: .get, headers: app.browser(.viewer))
                #expect(page.status == .ok)
                #expect(page.text.contains("Depósito en efectivo"), "what TI supports, by name")
                let map = try await client.execute(uri: "/nps/support", method: .get, headers: app.browser(.viewer))
                #expect(map.text.contains("cualquiera · Depósito en efectivo"), "and so on the support map")
                #expect(page.text.contains("\(app.services.renderer.messages(.spanish).number((r * 100).rounded() / 100)) (n = 6)"))
                #expect(page.text.contains(#"aria-label="Cumplimiento · NPS apoyado""#), "the paired chart of the provider chosen")
                // Five months are too few for a correlation: the API leaves it out, the page says why.
                let fewer = try await client.execute(uri: "/api/v1/nps/alongside?period=2026-08", method: .get, headers: app.api(.viewer))
                let august = try #require((fewer.json["items"] as? [[String: Any]])?.first { $0["unit"] as? String == "TI" })
                #expect(august["correlation"] is NSNull && august["paired_periods"] as? Int == 5)
                let augustPage = try await client.execute(uri: "/dashboard?period=2026-08", method: .get, headers: app.browser(.viewer))
                #expect(augustPage.text.contains("— (5 de 6 períodos)"))
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
