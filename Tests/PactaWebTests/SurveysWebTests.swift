import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import PactaCore
import PactaStore
import PactaTestSupport
import Testing

@testable import PactaWeb

/// A campaign run through the pages: a manager creates and opens it, a rater answers from a link
/// without signing in and another from their list, and the results hide what k protects.
@Suite struct SurveysWebTests {
    /// A browser without a session: its CSRF cookie from the survey page, then the posted answer.
    static func answer(_ client: some TestClientProtocol, link: String, fields: [String: String]) async throws -> TestResponse {
        let page = try await client.execute(uri: link, method: .get)
        let cookie = try #require(page.headers[values: .setCookie].first { $0.hasPrefix("pacta_csrf=") })
        let token = String(cookie.dropFirst("pacta_csrf=".count).prefix { $0 != ";" })
        var all = fields
        all["_csrf"] = token
        let body = all.sorted { $0.key < $1.key }.map { "\(TestApp.encode($0.key))=\(TestApp.encode($0.value))" }.joined(separator: "&")
        return try await client.execute(
            uri: link,
            method: .post,
            headers: [.cookie: "pacta_csrf=\(token)", .contentType: "application/x-www-form-urlencoded"],
            body: ByteBuffer(string: body)
        )
    }

    @Test(arguments: TestDatabase.available)
    func aRaterAnswersFromTheLinkAndTheResultsKeepThemAnonymous(database: TestDatabase) async throws {
        try await TestApp.withApp(database) { app in
            try await app.store.seedSignedAgreement()
            for name in ["ines", "jose"] {
                _ = try await app.store.users.create(
                    username: name,
                    name: name.capitalized,
                    role: .rater,
                    unit: "CRED",
                    passwordHash: "x",
                    at: Fixtures.now
                )
            }
            try await app.test { client in
                let created = try await client.execute(
                    uri: "/campaigns",
                    method: .post,
                    headers: app.browser(.manager, form: true),
                    body: app.form([
                        "code": "ENC-09", "title": "Percepción de septiembre", "period": "2026-09", "unit": "TI", "opens_on": "2026-09-21",
                        "closes_on": "2026-09-30", "reminder_days": "7", "attributes[0].key": "quality", "attributes[0].es": "Calidad",
                        "attributes[0].en": "Quality", "guests": "CRED externa@example.com",
                    ])
                )
                #expect(created.status == .seeOther && created.headers[.location] == "/campaigns/ENC-09", "\(created.text.prefix(500))")
                #expect(
                    try await client.execute(
                        uri: "/campaigns/ENC-09/open",
                        method: .post,
                        headers: app.browser(.manager, form: true),
                        body: app.form()
                    ).status == .seeOther
                )
                // clienta, ines, jose and the guest.
                let csv = try await client.execute(
                    uri: "/campaigns/ENC-09/links.csv",
                    method: .post,
                    headers: app.browser(.manager, form: true),
                    body: app.form()
                )
                #expect(csv.headers[.contentType] == "text/csv; charset=utf-8")
                let links = csv.text.split(separator: "\r\n").dropFirst().map {
                    String($0.split(separator: ",").last!).replacingOccurrences(of: "http://localhost:8080", with: "")
                }
                #expect(links.count == 4 && links.allSatisfy { $0.hasPrefix("/s/") && $0.count == 3 + 64 })

                // The form speaks the rater's language; an incomplete answer keeps what was chosen.
                let form = try await client.execute(uri: links[0], method: .get)
                #expect(form.status == .ok && form.text.contains("Su opinión sobre Tecnología") && form.text.contains("Calidad"))
                let english = try await client.execute(uri: links[0], method: .get, headers: [.cookie: "lang=en"])
                #expect(english.text.contains("Your view of Tecnología") && english.text.contains(">Quality<"))
                let incomplete = try await Self.answer(client, link: links[0], fields: ["ratings.quality": "4"])
                #expect(incomplete.status == .unprocessableContent && incomplete.text.contains(#"id="e-recommend""#))
                #expect(incomplete.text.contains(#"value="4" checked"#))

                let thanks = try await Self.answer(client, link: links[0], fields: ["ratings.quality": "4", "recommend": "9", "comment": "Atentos"])
                #expect(thanks.status == .ok && thanks.text.contains("Gracias por responder"))
                #expect(try await Self.answer(client, link: links[0], fields: ["recommend": "9"]).status == .conflict)
                #expect(try await client.execute(uri: "/s/" + String(repeating: "0", count: 64), method: .get).status == .notFound)

                // One answer: the figures wait for k = 3; the response rate shows.
                let few = try await client.execute(uri: "/campaigns/ENC-09", method: .get, headers: app.browser(.viewer))
                #expect(few.text.contains("1 / 4") && few.text.contains("Oculto: menos de 3 respuestas.") && !few.text.contains("Atentos"))

                // A signed-in rater sees it to answer, and answers from the list.
                let landing = try await client.execute(uri: "/published", method: .get, headers: app.browser(.rater))
                #expect(landing.text.contains(#"Por responder <span class="nav-count">1</span>"#))
                let mine = try await client.execute(
                    uri: "/surveys/ENC-09/TI-CRED",
                    method: .post,
                    headers: app.browser(.rater, form: true),
                    body: app.form(["ratings.quality": "2", "recommend": "5"])
                )
                #expect(mine.status == .ok && mine.text.contains("Gracias por responder"))
                let after = try await client.execute(uri: "/published", method: .get, headers: app.browser(.rater))
                #expect(!after.text.contains("Por responder"))
                // A system answers through the API with the link's token, under the same rules.
                let jose = String(links[3].dropFirst("/s/".count))
                let wrong = try await client.execute(
                    uri: "/api/v1/survey-answers",
                    method: .post,
                    headers: [.contentType: "application/json"],
                    body: TestApp.json(#"{"token": "\#(jose)", "ratings": {"quality": 9}, "recommend": 11}"#)
                )
                #expect(wrong.status == .unprocessableContent && wrong.text.contains("ratings.quality") && wrong.text.contains("recommend"))
                let unknown = try await client.execute(
                    uri: "/api/v1/survey-answers",
                    method: .post,
                    headers: [.contentType: "application/json"],
                    body: TestApp.json(#"{"token": "\#(String(repeating: "0", count: 64))", "recommend": 8}"#)
                )
                #expect(unknown.status == .notFound && (unknown.json["error"] as? [String: Any])?["code"] as? String == "unknown_link")
                let extra = try await client.execute(
                    uri: "/api/v1/survey-answers",
                    method: .post,
                    headers: [.contentType: "application/json"],
                    body: TestApp.json(#"{"token": "\#(jose)", "recommend": 8, "name": "José"}"#)
                )
                #expect(extra.status == .unprocessableContent && extra.text.contains("unknown_field"), "an unknown field, such as a name, is refused")

                // Links go by rater: the guest's, then clienta's (used from her list), ines's and jose's.
                #expect(try await Self.answer(client, link: links[1], fields: ["recommend": "9"]).status == .conflict)
                #expect(try await Self.answer(client, link: links[2], fields: ["ratings.quality": "5", "recommend": "10"]).status == .ok)
                let tally = try #require(try await app.store.campaigns.tallies("ENC-09").first)
                // Ratings 4, 2, 5 → mean 11/3 → index 66,7; recommend 9, 5, 10 → (2 − 1) / 3 → NPS 33,3.
                #expect(tally.figures.responses == 3 && tally.invitations == 4)
                let page = try await client.execute(uri: "/campaigns/ENC-09", method: .get, headers: app.browser(.viewer))
                #expect(page.text.contains("Atentos"), "comments show once k answers are in")
                #expect(page.text.contains("<svg class=\"nps-chart\""))
                #expect(page.text.contains(">66,7<") && page.text.contains("+33,3") && page.text.contains("3 / 4"))

                // The soft commitment is measured from these answers, on the page, the API and the CSV.
                let api = try await client.execute(
                    uri: "/api/v1/agreements/TI-CRED/indicators?period=2026-09",
                    method: .get,
                    headers: app.api(.viewer)
                )
                let soft = try #require((api.json["soft"] as? [[String: Any]])?.first)
                #expect(soft["commitment"] as? String == "C2" && soft["responses"] as? Int == 3 && soft["status"] as? String == "not_met")
                #expect(abs((soft["value"] as? Double ?? 0) - 800.0 / 12) < 1e-9, "100 × (11 − 3) / (4 × 3)")
                let indicators = try await client.execute(
                    uri: "/agreements/TI-CRED/indicators?period=2026-09",
                    method: .get,
                    headers: app.browser(.viewer)
                )
                #expect(indicators.text.contains("Indicadores blandos") && indicators.text.contains(">66,7"))
                #expect(
                    indicators.text.contains(#"Resultados de la encuesta: <a href="/campaigns/ENC-09" class="code">ENC-09</a>"#),
                    "a soft commitment leads to its survey"
                )
                let commitmentsCSV = try await client.execute(
                    uri: "/agreements/TI-CRED/indicators.csv?period=2026-09&rows=commitments",
                    method: .get,
                    headers: app.browser(.viewer)
                )
                #expect(commitmentsCSV.text.contains("C2,soft,perception_index,3,,,,66.66666666666667,not_met\r\n"))
                let august = try await client.execute(
                    uri: "/api/v1/agreements/TI-CRED/indicators?period=2026-08",
                    method: .get,
                    headers: app.api(.viewer)
                )
                #expect((august.json["soft"] as? [[String: Any]])?.first?["status"] as? String == "no_data")

                // Closed: a late answer gets a page saying so.
                #expect(
                    try await client.execute(
                        uri: "/campaigns/ENC-09/close",
                        method: .post,
                        headers: app.browser(.manager, form: true),
                        body: app.form()
                    ).status == .seeOther
                )
                let late = try await client.execute(uri: links[3], method: .get)
                #expect(late.status == .gone && late.text.contains("La encuesta ya cerró"))
            }
        }
    }

    @Test(arguments: TestDatabase.available)
    func aPersonSetsTheAddressTheirInvitationsGoTo(database: TestDatabase) async throws {
        try await TestApp.withApp(database) { app in
            try await app.test { client in
                let wrong = try await client.execute(
                    uri: "/account/email",
                    method: .post,
                    headers: app.browser(.rater, form: true),
                    body: app.form(["email": "clienta@"])
                )
                #expect(wrong.status == .unprocessableContent && wrong.text.contains(#"id="e-email""#) && wrong.text.contains("clienta@"))
                let saved = try await client.execute(
                    uri: "/account/email",
                    method: .post,
                    headers: app.browser(.rater, form: true),
                    body: app.form(["email": " clienta@example.com "])
                )
                #expect(saved.status == .seeOther)
                #expect(try await app.store.users.credentials(username: "clienta")?.user.email == "clienta@example.com")
                let page = try await client.execute(uri: "/account", method: .get, headers: app.browser(.rater))
                #expect(page.text.contains(#"value="clienta@example.com""#))
            }
        }
    }

    @Test(arguments: TestDatabase.available)
    func theCampaignFormReportsEveryProblemByItsLabel(database: TestDatabase) async throws {
        try await TestApp.withApp(database) { app in
            try await app.store.seedSignedAgreement()
            try await app.test { client in
                let response = try await client.execute(
                    uri: "/campaigns",
                    method: .post,
                    headers: app.browser(.manager, form: true),
                    body: app.form([
                        "code": "", "title": "", "period": "2026-13", "unit": "TI", "opens_on": "2026-09-21", "closes_on": "2026-09-30",
                        "reminder_days": "7", "attributes[0].key": "quality", "attributes[0].es": "Calidad", "attributes[0].en": "",
                        "guests": "CRED sin-arroba",
                    ])
                )
                #expect(response.status == .unprocessableContent)
                #expect(response.text.contains(##"<a href="#f-period"><strong>Período</strong>"##))
                #expect(response.text.contains("Calidad") && response.text.contains("sin-arroba"), "what was typed stays")
            }
        }
    }
}
