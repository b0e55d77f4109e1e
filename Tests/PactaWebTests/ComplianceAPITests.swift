import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import PactaApp
import PactaCore
import PactaStore
import PactaTestSupport
import Testing

@testable import PactaWeb

/// Compliance through the API: a period by provider, client and agreement, and an agreement's history.
@Suite struct ComplianceAPITests {
    /// TI-CRED signed; in July one P1 request resolved within the hour (C1 met), in August one
    /// resolved in three days (C1 not met).
    static func seed(_ app: TestApp) async throws {
        try await app.store.seedSignedAgreement()
        let rows = [
            ("J-1", "2026-07-07T09:00:00-05:00", "2026-07-07T10:00:00-05:00"),
            ("A-1", "2026-08-05T09:00:00-05:00", "2026-08-07T16:00:00-05:00"),
        ].map {
            RawServiceRequest(externalRef: $0.0, provider: "TI", client: "CRED", service: "Correo", priority: "P1", openedAt: $0.1, resolvedAt: $0.2)
        }
        _ = try await app.store.requests.importRows(rows, skipInvalid: false, by: Fixtures.system, at: Fixtures.now, timeZone: app.services.timeZone)
    }

    @Test(arguments: TestDatabase.available)
    func managementReadsAPeriodsComplianceAsJSONAndCSV(database: TestDatabase) async throws {
        try await TestApp.withApp(database) { app in
            try await Self.seed(app)
            try await app.test { client in
                let response = try await client.execute(uri: "/api/v1/compliance?period=2026-Q3", method: .get, headers: app.api(.viewer))
                #expect(response.status == .ok)
                let overview = try response.decode(ComplianceOverviewJSON.self)
                #expect(overview.period == "2026-Q3" && overview.provisional && overview.atRiskFrom == 80)
                #expect(overview.agreements.map(\.status) == [.compliant, .breached, .noData])
                #expect(overview.agreements[0].noData == ["C2"] && overview.agreements[0].commitments.map(\.weight) == [2, 1])
                // July 100 % and August 0 %, one request each: 50 %.
                #expect(overview.providers.map(\.unit) == ["TI"] && overview.providers[0].score == 50 && overview.providers[0].noData == 1)
                #expect(overview.organisation.status == .breached && overview.clients[0].unit == "CRED")

                let csv = try await client.execute(
                    uri: "/api/v1/compliance?period=2026-Q3&format=csv&by=agreement",
                    method: .get,
                    headers: app.api(.viewer)
                )
                #expect(csv.headers[.contentType] == "text/csv; charset=utf-8")
                // July's requests arrived on 21 September, after it closed: the change is recorded.
                #expect(csv.text.contains("\r\nTI-CRED,Soporte a Crédito,TI,CRED,2026-07,compliant,100.0,1,0,C2,false,2026-09-21T14:13:20Z,1\r\n"))
                let providers = try await client.execute(uri: "/api/v1/compliance?period=2026-Q3&format=csv", method: .get, headers: app.api(.rater))
                #expect(providers.text.hasPrefix("unit,name,status,score,volume,weighted_by_volume,agreements,no_data\r\nTI,"))
                let bad = try await client.execute(uri: "/api/v1/compliance?by=unit", method: .get, headers: app.api(.viewer))
                #expect(bad.status == .badRequest)
                #expect(try bad.apiError().code == "invalid_by")

                let history = try await client.execute(uri: "/api/v1/agreements/TI-CRED/compliance", method: .get, headers: app.api(.viewer))
                let items = try history.decode(Items<AgreementComplianceJSON>.self).items
                #expect(items.map(\.period).prefix(3) == ["2026-09", "2026-08", "2026-07"] && items.count == 9)
                #expect(items[1].status == .breached && items[1].volume == 1 && !items[1].provisional && items[0].provisional)
                // August's requests arrived on 21 September, after it closed.
                let change = try #require(items[1].changes.first)
                #expect(items[1].changes.count == 1 && change.month == "2026-08" && change.changedAt == Fixtures.now)
                #expect(change.cause == "requests" && change.by == "test" && change.detail == "")
                #expect(items[0].changes.isEmpty && items[2].changes.count == 1)
                #expect(
                    try await client.execute(uri: "/api/v1/agreements/NOPE/compliance", method: .get, headers: app.api(.viewer)).status == .notFound
                )

                // The agreement's page shows the same history, each period linked to its indicators.
                let page = try await client.execute(uri: "/agreements/TI-CRED", method: .get, headers: app.browser(.viewer))
                #expect(page.text.contains("Cumplimiento por período"))
                #expect(page.text.contains(#"<a href="/agreements/TI-CRED/indicators?period=2026-08">2026-08</a>"#))
                #expect(page.text.contains(#"<span class="badge compliance-breached">Incumple</span>"#))
                #expect(page.text.contains(#"<span class="badge compliance-compliant">Cumple</span>"#) && page.text.contains("Sin datos: C2"))
                #expect(page.text.contains(#"<span class="change-line">2026-09-21 09:13: llegaron o cambiaron solicitudes (test)</span>"#))
                let download = try await client.execute(uri: "/agreements/TI-CRED/compliance.csv", method: .get, headers: app.browser(.viewer))
                #expect(download.headers[.contentDisposition] == #"attachment; filename="TI-CRED-compliance.csv""#)
                #expect(download.text.contains("\r\nTI-CRED,Soporte a Crédito,TI,CRED,2026-08,breached,0.0,1,0,C2,false,2026-09-21T14:13:20Z,1\r\n"))
            }
        }
    }

    @Test(arguments: TestDatabase.available)
    func aViewerLandsOnTheDashboardAndDrillsDownToTheRequests(database: TestDatabase) async throws {
        try await TestApp.withApp(database) { app in
            try await Self.seed(app)
            try await app.test { client in
                let landing = try await client.execute(uri: "/", method: .get, headers: app.browser(.viewer))
                #expect(landing.status == .seeOther && landing.headers[.location] == "/dashboard")
                #expect(try await client.execute(uri: "/", method: .get, headers: app.browser(.manager)).headers[.location] == "/published")

                // Without typing anything: the current quarter, its months, each provider ranked.
                let page = try await client.execute(uri: "/dashboard", method: .get, headers: app.browser(.viewer))
                #expect(page.status == .ok && page.text.contains("Cumplimiento de los acuerdos · 2026-Q3"))
                #expect(page.text.contains("Período en curso"), "September is still running on the 21st")
                #expect(page.text.contains("Evaluadas el 2026-09-21"), "with the instant the figures were evaluated at")
                #expect(page.text.contains(#"<p class="big-figure">50 %</p>"#), "July 100 % and August 0 %, a request each")
                #expect(page.text.contains(#"<a href="/dashboard?period=2026-Q3&amp;provider=TI#selection">Tecnología</a>"#))
                #expect(page.text.contains(#"title="TI → Crédito: 50 % (Incumple)""#), "the heatmap's cell says what it shows")
                #expect(page.text.contains(#"<svg class="trend-chart""#) && page.text.contains(#"href="/dashboard?period=2026-Q2""#))
                #expect(!page.text.contains(#"rel="next""#), "no period after the current one")

                // A provider drills down to its agreement periods, each linked to its indicators and requests.
                let provider = try await client.execute(uri: "/dashboard?period=2026-Q3&provider=TI", method: .get, headers: app.browser(.viewer))
                #expect(provider.text.contains(#"<a href="/agreements/TI-CRED/indicators?period=2026-08" class="code">TI-CRED</a>"#))
                let indicators = try await client.execute(
                    uri: "/agreements/TI-CRED/indicators?period=2026-08",
                    method: .get,
                    headers: app.browser(.viewer)
                )
                #expect(indicators.status == .ok && indicators.text.contains("/requests?"), "the period's counts lead to the requests")

                // A month, and the exports of the same figures.
                let month = try await client.execute(uri: "/dashboard?period=2026-07", method: .get, headers: app.browser(.viewer))
                #expect(
                    month.text.contains("· 2026-07") && month.text.contains(#"<p class="big-figure">100 %</p>"#)
                        && month.text.contains(#"rel="next""#)
                )
                let csv = try await client.execute(uri: "/dashboard.csv?period=2026-Q3&by=agreement", method: .get, headers: app.browser(.viewer))
                #expect(csv.text.contains("TI-CRED,Soporte a Crédito,TI,CRED,2026-08,breached,0.0,1,0,C2,false"))
                let json = try await client.execute(uri: "/dashboard.json?period=2026-Q3", method: .get, headers: app.browser(.viewer))
                #expect(try json.decode(ComplianceOverviewJSON.self).organisation.score == 50)
                // A year: every review period of 2026 so far, July's and August's request among them.
                let year = try await client.execute(uri: "/dashboard?period=2026", method: .get, headers: app.browser(.viewer))
                #expect(year.text.contains("· 2026</h1>") && year.text.contains(#"<p class="big-figure">50 %</p>"#))
                #expect(year.text.contains(#"href="/dashboard?period=2026-Q3""#) && year.text.contains(#"href="/dashboard?period=2025" rel="prev""#))
                let api = try await client.execute(uri: "/api/v1/compliance?period=2026", method: .get, headers: app.api(.viewer))
                let overview = try api.decode(ComplianceOverviewJSON.self)
                #expect(
                    overview.period == "2026" && overview.agreements.count == 9 && overview.providers[0].score == 50,
                    "January to September: October has not begun"
                )
                let bad = try await client.execute(uri: "/dashboard?period=2026-13", method: .get, headers: app.browser(.viewer))
                #expect(bad.status == .badRequest)
            }
        }
    }

    @Test(arguments: TestDatabase.available)
    func thePublishedAgreementsAreSearchedFilteredByStatusAndPaged(database: TestDatabase) async throws {
        try await TestApp.withApp(database) { app in
            let ana = Fixtures.signer("ana", unit: "TI")
            let luis = Fixtures.signer("luis", unit: "CRED")
            for number in 0..<11 {
                let code = "TI-A\(number < 10 ? "0" : "")\(number)"
                _ = try await app.store.agreements.create(code: code, terms: Fixtures.terms(title: "Servicio \(number)"), by: ana, at: Fixtures.now)
                _ = try await app.store.agreements.submit(code, by: ana, at: Fixtures.now, today: Fixtures.today)
                for signer in [ana, luis] {
                    _ = try await app.store.agreements.signCurrentVersion(code, by: signer, at: Fixtures.now, today: Fixtures.today)
                }
            }
            let request = RawServiceRequest(
                externalRef: "A-1",
                provider: "TI",
                client: "CRED",
                service: "Correo",
                priority: "P1",
                openedAt: "2026-08-05T09:00:00-05:00",
                resolvedAt: "2026-08-05T10:00:00-05:00"
            )
            // One request in August, resolved in time, belongs to one of them: that one is compliant in August.
            _ = try await app.store.requests.importRows([request], skipInvalid: false, by: ana, at: Fixtures.now, timeZone: app.services.timeZone)
            try await app.test { client in
                let first = try await client.execute(uri: "/published", method: .get, headers: app.browser(.viewer))
                #expect(first.text.contains("Acuerdos vigentes <span class=\"muted\">(11)</span>") && first.text.contains("1–10 / 11"))
                #expect(first.text.contains(#"<a class="button" href="/published?page=2" rel="next">"#))
                #expect(first.text.components(separatedBy: "class=\"agreement-card").count - 1 <= 10, "ten cards a page")
                let second = try await client.execute(uri: "/published?page=2", method: .get, headers: app.browser(.viewer))
                #expect(
                    second.text.contains("11–11 / 11") && second.text.contains(#"href="/agreements/TI-A10""#)
                        && !second.text.contains(#"href="/agreements/TI-A00""#)
                )

                let found = try await client.execute(uri: "/published?q=servicio%2010", method: .get, headers: app.browser(.viewer))
                #expect(found.text.contains("(1)</span>") && found.text.contains(#"href="/agreements/TI-A10""#))
                // Each line says how the agreement did in its latest ended review period: August, for the 21st of September.
                let compliant = try await client.execute(uri: "/published?status=compliant&provider=TI", method: .get, headers: app.browser(.viewer))
                #expect(
                    compliant.text.contains("(1)</span>")
                        && compliant.text.contains(#"<span class="badge compliance-compliant">Cumple</span> <span class="muted small">2026-08"#)
                )
                let none = try await client.execute(uri: "/published?status=at_risk", method: .get, headers: app.browser(.viewer))
                #expect(none.text.contains("Ningún acuerdo vigente coincide"))
            }
        }
    }
}
