import Foundation
import Hummingbird
import HummingbirdTesting
import PactaCore
import PactaStore
import PactaTestSupport
import Testing

@testable import PactaWeb

/// Bad input to the units, calendars and agreements APIs: a 4xx whose error names the field at fault.
@Suite struct APIBadInputTests {
    @Test(arguments: TestDatabase.available)
    func badInputGetsA4xxThatNamesTheField(database: TestDatabase) async throws {
        try await TestApp.withApp(database) { app in
            try await app.test { client in
                let cases: [(String, HTTPRequest.Method, String, HTTPResponse.Status, String?)] = [
                    ("/api/v1/units", .post, "not json", .badRequest, nil),
                    ("/api/v1/units", .post, #"{"name": "Sin código"}"#, .badRequest, "code"),
                    ("/api/v1/units", .post, #"{"code": "a b", "name": "X"}"#, .unprocessableContent, "code"),
                    ("/api/v1/units", .post, #"{"code": "TI", "name": "Otra"}"#, .unprocessableContent, "code"),
                    ("/api/v1/units", .post, #"{"code": "X", "name": 5}"#, .badRequest, "name"),
                    (
                        "/api/v1/calendars", .post, #"{"code": "c", "name": "C", "time_zone": "Mars/Base", "hours": {"monday": ["09:00-08:00"]}}"#,
                        .unprocessableContent, "time_zone"
                    ),
                    (
                        "/api/v1/calendars", .post, #"{"code": "c", "name": "C", "time_zone": "UTC", "hours": {"monday": ["9-17"]}}"#, .badRequest,
                        "hours.monday[0]"
                    ),
                    (
                        "/api/v1/agreements", .post, TestApp.agreement.replacingOccurrences(of: "2026-12-31", with: "2026-02-30"), .badRequest,
                        "valid_to"
                    ),
                    (
                        "/api/v1/agreements", .post, TestApp.agreement.replacingOccurrences(of: "\"CRED\"", with: "\"NOPE\""), .unprocessableContent,
                        "client"
                    ),
                    (
                        "/api/v1/agreements", .post, TestApp.agreement.replacingOccurrences(of: "0.95", with: "95"), .unprocessableContent,
                        "commitments[0].goal"
                    ),
                    (
                        "/api/v1/agreements", .post, TestApp.agreement.replacingOccurrences(of: "resolution_within", with: "speed"), .badRequest,
                        "commitments[0].metric"
                    ),
                    ("/api/v1/agreements/NOPE/submit", .post, "", .notFound, nil),
                    ("/api/v1/agreements?state=sleeping", .get, "", .badRequest, "state"),
                ]
                for (path, method, body, status, field) in cases {
                    let response = try await client.execute(uri: path, method: method, headers: app.api(.admin), body: TestApp.json(body))
                    #expect(response.status == status, "\(method) \(path) \(body)")
                    let error = try? response.apiError()
                    #expect(error?.message != nil, "\(path): \(response.text)")
                    if let field { #expect(error?.field == field, "\(path): \(response.text)") }
                }
                let units = try await client.execute(uri: "/api/v1/units", method: .get, headers: app.api(.viewer))
                #expect(try units.decode(Items<OrgUnit>.self).items.count == 3)
            }
        }
    }
}
