import Foundation
import Hummingbird
import HummingbirdTesting
import PactaApp
import PactaCore
import PactaStore
import PactaTestSupport
import PactaWeb
import Testing

@Suite struct APITests {
    static let agreement = """
        {"code": "TI-CRED", "title": "Soporte a Crédito", "provider": "TI", "client": "CRED",
         "valid_from": "2026-01-01", "valid_to": "2026-12-31",
         "commitments": [{"name": "Críticos en 8 h", "metric": "resolution_within", "target": 28800, "goal": 0.95,
                          "calendar": "oficina-uio", "priorities": ["P1"]}]}
        """

    /// Creates TI-CRED over the API, sends it for signature and has both sides sign it.
    static func activate(_ client: some TestClientProtocol, _ app: TestApp) async throws -> TestResponse {
        _ = try await client.execute(uri: "/api/v1/agreements", method: .post, headers: app.api(.manager), body: TestApp.json(Self.agreement))
        var response = try await client.execute(uri: "/api/v1/agreements/TI-CRED/submit", method: .post, headers: app.api(.manager))
        for role in [Role.manager, .rater] {
            response = try await Self.sign(client, app, as: role, shown: response)
        }
        return response
    }

    /// Signs as `role` the version and hash of the agreement in `shown`, as the API returned it.
    static func sign(
        _ client: some TestClientProtocol,
        _ app: TestApp,
        as role: Role,
        shown: TestResponse,
        code: String = "TI-CRED"
    ) async throws -> TestResponse {
        let body = #"{"version": \#(shown.json["version"] as? Int ?? 0), "sha256": "\#(shown.json["sha256"] as? String ?? "")"}"#
        return try await client.execute(uri: "/api/v1/agreements/\(code)/signatures", method: .post, headers: app.api(role), body: TestApp.json(body))
    }

    @Test(arguments: TestDatabase.available)
    func agreementLifecycleOverJSON(database: TestDatabase) async throws {
        try await TestApp.withApp(database) { app in
            try await app.test { client in
                var response = try await client.execute(
                    uri: "/api/v1/agreements",
                    method: .post,
                    headers: app.api(.manager),
                    body: TestApp.json(Self.agreement)
                )
                #expect(response.status == .created)
                #expect(response.json["state"] as? String == "draft")
                #expect((response.json["commitments"] as? [[String: Any]])?.first?["key"] as? String == "C1")

                let pending = try await client.execute(uri: "/api/v1/agreements/TI-CRED/submit", method: .post, headers: app.api(.manager))
                #expect(pending.json["state"] as? String == "pending_signatures")
                // A signature must say which version and hash it signs.
                response = try await client.execute(uri: "/api/v1/agreements/TI-CRED/signatures", method: .post, headers: app.api(.manager))
                #expect(response.status == .badRequest)
                // The manager belongs to TI (provider), the rater to CRED (client), the admin to neither.
                response = try await Self.sign(client, app, as: .admin, shown: pending)
                #expect(response.status == .forbidden)
                #expect((response.json["error"] as? [String: Any])?["code"] as? String == "not_a_party")
                response = try await Self.sign(client, app, as: .manager, shown: pending)
                #expect(response.status == .created)
                response = try await Self.sign(client, app, as: .manager, shown: pending)
                #expect(response.status == .conflict)
                response = try await Self.sign(client, app, as: .rater, shown: pending)
                #expect(response.json["state"] as? String == "active")
                let signatures = try #require(response.json["signatures"] as? [[String: Any]])
                #expect(signatures.count == 2)
                #expect(signatures.allSatisfy { $0["sha256"] as? String == response.json["sha256"] as? String })

                response = try await client.execute(uri: "/api/v1/published", method: .get, headers: app.api(.viewer))
                #expect((response.json["items"] as? [[String: Any]])?.map { $0["code"] as? String } == ["TI-CRED"])

                let revised = Self.agreement.replacingOccurrences(of: "0.95", with: "0.9")
                response = try await client.execute(
                    uri: "/api/v1/agreements/TI-CRED",
                    method: .put,
                    headers: app.api(.manager),
                    body: TestApp.json(revised)
                )
                #expect(response.json["version"] as? Int == 2)
                #expect(response.json["state"] as? String == "pending_signatures")
                response = try await client.execute(uri: "/api/v1/agreements/TI-CRED/versions/1", method: .get, headers: app.api(.viewer))
                #expect(((response.json["terms"] as? [String: Any])?["commitments"] as? [[String: Any]])?.first?["goal"] as? Double == 0.95)
                #expect(Hashing.sha256Hex(response.body.readableBytesView) == signatures.first?["sha256"] as? String, "the bytes signed")

                response = try await client.execute(uri: "/api/v1/verify", method: .get, headers: app.api(.viewer))
                #expect(response.json["checked_signatures"] as? Int == 2)
                #expect((response.json["issues"] as? [Any])?.isEmpty == true)
            }
        }
    }

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
                    ("/api/v1/agreements", .post, Self.agreement.replacingOccurrences(of: "2026-12-31", with: "2026-02-30"), .badRequest, "valid_to"),
                    (
                        "/api/v1/agreements", .post, Self.agreement.replacingOccurrences(of: "\"CRED\"", with: "\"NOPE\""), .unprocessableContent,
                        "client"
                    ),
                    (
                        "/api/v1/agreements", .post, Self.agreement.replacingOccurrences(of: "0.95", with: "95"), .unprocessableContent,
                        "commitments[0].goal"
                    ),
                    (
                        "/api/v1/agreements", .post, Self.agreement.replacingOccurrences(of: "resolution_within", with: "speed"), .badRequest,
                        "commitments[0].metric"
                    ),
                    ("/api/v1/agreements/NOPE/submit", .post, "", .notFound, nil),
                    ("/api/v1/agreements?state=sleeping", .get, "", .badRequest, "state"),
                ]
                for (path, method, body, status, field) in cases {
                    let response = try await client.execute(uri: path, method: method, headers: app.api(.admin), body: TestApp.json(body))
                    #expect(response.status == status, "\(method) \(path) \(body)")
                    let error = response.json["error"] as? [String: Any]
                    #expect(error?["message"] as? String != nil, "\(path): \(response.text)")
                    if let field { #expect(error?["field"] as? String == field, "\(path): \(response.text)") }
                }
                let units = try await client.execute(uri: "/api/v1/units", method: .get, headers: app.api(.viewer))
                #expect((units.json["items"] as? [Any])?.count == 3)
            }
        }
    }

    @Test(arguments: TestDatabase.available)
    func unitImportIsAllOrNothingWithEveryBadRowReported(database: TestDatabase) async throws {
        try await TestApp.withApp(database) { app in
            try await app.test { client in
                let csv = "name,code,parent,extra\nOperaciones,OPS,TI,x\nMala,a b,TI,\nHuérfana,ORF,NOPE,\n\"Call, center\",CALL,OPS,\n"
                var headers = app.api(.manager, json: false)
                headers[.contentType] = "text/csv"
                var response = try await client.execute(uri: "/api/v1/units/import", method: .post, headers: headers, body: ByteBuffer(string: csv))
                #expect(response.status == .unprocessableContent)
                let problems = try #require(response.json["problems"] as? [[String: Any]])
                #expect(problems.map { $0["line"] as? Int } == [3, 4])
                #expect(problems.map { $0["column"] as? String } == ["code", "parent"])
                #expect(try await app.store.units.get("OPS") == nil)

                response = try await client.execute(
                    uri: "/api/v1/units/import?skip_invalid=true",
                    method: .post,
                    headers: headers,
                    body: ByteBuffer(string: csv)
                )
                #expect(response.status == .ok)
                #expect(response.json["created"] as? Int == 2)
                #expect(response.json["skipped"] as? Int == 2)
                #expect(try await app.store.units.get("CALL") == OrgUnit(code: "CALL", name: "Call, center", parent: "OPS"))
            }
        }
    }

    @Test(arguments: TestDatabase.available)
    func revokedAndUnknownTokensAreRefused(database: TestDatabase) async throws {
        try await TestApp.withApp(database) { app in
            try await app.test { client in
                var headers = app.api(nil)
                headers[.authorization] = "Bearer pacta_nonsense"
                let response = try await client.execute(uri: "/api/v1/units", method: .get, headers: headers)
                #expect(response.status == .unauthorized)
                #expect((response.json["error"] as? [String: Any])?["code"] as? String == "invalid_token")
                let created = try await client.execute(
                    uri: "/api/v1/tokens",
                    method: .post,
                    headers: app.api(.admin),
                    body: TestApp.json(#"{"name": "GLPI", "username": "clienta"}"#)
                )
                #expect(created.status == .created)
                let secret = try #require(created.json["secret"] as? String)
                let id = try #require((created.json["token"] as? [String: Any])?["id"] as? Int)
                headers[.authorization] = "Bearer \(secret)"
                #expect(try await client.execute(uri: "/api/v1/me", method: .get, headers: headers).json["username"] as? String == "clienta")
                #expect(try await client.execute(uri: "/api/v1/tokens/\(id)", method: .delete, headers: app.api(.admin)).status == .noContent)
                #expect(try await client.execute(uri: "/api/v1/me", method: .get, headers: headers).status == .unauthorized)
            }
        }
    }

    @Test(arguments: TestDatabase.available)
    func usersChangeRoleAndPasswordButTheLastAdminStays(database: TestDatabase) async throws {
        try await TestApp.withApp(database) { app in
            try await app.test { client in
                let users = try await app.store.users.list()
                let root = try #require(users.first { $0.role == .admin })
                let viewer = try #require(users.first { $0.role == .viewer })
                var response = try await client.execute(
                    uri: "/api/v1/users/\(root.id)",
                    method: .put,
                    headers: app.api(.admin),
                    body: TestApp.json(#"{"role": "viewer", "unit": "GG", "active": true}"#)
                )
                #expect(response.status == .unprocessableContent)
                #expect((response.json["error"] as? [String: Any])?["code"] as? String == "last_admin")
                response = try await client.execute(
                    uri: "/api/v1/users/\(viewer.id)",
                    method: .put,
                    headers: app.api(.admin),
                    body: TestApp.json(#"{"role": "manager", "unit": "TI", "active": true, "password": "una-clave-nueva"}"#)
                )
                #expect(response.status == .ok)
                #expect(response.json["role"] as? String == "manager")
                let user = try await Accounts(store: app.store).authenticate(username: viewer.username, password: "una-clave-nueva")
                #expect(user?.unit == "TI")
                response = try await client.execute(
                    uri: "/users/\(viewer.id)",
                    method: .post,
                    headers: app.browser(.admin, form: true),
                    body: app.form(["role": "viewer", "unit": "GG"])
                )
                #expect(response.status == .seeOther)
                #expect(try await app.store.users.get(id: viewer.id)?.active == false, "an unticked box blocks the user")
                #expect(try await Accounts(store: app.store).authenticate(username: viewer.username, password: "una-clave-nueva") == nil)
            }
        }
    }

    @Test(arguments: TestDatabase.available)
    func requestsArriveAsJSONOrCSV(database: TestDatabase) async throws {
        try await TestApp.withApp(database) { app in
            try await app.test { client in
                let one =
                    #"{"external_ref": "INC-1", "provider": "TI", "client": "CRED", "service": "Correo", "priority": "P1", "opened_at": "2026-10-05T09:15:00-05:00"}"#
                var response = try await client.execute(uri: "/api/v1/requests", method: .post, headers: app.api(.manager), body: TestApp.json(one))
                #expect(response.status == .ok)
                #expect(response.json["created"] as? Int == 1)
                response = try await client.execute(
                    uri: "/api/v1/requests",
                    method: .post,
                    headers: app.api(.manager),
                    body: TestApp.json("[\(one)]")
                )
                #expect(response.json["updated"] as? Int == 0 && response.json["unchanged"] as? Int == 1)
                let answered = one.replacingOccurrences(of: #""priority": "P1""#, with: #""priority": "P2""#)
                response = try await client.execute(
                    uri: "/api/v1/requests",
                    method: .post,
                    headers: app.api(.manager),
                    body: TestApp.json("[\(answered)]")
                )
                #expect(response.json["updated"] as? Int == 1)

                let bad = one.replacingOccurrences(of: "2026-10-05T09:15:00-05:00", with: "ayer")
                response = try await client.execute(
                    uri: "/api/v1/requests",
                    method: .post,
                    headers: app.api(.manager),
                    body: TestApp.json("[\(one), \(bad)]")
                )
                #expect(response.status == .unprocessableContent)
                let problems = try #require(response.json["problems"] as? [[String: Any]])
                #expect(problems.map { $0["line"] as? Int } == [2] && problems.map { $0["column"] as? String } == ["opened_at"])

                response = try await client.execute(
                    uri: "/api/v1/requests",
                    method: .post,
                    headers: app.api(.manager),
                    body: TestApp.json(#"{"external_ref": 5}"#)
                )
                #expect(response.status == .badRequest)
                #expect((response.json["error"] as? [String: Any])?["field"] as? String == "external_ref")

                var headers = app.api(.manager, json: false)
                headers[.contentType] = "text/csv; charset=utf-8"
                let csv = "external_ref,provider,client,service,priority,opened_at\nINC-2,TI,CRED,VPN,P2,2026-10-06T08:00:00-05:00\n"
                response = try await client.execute(uri: "/api/v1/requests", method: .post, headers: headers, body: ByteBuffer(string: csv))
                #expect(response.status == .ok && response.json["created"] as? Int == 1)
                #expect(try await app.store.requests.counts().total == 2)
            }
        }
    }

    @Test(arguments: TestDatabase.available)
    func indicatorsOfAPeriodAsJSONAndCSV(database: TestDatabase) async throws {
        try await TestApp.withApp(database) { app in
            try await app.test { client in
                var response = try await Self.activate(client, app)
                #expect(response.json["state"] as? String == "active")
                let requests = """
                    [{"external_ref": "A", "provider": "TI", "client": "CRED", "service": "Correo", "priority": "P1",
                      "opened_at": "2026-10-05T09:00:00-05:00", "resolved_at": "2026-10-05T10:00:00-05:00"},
                     {"external_ref": "B", "provider": "TI", "client": "CRED", "service": "Correo", "priority": "P1",
                      "opened_at": "2026-10-06T09:00:00-05:00"}]
                    """
                response = try await client.execute(uri: "/api/v1/requests", method: .post, headers: app.api(.manager), body: TestApp.json(requests))
                #expect(response.json["created"] as? Int == 2)

                let at = "at=2026-11-01T00:00:00-05:00"
                response = try await client.execute(
                    uri: "/api/v1/agreements/TI-CRED/indicators?period=2026-10&\(at)",
                    method: .get,
                    headers: app.api(.viewer)
                )
                #expect(response.status == .ok)
                let measurement = try #require((response.json["measurements"] as? [[String: Any]])?.first)
                #expect(measurement["met"] as? Int == 1 && measurement["missed"] as? Int == 1)
                #expect(measurement["value"] as? Double == 0.5 && measurement["status"] as? String == "not_met")

                response = try await client.execute(
                    uri: "/api/v1/agreements/TI-CRED/indicators/requests?period=2026-10&format=csv&\(at)",
                    method: .get,
                    headers: app.api(.viewer)
                )
                #expect(response.headers[.contentType]?.hasPrefix("text/csv") == true)
                // B: Tuesday 6 from 09:00 (7.5 h) and 18 more working days of 8 h until November.
                #expect(
                    response.text
                        == "external_ref,commitment,priority,opened_at,business_seconds,outcome\r\nA,C1,P1,2026-10-05T14:00:00Z,3600,met\r\nB,C1,P1,2026-10-06T14:00:00Z,545400,missed\r\n"
                )

                response = try await client.execute(
                    uri: "/api/v1/agreements/TI-CRED/indicators?period=octubre",
                    method: .get,
                    headers: app.api(.viewer)
                )
                #expect(response.status == .badRequest)
                #expect((response.json["error"] as? [String: Any])?["field"] as? String == "period")

                response = try await client.execute(uri: "/agreements/TI-CRED/indicators?period=2026-10", method: .get, headers: app.browser(.viewer))
                #expect(response.status == .ok && response.text.contains("C1"))
                #expect(!response.text.contains("&amp;page=2"), "one page")
            }
        }
    }

    @Test(arguments: TestDatabase.available)
    func theAuditTrailComesAPageAtATime(database: TestDatabase) async throws {
        try await TestApp.withApp(database) { app in
            try await app.test { client in
                _ = try await Self.activate(client, app)
                let rows = (1...201).map { "R\($0),TI,CRED,Correo,P1,2026-10-05T09:00:00-05:00,,2026-10-05T10:00:00-05:00,\n" }.joined()
                var headers = app.api(.manager)
                headers[.contentType] = "text/csv"
                var response = try await client.execute(
                    uri: "/api/v1/requests",
                    method: .post,
                    headers: headers,
                    body: ByteBuffer(string: "external_ref,provider,client,service,priority,opened_at,first_response_at,resolved_at,pauses\n" + rows)
                )
                #expect(response.json["created"] as? Int == 201)
                response = try await client.execute(uri: "/agreements/TI-CRED/indicators?period=2026-10", method: .get, headers: app.browser(.viewer))
                #expect(response.text.contains("1–200") && response.text.contains("/agreements/TI-CRED/indicators?period=2026-10&amp;page=2"))
                #expect(!response.text.contains(#"page=0"#) && !response.text.contains(#"&amp;page=1" rel="prev""#))
                response = try await client.execute(
                    uri: "/agreements/TI-CRED/indicators?period=2026-10&page=2",
                    method: .get,
                    headers: app.browser(.viewer)
                )
                #expect(response.text.contains("201–201") && response.text.contains(#"&amp;page=1" rel="prev""#))
                #expect(!response.text.contains(#"&amp;page=3""#))
                #expect(response.text.components(separatedBy: "<tr>").count - 1 == 1 + 1 + 1 + 1, "header rows, C1 and one audit line")
                response = try await client.execute(
                    uri: "/agreements/TI-CRED/indicators?period=2026-10&page=99",
                    method: .get,
                    headers: app.browser(.viewer)
                )
                #expect(response.status == .ok && response.text.contains("201–201"), "past the end: the last page")
            }
        }
    }

    @Test(arguments: TestDatabase.available)
    func warningsListOpenRequestsPastTheThreshold(database: TestDatabase) async throws {
        try await TestApp.withApp(database) { app in
            try await app.test { client in
                _ = try await Self.activate(client, app)
                // "Now" is Monday 2026-09-21 09:13 in Guayaquil; the target is 8 business hours.
                let requests = """
                    [{"external_ref": "OLD", "provider": "TI", "client": "CRED", "service": "Correo", "priority": "P1", "opened_at": "2026-09-16T09:00:00-05:00"},
                     {"external_ref": "NEW", "provider": "TI", "client": "CRED", "service": "Correo", "priority": "P1", "opened_at": "2026-09-21T08:30:00-05:00"},
                     {"external_ref": "DONE", "provider": "TI", "client": "CRED", "service": "Correo", "priority": "P1",
                      "opened_at": "2026-09-16T09:00:00-05:00", "resolved_at": "2026-09-16T10:00:00-05:00"}]
                    """
                _ = try await client.execute(uri: "/api/v1/requests", method: .post, headers: app.api(.manager), body: TestApp.json(requests))
                var response = try await client.execute(uri: "/api/v1/warnings", method: .get, headers: app.api(.viewer))
                let items = try #require(response.json["items"] as? [[String: Any]])
                #expect(items.map { $0["external_ref"] as? String } == ["OLD"])
                #expect(items.first?["breached"] as? Bool == true)
                // 7 h 30 on Wednesday, the last half hour on Thursday from 08:30.
                #expect(items.first?["due_at"] as? String == "2026-09-17T14:00:00Z")
                // The request itself: its agreement and what it counts as, now or at another instant.
                response = try await client.execute(uri: "/api/v1/requests/TI/OLD", method: .get, headers: app.api(.viewer))
                #expect(response.status == .ok && response.json["agreement"] as? String == "TI-CRED")
                let evaluations = try #require(response.json["commitments"] as? [[String: Any]])
                #expect(evaluations.map { $0["commitment"] as? String } == ["C1"])
                #expect(evaluations.first?["outcome"] as? String == "missed" && evaluations.first?["due_at"] as? String == "2026-09-17T14:00:00Z")
                response = try await client.execute(
                    uri: "/api/v1/requests/TI/OLD?at=2026-09-16T10:00:00-05:00",
                    method: .get,
                    headers: app.api(.viewer)
                )
                #expect((response.json["commitments"] as? [[String: Any]])?.first?["business_seconds"] as? Int == 3600)
                #expect((response.json["commitments"] as? [[String: Any]])?.first?["outcome"] as? String == "pending")
                response = try await client.execute(uri: "/api/v1/requests/TI/OLD?at=ayer", method: .get, headers: app.api(.viewer))
                #expect(response.status == .badRequest && (response.json["error"] as? [String: Any])?["field"] as? String == "at")
                response = try await client.execute(uri: "/api/v1/requests/TI/NADA", method: .get, headers: app.api(.viewer))
                #expect(response.status == .notFound)
                // References hold anything a ticket tool puts in them: links encode them, routes decode them.
                let odd =
                    #"{"external_ref": "A/B 1%ñ?", "provider": "TI", "client": "CRED", "service": "Correo", "priority": "P3", "opened_at": "2026-09-16T09:00:00-05:00"}"#
                _ = try await client.execute(uri: "/api/v1/requests", method: .post, headers: app.api(.manager), body: TestApp.json(odd))
                response = try await client.execute(
                    uri: "/requests/lookup?provider=TI&ref=A%2FB+1%25%C3%B1%3F",
                    method: .get,
                    headers: app.browser(.viewer)
                )
                let location = try #require(response.headers[.location])
                #expect(location == "/requests/TI/A%2FB%201%25%C3%B1%3F")
                response = try await client.execute(uri: location, method: .get, headers: app.browser(.viewer))
                #expect(response.status == .ok && response.text.contains("A/B 1%ñ?"))
                #expect(response.text.contains("TI-CRED"), "matched to the agreement")
                response = try await client.execute(uri: "/api/v1" + location, method: .get, headers: app.api(.viewer))
                #expect(response.json["external_ref"] as? String == "A/B 1%ñ?")
                #expect((response.json["commitments"] as? [Any])?.isEmpty == true, "C1 applies to P1 only")
                // A request no agreement covers says so.
                let loose =
                    #"{"external_ref": "SUELTA", "provider": "TI", "client": "GG", "service": "Correo", "priority": "P1", "opened_at": "2026-09-16T09:00:00-05:00"}"#
                _ = try await client.execute(uri: "/api/v1/requests", method: .post, headers: app.api(.manager), body: TestApp.json(loose))
                response = try await client.execute(uri: "/requests/TI/SUELTA", method: .get, headers: app.browser(.viewer))
                #expect(response.status == .ok && response.text.contains("Ninguno") && !response.text.contains(#"href="""#))
                response = try await client.execute(uri: "/requests/lookup?provider=TI&ref=+OLD+", method: .get, headers: app.browser(.viewer))
                #expect(response.status == .seeOther && response.headers[.location] == "/requests/TI/OLD")
                response = try await client.execute(uri: "/requests/TI/OLD", method: .get, headers: app.browser(.viewer))
                #expect(response.status == .ok && response.text.contains("TI-CRED") && response.text.contains("2026-09-17 09:00"))

                response = try await client.execute(uri: "/api/v1/warnings?unit=GG", method: .get, headers: app.api(.viewer))
                #expect((response.json["items"] as? [Any])?.isEmpty == true)
                response = try await client.execute(uri: "/warnings?unit=TI", method: .get, headers: app.browser(.viewer))
                #expect(response.status == .ok && response.text.contains("OLD"))
            }
        }
    }

    @Test(arguments: TestDatabase.available)
    func manualCommitmentsTakeAValueWithEvidence(database: TestDatabase) async throws {
        try await TestApp.withApp(database) { app in
            try await app.test { client in
                let agreement = Self.agreement.replacingOccurrences(
                    of: #""commitments": ["#,
                    with:
                        #""commitments": [{"key": "M1", "name": "Cierre contable a tiempo", "metric": "manual", "target": 5, "direction": "at_most"}, "#
                )
                var response = try await client.execute(
                    uri: "/api/v1/agreements",
                    method: .post,
                    headers: app.api(.manager),
                    body: TestApp.json(agreement)
                )
                #expect(response.status == .created)
                let path = "/api/v1/agreements/TI-CRED/indicators/manual"
                response = try await client.execute(
                    uri: path,
                    method: .put,
                    headers: app.api(.manager),
                    body: TestApp.json(#"{"commitment": "M1", "period": "2026-10", "value": 4, "evidence": ""}"#)
                )
                #expect(response.status == .unprocessableContent)
                response = try await client.execute(
                    uri: path,
                    method: .put,
                    headers: app.api(.manager),
                    body: TestApp.json(#"{"commitment": "C9", "period": "2026-10", "value": 4, "evidence": "x"}"#)
                )
                #expect((response.json["error"] as? [String: Any])?["code"] as? String == "unknown_commitment")
                // The second commitment got the key C2 by position; it is measured from requests.
                response = try await client.execute(
                    uri: path,
                    method: .put,
                    headers: app.api(.manager),
                    body: TestApp.json(#"{"commitment": "C2", "period": "2026-10", "value": 4, "evidence": "x"}"#)
                )
                #expect((response.json["error"] as? [String: Any])?["code"] as? String == "not_manual")
                response = try await client.execute(
                    uri: path,
                    method: .put,
                    headers: app.api(.manager),
                    body: TestApp.json(#"{"commitment": "M1", "period": "2026-10", "value": 4, "evidence": "Acta de cierre 10/2026"}"#)
                )
                #expect(response.status == .ok)
                var manual = (response.json["measurements"] as? [[String: Any]])?.first { $0["commitment"] as? String == "M1" }
                #expect(manual?["value"] as? Double == 4 && manual?["status"] as? String == "met")
                response = try await client.execute(
                    uri: path,
                    method: .put,
                    headers: app.api(.manager),
                    body: TestApp.json(#"{"commitment": "M1", "period": "2026-10", "value": 7.5, "evidence": "Acta corregida"}"#)
                )
                manual = (response.json["measurements"] as? [[String: Any]])?.first { $0["commitment"] as? String == "M1" }
                #expect(manual?["value"] as? Double == 7.5 && manual?["status"] as? String == "not_met")
                response = try await client.execute(
                    uri: "/api/v1/agreements/TI-CRED/indicators?period=2026-11",
                    method: .get,
                    headers: app.api(.viewer)
                )
                manual = (response.json["measurements"] as? [[String: Any]])?.first { $0["commitment"] as? String == "M1" }
                #expect(manual?["status"] as? String == "no_data", "another period has no value yet")
            }
        }
    }
}
