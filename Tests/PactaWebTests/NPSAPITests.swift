import Foundation
import Hummingbird
import HummingbirdTesting
import PactaApp
import PactaCore
import PactaStore
import PactaTestSupport
import Testing

@testable import PactaWeb

/// `/api/v1/nps-responses` and `/api/v1/nps…`: answers in as they happen, NPS out as management reads it.
@Suite struct NPSAPITests {
    static func seedRegistry(_ store: Store) async throws {
        for touchpoint in [
            Touchpoint(code: "AG-001", channel: "branch", name: "Agencia Centro"), Touchpoint(code: "ATM-1", channel: "atm", name: "Cajero Mall"),
        ] {
            try await store.nps.save(touchpoint, at: Fixtures.now)
        }
        for code in ["deposit", "withdrawal"] { try await store.nps.save(TransactionType(code: code, name: code), at: Fixtures.now) }
    }

    static func answer(_ ref: String, score: Int, touchpoint: String = "AG-001", channel: String = "branch", comment: String = "") -> String {
        #"{"external_ref":"\#(ref)","answered_at":"2026-09-21T08:00:00-05:00","channel":"\#(channel)","touchpoint":"\#(touchpoint)","transaction":"deposit","score":\#(score),"comment":"\#(comment)"}"#
    }

    @Test(arguments: TestDatabase.available)
    func anAnswerPostedShowsInTheFiguresAtOnceAndARetryNeverDuplicates(database: TestDatabase) async throws {
        try await TestApp.withApp(database) { app in
            try await Self.seedRegistry(app.store)
            try await app.test { client in
                func post(_ body: String) async throws -> TestResponse {
                    try await client.execute(uri: "/api/v1/nps-responses", method: .post, headers: app.api(.manager), body: TestApp.json(body))
                }
                var response = try await post(Self.answer("A-1", score: 10, comment: "Excelente"))
                #expect(response.status == .created)
                #expect(String(buffer: response.body).contains(#""status":"created""#))
                #expect(try await post(Self.answer("A-1", score: 10, comment: "Excelente")).status == .ok, "a retry")
                response = try await post(Self.answer("A-1", score: 3, comment: "Lento"))
                #expect(response.status == .ok && String(buffer: response.body).contains(#""status":"updated""#))
                #expect(try await post(Self.answer("A-2", score: 8)).status == .created)

                // Read at once: one detractor (the correction) and one passive.
                response = try await client.execute(uri: "/api/v1/nps?period=2026-09&by=touchpoint", method: .get, headers: app.api(.viewer))
                #expect(response.status == .ok)
                let json = response.json
                let total = json["total"] as? [String: Any]
                #expect(total?["n"] as? Int == 2 && total?["detractors"] as? Int == 1 && total?["passives"] as? Int == 1)
                #expect(total?["nps"] as? Double == -50)
                let expectedMargin = try #require(NPSTally(passives: 1, detractors: 1).marginOfError)
                #expect(abs((total?["margin_of_error"] as? Double ?? 0) - expectedMargin) < 1e-9)
                #expect(total?["ranked"] as? Bool == false, "two answers are below the minimum of 30")
                #expect((json["items"] as? [[String: Any]])?.first?["key"] as? String == "AG-001")

                response = try await client.execute(
                    uri: "/api/v1/nps/comments?period=2026-09-21&kind=detractor",
                    method: .get,
                    headers: app.api(.rater)
                )
                #expect(((response.json["items"] as? [[String: Any]])?.map { $0["comment"] as? String }) == ["Lento"])
                response = try await client.execute(uri: "/api/v1/nps/trend?period=2026-W39&format=csv", method: .get, headers: app.api(.viewer))
                let lines = String(buffer: response.body).split(separator: "\r\n")
                #expect(lines.count == 13 && lines.last?.hasPrefix("2026-W39,2,0,1,1,-50.0000,") == true)
            }
        }
    }

    @Test(arguments: TestDatabase.available)
    func badAnswersSayWhatAndWhere(database: TestDatabase) async throws {
        try await TestApp.withApp(database) { app in
            try await Self.seedRegistry(app.store)
            try await app.test { client in
                func post(_ body: String, contentType: String = "application/json") async throws -> TestResponse {
                    var headers = app.api(.manager, json: false)
                    headers[.contentType] = contentType
                    return try await client.execute(uri: "/api/v1/nps-responses", method: .post, headers: headers, body: TestApp.json(body))
                }
                var response = try await post(Self.answer("B-1", score: 11))
                #expect(response.status == .unprocessableContent)
                #expect(try response.apiError().field == "score")
                response = try await post(Self.answer("B-2", score: 5, touchpoint: "AG-404"))
                #expect(response.status == .unprocessableContent)
                #expect(try response.apiError().code == "unknown_touchpoint")
                response = try await post(Self.answer("B-3", score: 5, touchpoint: "ATM-1"))
                #expect(try response.apiError().code == "channel_mismatch")
                response = try await post(#"{"external_ref":"B-4","scroe":5}"#)
                #expect(response.status == .unprocessableContent)
                #expect(try response.apiError().field == "scroe")
                response = try await post("{nope")
                #expect(response.status == .unprocessableContent)
                #expect(try response.apiError().code == "invalid_json")

                // Streams: every bad row reported, nothing written; with skip_invalid the good ones.
                let ndjson = [Self.answer("N-1", score: 9), Self.answer("N-2", score: 12), Self.answer("N-3", score: 1, touchpoint: "ATM-9")].joined(
                    separator: "\n"
                )
                response = try await post(ndjson, contentType: "application/x-ndjson")
                #expect(response.status == .unprocessableContent)
                #expect(try response.decode(ImportReport.self).problems.map { "\($0.line):\($0.column)" } == ["2:score", "3:touchpoint"])
                let csv = "external_ref,answered_at,channel,touchpoint,transaction,score\nC-1,2026-09-20 10:00,atm,ATM-1,withdrawal,6\n"
                response = try await post(csv, contentType: "text/csv")
                #expect(response.status == .ok)
                #expect(try response.decode(ImportReport.self).created == 1)
                response = try await client.execute(
                    uri: "/api/v1/nps-responses?skip_invalid=true",
                    method: .post,
                    headers: app.api(.manager),
                    body: TestApp.json("[\(Self.answer("J-1", score: 9)), {\"external_ref\": 3}]")
                )
                let report = try response.decode(ImportReport.self)
                #expect(report.committed && report.created == 1 && report.problems.map(\.line) == [2])
                #expect(try await app.store.nps.count() == 2)
            }
        }
    }

    @Test(arguments: TestDatabase.available)
    func theRegistryLoadsByCSVForAdministrators(database: TestDatabase) async throws {
        try await TestApp.withApp(database) { app in
            try await app.test { client in
                var headers = app.api(.admin, json: false)
                headers[.contentType] = "text/csv"
                var response = try await client.execute(
                    uri: "/api/v1/nps/touchpoints",
                    method: .post,
                    headers: headers,
                    body: TestApp.json("code,channel,name,region\nAG-1,branch,Agencia Uno,Sierra\nAG-2,branch,,Costa\n")
                )
                #expect(response.status == .unprocessableContent)
                #expect(try response.decode(ImportReport.self).problems.map { "\($0.line):\($0.column)" } == ["3:name"])
                response = try await client.execute(
                    uri: "/api/v1/nps/touchpoints",
                    method: .post,
                    headers: headers,
                    body: TestApp.json("code,channel,name,region\nAG-1,branch,Agencia Uno,Sierra\n")
                )
                #expect(response.status == .ok)
                response = try await client.execute(uri: "/api/v1/nps/touchpoints?q=uno", method: .get, headers: app.api(.viewer))
                #expect(response.json["total"] as? Int == 1)
            }
        }
    }
}
