import Foundation
import Hummingbird
import HummingbirdTesting
import PactaCore
import PactaStore
import PactaTestSupport
import Testing

@testable import PactaWeb

/// `/api/v1/requests`: requests pushed as JSON or CSV.
@Suite struct RequestsAPITests {
    @Test(arguments: TestDatabase.available)
    func requestsArriveAsJSONOrCSV(database: TestDatabase) async throws {
        try await TestApp.withApp(database) { app in
            try await app.test { client in
                let one =
                    #"{"external_ref": "INC-1", "provider": "TI", "client": "CRED", "service": "Correo", "priority": "P1", "opened_at": "2026-10-05T09:15:00-05:00"}"#
                var response = try await client.execute(uri: "/api/v1/requests", method: .post, headers: app.api(.manager), body: TestApp.json(one))
                #expect(response.status == .ok)
                #expect(try response.decode(ImportReport.self).created == 1)
                response = try await client.execute(
                    uri: "/api/v1/requests",
                    method: .post,
                    headers: app.api(.manager),
                    body: TestApp.json("[\(one)]")
                )
                let again = try response.decode(ImportReport.self)
                #expect(again.updated == 0 && again.unchanged == 1)
                let answered = one.replacingOccurrences(of: #""priority": "P1""#, with: #""priority": "P2""#)
                response = try await client.execute(
                    uri: "/api/v1/requests",
                    method: .post,
                    headers: app.api(.manager),
                    body: TestApp.json("[\(answered)]")
                )
                #expect(try response.decode(ImportReport.self).updated == 1)

                let bad = one.replacingOccurrences(of: "2026-10-05T09:15:00-05:00", with: "ayer")
                response = try await client.execute(
                    uri: "/api/v1/requests",
                    method: .post,
                    headers: app.api(.manager),
                    body: TestApp.json("[\(one), \(bad)]")
                )
                #expect(response.status == .unprocessableContent)
                let problems = try response.decode(ImportReport.self).problems
                #expect(problems.map(\.line) == [2] && problems.map(\.column) == ["opened_at"])

                response = try await client.execute(
                    uri: "/api/v1/requests",
                    method: .post,
                    headers: app.api(.manager),
                    body: TestApp.json(#"{"external_ref": 5}"#)
                )
                #expect(response.status == .badRequest)
                #expect(try response.apiError().field == "external_ref")

                var headers = app.api(.manager, json: false)
                headers[.contentType] = "text/csv; charset=utf-8"
                let csv = "external_ref,provider,client,service,priority,opened_at\nINC-2,TI,CRED,VPN,P2,2026-10-06T08:00:00-05:00\n"
                response = try await client.execute(uri: "/api/v1/requests", method: .post, headers: headers, body: ByteBuffer(string: csv))
                #expect(response.status == .ok)
                #expect(try response.decode(ImportReport.self).created == 1)
                #expect(try await app.store.requests.counts().total == 2)
            }
        }
    }
}
