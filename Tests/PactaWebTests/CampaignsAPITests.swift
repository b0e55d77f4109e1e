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

/// A campaign run by a system through the API, answers imported from paper, and the results
/// read back as JSON and CSV with what k hides hidden there too.
@Suite struct CampaignsAPITests {
    static let answers = """
        external_ref;agreement;period;quality;recommend;comment
        P-1;TI-CRED;2026-09;4;9;Rápidos
        P-2;TI-CRED;2026-09;2;6;

        """

    static func results(_ response: TestResponse) throws -> CampaignResultsJSON {
        try response.decode(CampaignResultsJSON.self)
    }

    @Test(arguments: TestDatabase.available)
    func aSystemRunsACampaignAndImportsAnswersCollectedOnPaper(database: TestDatabase) async throws {
        try await TestApp.withApp(database) { app in
            try await app.store.seedSignedAgreement()
            try await app.test { client in
                let body = #"""
                    {"code": "ENC-09", "title": "Percepción", "period": "2026-09", "unit": "TI", "opens_on": "2026-09-21",
                     "closes_on": "2026-09-30", "questionnaire": {"attributes": [{"key": "quality", "label": {"es": "Calidad", "en": "Quality"}}]}}
                    """#
                let created = try await client.execute(uri: "/api/v1/campaigns", method: .post, headers: app.api(.manager), body: TestApp.json(body))
                #expect(created.status == .created && created.headers[.location] == "/api/v1/campaigns/ENC-09", "\(created.text)")
                let campaign = try created.decode(CampaignJSON.self)
                #expect(campaign.agreements == ["TI-CRED"] && campaign.state == .draft)
                let viewerCreates = try await client.execute(
                    uri: "/api/v1/campaigns",
                    method: .post,
                    headers: app.api(.viewer),
                    body: TestApp.json(body)
                )
                #expect(viewerCreates.status == .forbidden)

                // Answers of a draft are refused: its questions may still change.
                let early = try await client.execute(
                    uri: "/api/v1/survey-answers/import",
                    method: .post,
                    headers: [.authorization: app.api(.manager)[.authorization]!, .contentType: "text/csv"],
                    body: ByteBuffer(string: Self.answers)
                )
                #expect(early.status == .unprocessableContent)
                let report = try early.decode(ImportReport.self)
                #expect(!report.committed && report.problems.map(\.code) == ["invalid_state", "invalid_state"])

                let opened = try await client.execute(uri: "/api/v1/campaigns/ENC-09/open", method: .post, headers: app.api(.manager))
                #expect(opened.status == .ok && opened.text.contains(#""invitations":1"#) && opened.text.contains(#""state":"open""#))

                let imported = try await client.execute(
                    uri: "/api/v1/survey-answers/import",
                    method: .post,
                    headers: [.authorization: app.api(.manager)[.authorization]!, .contentType: "text/csv"],
                    body: ByteBuffer(string: Self.answers)
                )
                #expect(imported.status == .ok)
                #expect(try imported.decode(ImportReport.self).created == 2)

                // Two answers: below k = 3, nothing but the counts, in JSON and CSV alike.
                var results = try Self.results(try await client.execute(uri: "/api/v1/campaigns/ENC-09", method: .get, headers: app.api(.viewer)))
                var agreement = try #require(results.providers.first?.agreements.first)
                #expect(results.k == 3 && agreement.figures.responses == 2 && agreement.figures.imported == 2 && agreement.figures.invitations == 1)
                #expect(agreement.figures.hidden == "below_k" && agreement.figures.perceptionIndex == nil && agreement.figures.nps == nil)
                #expect(agreement.figures.comments.isEmpty && agreement.figures.responseRate == 0)
                let hiddenCSV = try await client.execute(uri: "/api/v1/campaigns/ENC-09?format=csv", method: .get, headers: app.api(.viewer))
                #expect(hiddenCSV.headers[.contentType] == "text/csv; charset=utf-8")
                #expect(hiddenCSV.text.contains("\r\nagreement,TI,TI-CRED,CRED,1,2,2,0.0,below_k,,,,,,,\r\n"), "\(hiddenCSV.text)")
                #expect(!hiddenCSV.text.contains("Rápidos"))

                // The invited rater answers by link; three answers show, exactly.
                let link = try #require(try await app.store.campaigns.issueLinks("ENC-09", by: Fixtures.system, at: Fixtures.now).first)
                let answered = try await client.execute(
                    uri: "/api/v1/survey-answers",
                    method: .post,
                    headers: [.contentType: "application/json"],
                    body: TestApp.json(#"{"token": "\#(link.token)", "ratings": {"quality": 5}, "recommend": 10}"#)
                )
                #expect(answered.status == .created)
                results = try Self.results(try await client.execute(uri: "/api/v1/campaigns/ENC-09", method: .get, headers: app.api(.rater)))
                agreement = try #require(results.providers.first?.agreements.first)
                // Ratings 4, 2, 5: 100 × (11 − 3) / 12; recommend 9, 6, 10: 100 × (2 − 1) / 3.
                #expect(agreement.figures.shown && agreement.figures.perceptionIndex == 800.0 / 12)
                #expect(agreement.figures.nps?.score == 100.0 / 3 && agreement.figures.nps?.n == 3)
                #expect(agreement.figures.responseRate == 1 && agreement.figures.comments == ["Rápidos"])
                #expect(agreement.figures.attributeMeans == ["quality": 11.0 / 3])
                let csv = try await client.execute(uri: "/api/v1/campaigns/ENC-09?format=csv", method: .get, headers: app.api(.viewer))
                #expect(csv.text.hasPrefix("level,provider,agreement,client,invitations,responses,imported,response_rate,hidden,perception_index,"))
                #expect(csv.text.contains("agreement,TI,TI-CRED,CRED,1,3,2,1.0,,66.66666666666667,33.333333333333336,"))

                let list = try await client.execute(uri: "/api/v1/campaigns", method: .get, headers: app.api(.rater))
                #expect(list.status == .ok && list.text.contains(#""code":"ENC-09""#))
                #expect(try await client.execute(uri: "/api/v1/campaigns/NOPE", method: .get, headers: app.api(.viewer)).status == .notFound)
                #expect(
                    try await client.execute(uri: "/api/v1/campaigns/ENC-09?format=xml", method: .get, headers: app.api(.viewer)).status
                        == .badRequest
                )

                let closed = try await client.execute(uri: "/api/v1/campaigns/ENC-09/close", method: .post, headers: app.api(.manager))
                #expect(closed.status == .ok && closed.text.contains(#""state":"closed""#) && closed.text.contains(#""invitations":null"#))
                let again = try await client.execute(uri: "/api/v1/campaigns/ENC-09/close", method: .post, headers: app.api(.manager))
                #expect(again.status == .unprocessableContent && again.text.contains("invalid_state"))
            }
        }
    }

    @Test(arguments: TestDatabase.available)
    func aManagerImportsAnswersFromTheCampaignPage(database: TestDatabase) async throws {
        try await TestApp.withApp(database) { app in
            try await app.store.seedSignedAgreement()
            let manager = Fixtures.signer("gestora", unit: "TI")
            var draft = CampaignDraft(
                code: "ENC-09",
                title: "Percepción de septiembre",
                period: Period("2026-09")!,
                unit: "TI",
                opensOn: Fixtures.today,
                closesOn: LocalDate("2026-09-30")!
            )
            draft.questionnaire = Questionnaire(attributes: [SurveyAttribute(key: "quality", label: Bilingual(es: "Calidad", en: "Quality"))])
            _ = try await app.store.campaigns.create(draft, by: manager, at: Fixtures.now)
            try await app.test { client in
                let draftPage = try await client.execute(uri: "/campaigns/ENC-09", method: .get, headers: app.browser(.manager))
                #expect(!draftPage.text.contains("/campaigns/ENC-09/import"), "a draft takes no answers")
                _ = try await app.store.campaigns.open("ENC-09", by: manager, at: Fixtures.now)
                let page = try await client.execute(uri: "/campaigns/ENC-09", method: .get, headers: app.browser(.manager))
                #expect(page.text.contains(#"href="/campaigns/ENC-09/import""#) && page.text.contains(#"href="/campaigns/ENC-09/results.csv""#))
                let viewerPage = try await client.execute(uri: "/campaigns/ENC-09", method: .get, headers: app.browser(.viewer))
                #expect(!viewerPage.text.contains("/campaigns/ENC-09/import") && viewerPage.text.contains("/campaigns/ENC-09/results.csv"))

                let form = try await client.execute(uri: "/campaigns/ENC-09/import", method: .get, headers: app.browser(.manager))
                #expect(form.status == .ok && form.text.contains("external_ref,agreement,period,quality,recommend,comment,answered_on"))

                let bad = try await client.execute(
                    uri: "/campaigns/ENC-09/import",
                    method: .post,
                    headers: app.browser(.manager, form: true),
                    body: app.form(["csv": "external_ref,agreement,period,quality,recommend\nP-1,TI-CRED,2026-09,6,9\n"])
                )
                #expect(bad.status == .unprocessableContent && bad.text.contains(#"<td class="code">quality</td>"#), "the bad cell is named")
                #expect(bad.text.contains("P-1,TI-CRED,2026-09,6,9"), "what was sent stays in the form")
                #expect(try await app.store.database.count("SELECT COUNT(*) FROM survey_answers", as: Int.self) == 0)

                let good = try await client.execute(
                    uri: "/campaigns/ENC-09/import",
                    method: .post,
                    headers: app.browser(.manager, form: true),
                    body: app.form(["csv": Self.answers])
                )
                #expect(good.status == .ok && good.text.contains("Respuestas nuevas"))
                #expect(try await app.store.database.count("SELECT COUNT(*) FROM survey_answers", as: Int.self) == 2)
                let results = try await client.execute(uri: "/campaigns/ENC-09", method: .get, headers: app.browser(.viewer))
                #expect(results.text.contains("0 / 1") && results.text.contains("+ 2 importadas"))
                let csv = try await client.execute(uri: "/campaigns/ENC-09/results.csv", method: .get, headers: app.browser(.viewer))
                #expect(csv.headers[.contentDisposition] == #"attachment; filename="ENC-09-results.csv""#)
                #expect(csv.text.contains("campaign,,,,1,2,2,0.0,below_k"))
            }
        }
    }
}
