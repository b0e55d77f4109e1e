import Foundation
import Hummingbird
import HummingbirdTesting
import PactaCore
import PactaStore
import PactaTestSupport
import PactaWeb
import Testing

/// Closing the loop with a detractor, as its people do it: the customer complains on the rating
/// page, the supporting unit's manager finds the follow-up, calls and records it, and the
/// agreement's time-to-contact commitment counts it.
@Suite struct FollowUpWebTests {
    static func seed(_ app: TestApp) async throws {
        try await NPSAPITests.seedRegistry(app.store)
        try await app.store.seedSignedAgreement(Fixtures.termsWithFollowUps())
        let map = "unit,channel,transaction,client\nTI,branch,,CRED\n"
        #expect(try await app.store.nps.replaceSupportMap(bytes: Array(map.utf8), skipInvalid: false).committed)
    }

    @Test(arguments: TestDatabase.available)
    func aDetractorIsFollowedUpFromThePageToTheAgreementsFigure(database: TestDatabase) async throws {
        try await TestApp.withApp(database) { app in
            try await Self.seed(app)
            try await app.test { client in
                let (rated, _) = try await NPSWebTests.rate(
                    client,
                    touchpoint: "AG-001",
                    fields: ["score": "3", "transaction": "deposit", "comment": "Nadie me atendió en caja"]
                )
                #expect(rated.status == .created)
                // A passive's comment opens nothing.
                _ = try await NPSWebTests.rate(client, touchpoint: "AG-001", fields: ["score": "8", "transaction": "deposit", "comment": "Bien"])

                let listed = try await client.execute(uri: "/api/v1/nps/followups?status=open", method: .get, headers: app.api(.manager))
                #expect(listed.status == .ok)
                #expect(listed.json["total"] as? Int == 1)
                let item = try #require((listed.json["items"] as? [[String: Any]])?.first)
                let id = try #require(item["id"] as? Int)
                #expect(item["unit"] as? String == "TI" && item["client"] as? String == "CRED" && item["request_ref"] as? String == "NPS-\(id)")
                #expect(item["comment"] as? String == "Nadie me atendió en caja" && item["score"] as? Int == 3)

                // Management reads the list, the transaction type by its name; the CSV has the same rows.
                try await app.store.nps.save(TransactionType(code: "deposit", name: "Depósito en efectivo"), at: Fixtures.now)
                let page = try await client.execute(uri: "/nps/followups", method: .get, headers: app.browser(.viewer))
                #expect(page.status == .ok && page.text.contains("Nadie me atendió en caja") && page.text.contains("/nps/followups/\(id)"))
                #expect(page.text.contains("Depósito en efectivo"))
                #expect(
                    try await client.execute(uri: "/nps/followups/\(id)", method: .get, headers: app.browser(.viewer)).text.contains(
                        "Depósito en efectivo"
                    )
                )
                let csv = try await client.execute(uri: "/nps/followups.csv?status=open", method: .get, headers: app.browser(.viewer))
                #expect(csv.text.split(separator: "\r\n").count == 2 && csv.text.contains(",open,TI,CRED,,"))

                // The client unit's person reads it, without the form, and may not move it.
                let clientView = try await client.execute(uri: "/nps/followups/\(id)", method: .get, headers: app.browser(.rater))
                #expect(clientView.status == .ok && !clientView.text.contains(#"id="f-status""#))
                let refused = try await client.execute(
                    uri: "/api/v1/nps/followups/\(id)",
                    method: .post,
                    headers: app.api(.rater),
                    body: ByteBuffer(string: #"{"status": "closed"}"#)
                )
                #expect(refused.status == .forbidden)

                // The supporting unit's manager is told in the navigation; the client's person is not.
                let landing = try await client.execute(uri: "/nps", method: .get, headers: app.browser(.manager))
                #expect(
                    landing.text.contains(#"href="/nps/followups?status=open&amp;unit=TI""#)
                        && landing.text.contains(#"<span class="nav-count">1</span>"#)
                )
                let clientLanding = try await client.execute(uri: "/nps", method: .get, headers: app.browser(.rater))
                #expect(!clientLanding.text.contains("/nps/followups?status=open&amp;unit="))

                // The supporting unit's manager sees it pending against the agreement's 16 business hours.
                let before = try await client.execute(uri: "/nps/followups/\(id)", method: .get, headers: app.browser(.manager))
                #expect(before.status == .ok && before.text.contains(#"id="f-status""#) && before.text.contains("TI-CRED"))
                let pending = try await client.execute(uri: "/api/v1/nps/followups/\(id)", method: .get, headers: app.api(.manager))
                let evaluation = try #require((pending.json["evaluations"] as? [[String: Any]])?.first)
                #expect(evaluation["commitment"] as? String == "NPS" && evaluation["outcome"] as? String == "pending")
                #expect(evaluation["target_seconds"] as? Int == 16 * 3600)

                // An owner from another unit is refused, naming the field; nothing changes.
                let wrongOwner = try await client.execute(
                    uri: "/nps/followups/\(id)",
                    method: .post,
                    headers: app.browser(.manager, form: true),
                    body: app.form(["status": "contacted", "owner": "clienta", "note": "Llamé"])
                )
                #expect(wrongOwner.status == .unprocessableContent && wrongOwner.text.contains("e-owner"))
                #expect(try await app.store.followUps.get(Int64(id), visibleTo: Fixtures.system)?.notes.isEmpty == true)

                // Saving the form as it was says so, next to the note.
                let unchanged = try await client.execute(
                    uri: "/nps/followups/\(id)",
                    method: .post,
                    headers: app.browser(.manager, form: true),
                    body: app.form(["status": "open", "owner": "", "note": "  "])
                )
                #expect(unchanged.status == .unprocessableContent && unchanged.text.contains("No cambió nada"))

                let saved = try await client.execute(
                    uri: "/nps/followups/\(id)",
                    method: .post,
                    headers: app.browser(.manager, form: true),
                    body: app.form(["status": "contacted", "owner": "gestora", "note": "Llamé a la clienta; se disculpó la agencia."])
                )
                #expect(saved.status == .seeOther)
                let after = try await client.execute(uri: "/nps/followups/\(id)", method: .get, headers: app.browser(.manager))
                #expect(!after.text.contains(#"<span class="nav-count">"#), "nothing open any more")
                #expect(after.text.contains("Llamé a la clienta; se disculpó la agencia.") && after.text.contains("Gestora (gestora)"))

                // Contacted at once: met, in the request and in the agreement's figure.
                let met = try await client.execute(uri: "/api/v1/nps/followups/\(id)", method: .get, headers: app.api(.viewer))
                #expect((met.json["follow_up"] as? [String: Any])?["status"] as? String == "contacted")
                #expect((met.json["evaluations"] as? [[String: Any]])?.first?["outcome"] as? String == "met")
                #expect((met.json["notes"] as? [[String: Any]])?.first?["author"] as? String == "gestora")
                // The manager reading the agreement's requests finds the follow-up from its request.
                let asRequest = try await client.execute(uri: "/requests/TI/NPS-\(id)", method: .get, headers: app.browser(.viewer))
                #expect(asRequest.status == .ok && asRequest.text.contains(#"href="/nps/followups/\#(id)""#))
                let figures = try await app.store.hardIndicators(agreement: "TI-CRED", period: Period("2026-09")!, at: Fixtures.now)
                let contact = try #require(figures.measurements.first { $0.commitment == "NPS" })
                #expect((contact.met, contact.missed, contact.pending) == (1, 0, 0))

                // Closing through the API; an unknown status is named.
                let closed = try await client.execute(
                    uri: "/api/v1/nps/followups/\(id)",
                    method: .post,
                    headers: app.api(.manager),
                    body: ByteBuffer(string: #"{"status": "closed", "note": "Caso cerrado"}"#)
                )
                #expect(closed.status == .ok && closed.json["status"] as? String == "closed" && closed.json["closed_at"] is String)
                let invalid = try await client.execute(
                    uri: "/api/v1/nps/followups/\(id)",
                    method: .post,
                    headers: app.api(.manager),
                    body: ByteBuffer(string: #"{"status": "done"}"#)
                )
                #expect(invalid.status == .badRequest && invalid.text.contains("status"))
                let filtered = try await client.execute(uri: "/api/v1/nps/followups?status=nope", method: .get, headers: app.api(.manager))
                #expect(filtered.status == .badRequest)
            }
        }
    }
}
