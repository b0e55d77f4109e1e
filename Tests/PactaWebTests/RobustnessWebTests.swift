import Foundation
import Hummingbird
import HummingbirdTesting
import PactaCore
import PactaStore
import PactaTestSupport
import PactaWeb
import Testing

/// Every caller gets an answer: 503 with `Retry-After` while the database is away, 413 naming the
/// limit for bodies too large, 422 naming the field for unknown fields and bad bytes.
@Suite struct RobustnessWebTests {
    static let postgresURL = ProcessInfo.processInfo.environment["PACTA_TEST_POSTGRES_URL"]

    @Test(.enabled(if: Self.postgresURL != nil))
    func whileTheDatabaseIsAwayEveryCallerGets503WithRetryAfter() async throws {
        try await TestApp.withApp(.sqlite) { app in
            // The same server, on a PostgreSQL nothing listens for.
            let away = try await Store.open(
                url: "postgres://pacta@127.0.0.1:1/pacta?sslmode=disable",
                timeouts: .init(connect: .seconds(1)),
                logger: TestDatabase.logger
            )
            let services = {
                var services = app.services
                services.store = away
                return services
            }()
            try await away.withRunning { _ in
                try await Application(router: try buildRouter(services: services)).test(.router) { client in
                    var response = try await client.execute(uri: "/api/v1/agreements", method: .get, headers: app.api(.viewer))
                    #expect(response.status == .serviceUnavailable)
                    #expect(response.headers[.retryAfter] == "5")
                    #expect((response.json["error"] as? [String: Any])?["code"] as? String == "database_unavailable")
                    response = try await client.execute(uri: "/agreements", method: .get, headers: app.browser(.viewer))
                    #expect(response.status == .serviceUnavailable)
                    #expect(response.headers[.retryAfter] == "5")
                    #expect(response.text.contains("Servicio no disponible"))
                    // Alive, not ready.
                    response = try await client.execute(uri: "/health", method: .get)
                    #expect(response.status == .ok)
                    response = try await client.execute(uri: "/health/ready", method: .get)
                    #expect(response.status == .serviceUnavailable)
                }
            }
            try await app.test { client in
                let response = try await client.execute(uri: "/health/ready", method: .get)
                #expect(response.status == .ok)
                #expect(response.text.contains("\"ready\""))
            }
        }
    }

    /// `(path, method, body, field)`: each body names a field Pacta does not know.
    static let unknownFields: [(String, HTTPRequest.Method, String, String)] = [
        (
            "/api/v1/agreements", .post,
            #"{"code": "X", "title": "T", "provider": "TI", "client": "CRED", "valid_from": "2026-01-01", "valid_to": "2026-12-31", "commitments": [{"name": "C", "metric": "resolution_within", "target": 3600, "goal": 0.9, "calendar": "oficina-uio", "priority": ["P1"]}]}"#,
            "commitments[0].priority"
        ),
        (
            "/api/v1/calendars", .post,
            #"{"code": "c", "name": "C", "time_zone": "UTC", "hours": {"monday": ["09:00-17:00"], "tue": ["09:00-17:00"]}}"#, "hours.tue"
        ),
        ("/api/v1/units", .post, #"{"code": "NEW", "name": "Nueva", "parent": "TI", "manager": "ana"}"#, "manager"),
        (
            "/api/v1/requests", .post,
            #"[{"external_ref": "INC-1", "provider": "TI", "client": "CRED", "service": "S", "priority": "P1", "opened_at": "2026-10-05T09:00:00-05:00", "resolved": "x"}]"#,
            "[0].resolved"
        ),
    ]

    @Test(arguments: TestDatabase.available)
    func unknownFieldsAreRefusedByName(database: TestDatabase) async throws {
        try await TestApp.withApp(database) { app in
            try await app.test { client in
                for (path, method, body, field) in Self.unknownFields {
                    let response = try await client.execute(uri: path, method: method, headers: app.api(.admin), body: TestApp.json(body))
                    #expect(response.status == .unprocessableContent, "\(path)")
                    let error = response.json["error"] as? [String: Any]
                    #expect(error?["field"] as? String == field, "\(path): \(response.text)")
                    #expect(error?["code"] as? String == "unknown_field", "\(path)")
                }
                // `null` is as good as absent.
                let response = try await client.execute(
                    uri: "/api/v1/units",
                    method: .post,
                    headers: app.api(.admin),
                    body: TestApp.json(#"{"code": "NUEVA", "name": "Nueva", "parent": null}"#)
                )
                #expect(response.status == .created, "\(response.text)")
            }
            #expect(try await app.store.units.list().count == 4)
        }
    }

    @Test(arguments: TestDatabase.available)
    func nulCharactersAreRefusedByFieldEverywhere(database: TestDatabase) async throws {
        try await TestApp.withApp(database) { app in
            try await app.test { client in
                var response = try await client.execute(
                    uri: "/api/v1/units",
                    method: .post,
                    headers: app.api(.admin),
                    body: TestApp.json(#"{"code": "NUEVA", "name": "Nue\u0000va"}"#)
                )
                #expect(response.status == .unprocessableContent)
                #expect((response.json["error"] as? [String: Any])?["field"] as? String == "name")
                response = try await client.execute(
                    uri: "/api/v1/requests",
                    method: .post,
                    headers: app.api(.admin),
                    body: TestApp.json(
                        #"{"external_ref": "INC\u0000-1", "provider": "TI", "client": "CRED", "service": "S", "priority": "P1", "opened_at": "2026-10-05T09:00:00-05:00"}"#
                    )
                )
                #expect(response.status == .unprocessableContent)
                #expect((response.json["error"] as? [String: Any])?["field"] as? String == "external_ref")
                // A form field.
                response = try await client.execute(
                    uri: "/units",
                    method: .post,
                    headers: app.browser(.admin, form: true),
                    body: app.form(["code": "NUEVA", "name": "Nue\u{0}va", "parent": "GG"])
                )
                #expect(response.status == .unprocessableContent)
                #expect(response.text.contains("NUL"))
            }
            #expect(try await app.store.units.list().count == 3)
            #expect(try await app.store.requests.counts().total == 0)
        }
    }

    @Test(arguments: TestDatabase.available)
    func aFileThatIsNotUTF8IsRefusedWithLineAndColumn(database: TestDatabase) async throws {
        try await TestApp.withApp(database) { app in
            try await app.test { client in
                // "Tecnología" in Latin-1: í is the single byte 0xED.
                var bytes = Array("code,name,parent\nNUEVA,Tecnolog".utf8)
                bytes += [0xED] + Array("a,GG\n".utf8)
                var headers = app.api(.admin, json: false)
                headers[.contentType] = "text/csv"
                let response = try await client.execute(uri: "/api/v1/units/import", method: .post, headers: headers, body: ByteBuffer(bytes: bytes))
                #expect(response.status == .unprocessableContent)
                let problem = (response.json["problems"] as? [[String: Any]])?.first
                #expect(problem?["line"] as? Int == 2)
                #expect(problem?["column"] as? String == "name")
                #expect((problem?["message"] as? String)?.contains("UTF-8") == true)
            }
            #expect(try await app.store.units.list().count == 3)
        }
    }

    @Test(arguments: TestDatabase.available)
    func bodiesOverTheLimitGet413NamingIt(database: TestDatabase) async throws {
        try await TestApp.withApp(database) { app in
            try await app.test { client in
                let padding = String(repeating: " ", count: 3 << 20)
                var response = try await client.execute(
                    uri: "/api/v1/units",
                    method: .post,
                    headers: app.api(.admin),
                    body: TestApp.json(#"{"code": "X", "name": "Y"}"# + padding)
                )
                #expect(response.status == .contentTooLarge)
                #expect((response.json["error"] as? [String: Any])?["message"] as? String == "The body is larger than the 2 MB this route accepts.")
                var headers = app.browser(nil, form: true)
                headers[.cookie] = "pacta_csrf=t"
                response = try await client.execute(
                    uri: "/login",
                    method: .post,
                    headers: headers,
                    body: ByteBuffer(string: "_csrf=t&username=x&password=" + String(repeating: "a", count: 21 << 20))
                )
                #expect(response.status == .contentTooLarge)
                #expect(response.text.contains("20 MB"))
                #expect(response.text.contains("Límite:"))
            }
        }
    }

    @Test(arguments: TestDatabase.available)
    func nullableFieldsArePresentAsNull(database: TestDatabase) async throws {
        try await TestApp.withApp(database) { app in
            try await app.test { client in
                let unit = try await client.execute(uri: "/api/v1/units/GG", method: .get, headers: app.api(.viewer))
                #expect(unit.json["parent"] is NSNull, "\(unit.text)")
                let calendar = try await client.execute(uri: "/api/v1/calendars/oficina-uio", method: .get, headers: app.api(.viewer))
                #expect(calendar.json["owner"] is NSNull, "\(calendar.text)")
                let created = try await client.execute(
                    uri: "/api/v1/agreements",
                    method: .post,
                    headers: app.api(.manager),
                    body: TestApp.json(TestApp.agreement)
                )
                #expect(created.json["signed_version"] is NSNull && created.json["termination_reason"] is NSNull, "\(created.text)")
            }
        }
    }

    @Test(arguments: TestDatabase.available)
    func everyTextFieldHasALimit(database: TestDatabase) async throws {
        try await TestApp.withApp(database) { app in
            try await app.test { client in
                let long = String(repeating: "a", count: 201)
                let cases: [(String, String, String)] = [
                    ("/api/v1/units", #"{"code": "NUEVA", "name": "\#(long)"}"#, "name"),
                    ("/api/v1/calendars", #"{"code": "c", "name": "\#(long)", "time_zone": "UTC", "hours": {"monday": ["09:00-17:00"]}}"#, "name"),
                    (
                        "/api/v1/agreements",
                        #"{"code": "X", "title": "T", "summary": "\#(String(repeating: "s", count: 4001))", "provider": "TI", "client": "CRED", "valid_from": "2026-01-01", "valid_to": "2026-12-31"}"#,
                        "summary"
                    ),
                    ("/api/v1/tokens", #"{"name": "\#(long)"}"#, "name"),
                ]
                for (path, body, field) in cases {
                    let response = try await client.execute(uri: path, method: .post, headers: app.api(.admin), body: TestApp.json(body))
                    #expect(response.status == .unprocessableContent, "\(path): \(response.text)")
                    let error = response.json["error"] as? [String: Any]
                    #expect(error?["field"] as? String == field, "\(path): \(response.text)")
                    #expect(error?["code"] as? String == "too_long", "\(path): \(response.text)")
                }
                let request = try await client.execute(
                    uri: "/api/v1/requests",
                    method: .post,
                    headers: app.api(.admin),
                    body: TestApp.json(
                        #"{"external_ref": "INC-1", "provider": "TI", "client": "CRED", "service": "\#(long)", "priority": "P1", "opened_at": "2026-10-05T09:00:00-05:00"}"#
                    )
                )
                #expect(request.status == .unprocessableContent)
                let problem = (request.json["problems"] as? [[String: Any]])?.first
                #expect(problem?["column"] as? String == "service" && problem?["code"] as? String == "too_long", "\(request.text)")
            }
        }
    }

    /// What a fuzz run of openapi.yaml found: each answered as the document says.
    @Test(arguments: TestDatabase.available)
    func queriesAndBodiesTheDocumentRefusesAreRefused(database: TestDatabase) async throws {
        try await TestApp.withApp(database) { app in
            try await app.test { client in
                _ = try await app.activate(client)
                for (path, field) in [
                    ("/api/v1/agreements/TI-CRED/indicators/requests?format=AAA", "format"),
                    ("/api/v1/agreements/TI-CRED/indicators?period=0007-05", "period"),
                    ("/api/v1/agreements/TI-CRED/indicators?period=2026-Q01", "period"),
                    ("/api/v1/agreements/TI-CRED/indicators?at=9999-12-31T23:59:59Z", "at"),
                    ("/api/v1/verify?head=xyz", "head"),
                ] {
                    let response = try await client.execute(uri: path, method: .get, headers: app.api(.admin))
                    #expect(response.status == .badRequest, "\(path): \(response.text)")
                    #expect((response.json["error"] as? [String: Any])?["field"] as? String == field, "\(path)")
                }
                var csv = app.api(.admin, json: false)
                csv[.contentType] = "text/csv"
                var response = try await client.execute(
                    uri: "/api/v1/requests?skip_invalid=2",
                    method: .post,
                    headers: csv,
                    body: ByteBuffer(string: "x\n")
                )
                #expect(response.status == .badRequest)
                // A field the type does not read is unknown, null or not.
                response = try await client.execute(
                    uri: "/api/v1/agreements/TI-CRED/terminate",
                    method: .post,
                    headers: app.api(.admin),
                    body: TestApp.json(#"{"reason": "Fin", "0": null}"#)
                )
                #expect(response.status == .unprocessableContent)
                #expect((response.json["error"] as? [String: Any])?["field"] as? String == "0")
                // A day without hours may be sent empty; an empty parent is none.
                response = try await client.execute(
                    uri: "/api/v1/calendars",
                    method: .post,
                    headers: app.api(.admin),
                    body: TestApp.json(#"{"code": "cal1", "name": "x", "time_zone": "UTC", "hours": {"monday": ["08:00-12:00"], "sunday": []}}"#)
                )
                #expect(response.status == .created, "\(response.text)")
                response = try await client.execute(
                    uri: "/api/v1/units",
                    method: .post,
                    headers: app.api(.admin),
                    body: TestApp.json(#"{"code": "U0", "name": "x", "parent": ""}"#)
                )
                #expect(response.status == .created)
                #expect(response.json["parent"] is NSNull, "\(response.text)")
                // A path that exists takes only its methods.
                response = try await client.execute(uri: "/api/v1/units", method: .patch, headers: app.api(.admin))
                #expect(response.status == .methodNotAllowed)
                #expect(response.headers[.allow] == "GET, POST")
                response = try await client.execute(uri: "/api/v1/units/import", method: .patch, headers: app.api(.admin))
                #expect(response.headers[.allow] == "POST", "a literal segment wins over /units/{code}")
                response = try await client.execute(uri: "/api/v1/nowhere", method: .patch, headers: app.api(.admin))
                #expect(response.status == .notFound)
            }
        }
    }

    @Test(arguments: TestDatabase.available)
    func anUploadedFileThatIsNotUTF8IsReportedOnTheImportPageByLineAndColumn(database: TestDatabase) async throws {
        try await TestApp.withApp(database) { app in
            try await app.test { client in
                let boundary = "----pacta-test"
                var body = Array("--\(boundary)\r\nContent-Disposition: form-data; name=\"_csrf\"\r\n\r\n\(app.csrf)\r\n".utf8)
                body += Array(
                    "--\(boundary)\r\nContent-Disposition: form-data; name=\"file\"; filename=\"latin1.csv\"\r\nContent-Type: text/csv\r\n\r\n".utf8
                )
                body += Array("external_ref,provider,client,service,priority,opened_at\r\nINC-1,TI,CRED,Caf".utf8) + [0xE9]
                body += Array(",P1,2026-10-05T09:00:00-05:00\r\n\r\n--\(boundary)--\r\n".utf8)
                var headers = app.browser(.manager)
                headers[.contentType] = "multipart/form-data; boundary=\(boundary)"
                let response = try await client.execute(uri: "/requests/import", method: .post, headers: headers, body: ByteBuffer(bytes: body))
                #expect(response.status == .unprocessableContent)
                // The import page, in Spanish, names the row and the column.
                #expect(response.text.contains("guarde el archivo como «CSV UTF-8»"), "\(response.text)")
                #expect(response.text.contains("service"))
            }
            #expect(try await app.store.requests.counts().total == 0)
        }
    }
}
