import Foundation
import Hummingbird
import HummingbirdTesting
import PactaCore
import PactaStore
import PactaTestSupport
import PactaWeb
import Testing

@Suite struct WebTests {
    /// The `pacta_session` cookie a response sets, if any.
    static func sessionCookie(_ response: TestResponse) -> String? {
        response.headers[values: .setCookie].first { $0.hasPrefix("pacta_session=") }
            .map { String($0.dropFirst("pacta_session=".count).prefix { $0 != ";" }) }
    }

    /// The value of the hidden `_csrf` field in a page.
    static func csrf(in html: String) -> String? {
        guard let range = html.range(of: #"name="_csrf" value=""#) else { return nil }
        return String(html[range.upperBound...].prefix { $0 != "\"" })
    }

    /// The value of cookie `name` a response sets, if any.
    static func cookie(_ name: String, in response: TestResponse) -> String? {
        response.headers[values: .setCookie].first { $0.hasPrefix("\(name)=") }
            .map { String($0.dropFirst(name.count + 1).prefix { $0 != ";" }) }
    }

    @Test(arguments: TestDatabase.available)
    func signInWithCSRFThenSignOut(database: TestDatabase) async throws {
        try await TestApp.withApp(database) { app in
            try await app.test { client in
                let sessions = try await app.store.database.first("SELECT COUNT(*) FROM persist")?.decode(0, as: Int.self)
                let page = try await client.execute(uri: "/login", method: .get)
                #expect(page.status == .ok)
                #expect(Self.sessionCookie(page) == nil, "looking at the sign-in page starts no session")
                let token = try #require(Self.cookie("pacta_csrf", in: page))
                let setCookie = try #require(page.headers[values: .setCookie].first { $0.hasPrefix("pacta_csrf=") })
                #expect(setCookie.contains("HttpOnly") && setCookie.contains("SameSite=Strict"))
                #expect(!setCookie.contains("Secure"))
                let csrf = try #require(Self.csrf(in: page.text))
                #expect(csrf == token)
                var headers: HTTPFields = [.cookie: "pacta_csrf=\(token)", .contentType: "application/x-www-form-urlencoded"]

                // Without the token, or with another: refused, nobody signed in.
                var response = try await client.execute(
                    uri: "/login",
                    method: .post,
                    headers: headers,
                    body: ByteBuffer(string: "username=gestora&password=correct-horse-battery")
                )
                #expect(response.status == .forbidden)
                response = try await client.execute(
                    uri: "/login",
                    method: .post,
                    headers: [.contentType: "application/x-www-form-urlencoded"],
                    body: ByteBuffer(string: "_csrf=\(csrf)&username=gestora&password=correct-horse-battery")
                )
                #expect(response.status == .forbidden, "the form's token must match the browser's cookie")

                response = try await client.execute(
                    uri: "/login",
                    method: .post,
                    headers: headers,
                    body: ByteBuffer(string: "_csrf=\(csrf)&username=gestora&password=wrong-password-123")
                )
                #expect(response.status == .unauthorized)
                #expect(response.text.contains("gestora"))
                #expect(try await app.store.database.first("SELECT COUNT(*) FROM persist")?.decode(0, as: Int.self) == sessions, "no session stored")

                response = try await client.execute(
                    uri: "/login",
                    method: .post,
                    headers: headers,
                    body: ByteBuffer(string: "_csrf=\(csrf)&username=gestora&password=correct-horse-battery&next=%2Funits")
                )
                #expect(response.status == .seeOther)
                #expect(response.headers[.location] == "/units")
                let signedIn = try #require(Self.sessionCookie(response))
                // Stored as a hash: the table does not hold the cookie's value.
                #expect(
                    try await app.store.database.first("SELECT COUNT(*) FROM persist WHERE key LIKE \("%" + signedIn + "%")")?.decode(0, as: Int.self)
                        == 0
                )
                headers[.cookie] = "pacta_session=\(signedIn)"
                response = try await client.execute(uri: "/units", method: .get, headers: headers)
                #expect(response.status == .ok)
                #expect(response.text.contains("Tecnología"))
                let newCSRF = try #require(Self.csrf(in: response.text))

                response = try await client.execute(uri: "/logout", method: .post, headers: headers, body: ByteBuffer(string: "_csrf=\(newCSRF)"))
                #expect(response.status == .seeOther)
                response = try await client.execute(uri: "/units", method: .get, headers: headers)
                #expect(response.status == .seeOther)
                #expect(response.headers[.location]?.hasPrefix("/login") == true)
            }
        }
    }

    @Test(arguments: TestDatabase.available)
    func pagesSpeakSpanishByDefaultAndEnglishOnRequest(database: TestDatabase) async throws {
        try await TestApp.withApp(database) { app in
            try await app.test { client in
                var response = try await client.execute(uri: "/login", method: .get)
                #expect(response.text.contains(#"lang="es""#))
                response = try await client.execute(uri: "/login", method: .get, headers: [.acceptLanguage: "en-GB,en;q=0.9,es;q=0.5"])
                #expect(response.text.contains(#"lang="en""#))
                response = try await client.execute(uri: "/language?set=en&back=%2Funits", method: .get)
                #expect(response.status == .seeOther)
                #expect(response.headers[.location] == "/units")
                #expect(response.headers[values: .setCookie].contains { $0.hasPrefix("lang=en") })
                response = try await client.execute(uri: "/login", method: .get, headers: [.cookie: "lang=en", .acceptLanguage: "es"])
                #expect(response.text.contains(#"lang="en""#))
                response = try await client.execute(uri: "/language?set=en&back=https%3A%2F%2Fevil.example", method: .get)
                #expect(response.headers[.location] == "/published")
            }
        }
    }

    @Test(arguments: TestDatabase.available)
    func unitFormShowsErrorsNextToFieldsAndWritesNothing(database: TestDatabase) async throws {
        try await TestApp.withApp(database) { app in
            try await app.test { client in
                var response = try await client.execute(
                    uri: "/units",
                    method: .post,
                    headers: app.browser(.manager, form: true),
                    body: app.form(["code": "a b", "name": "", "parent": "NOPE"])
                )
                #expect(response.status == .unprocessableContent)
                #expect(response.text.contains("a b"))
                #expect(try await app.store.units.list().count == 3)
                response = try await client.execute(
                    uri: "/units",
                    method: .post,
                    headers: app.browser(.manager, form: true),
                    body: app.form(["code": "OPS", "name": "Operaciones", "parent": "TI"])
                )
                #expect(response.status == .seeOther)
                #expect(try await app.store.units.get("OPS") == OrgUnit(code: "OPS", name: "Operaciones", parent: "TI"))
            }
        }
    }

    @Test(arguments: TestDatabase.available)
    func agreementFormToSignaturesThroughThePages(database: TestDatabase) async throws {
        try await TestApp.withApp(database) { app in
            try await app.test { client in
                let fields = [
                    "code": "TI-CRED", "title": "Soporte a Crédito", "provider": "TI", "client": "CRED",
                    "valid_from": "2026-01-01", "valid_to": "2026-12-31", "cadence": "monthly", "summary": "",
                    "commitments[0].key": "", "commitments[0].name": "Críticos", "commitments[0].metric": "resolution_within",
                    "commitments[0].target": "8", "commitments[0].goal": "95", "commitments[0].weight": "2",
                    "commitments[0].calendar": "oficina-uio", "commitments[0].priorities": "P1, P2",
                    "commitments[1].key": "", "commitments[1].name": "", "commitments[1].metric": "volume",
                    "commitments[1].target": "", "commitments[1].goal": "", "commitments[1].weight": "1",
                ]
                var bad = fields
                bad["commitments[0].target"] = "ocho"
                bad["valid_to"] = "31/12/2026"
                var response = try await client.execute(
                    uri: "/agreements",
                    method: .post,
                    headers: app.browser(.manager, form: true),
                    body: app.form(bad)
                )
                #expect(response.status == .unprocessableContent)
                #expect(response.text.contains("ocho") && response.text.contains("31/12/2026"))
                #expect(try await app.store.agreements.list(visibleTo: nil).isEmpty)

                response = try await client.execute(
                    uri: "/agreements",
                    method: .post,
                    headers: app.browser(.manager, form: true),
                    body: app.form(fields)
                )
                #expect(response.status == .seeOther)
                let created = try #require(try await app.store.agreements.get("TI-CRED", visibleTo: nil)?.agreement)
                #expect(created.terms.commitments.count == 1)
                #expect(created.terms.commitments[0].target == 28_800)
                #expect(created.terms.commitments[0].goal == 0.95)
                #expect(created.terms.commitments[0].priorities == ["P1", "P2"])

                response = try await client.execute(
                    uri: "/agreements/TI-CRED/submit",
                    method: .post,
                    headers: app.browser(.manager, form: true),
                    body: app.form()
                )
                #expect(response.status == .seeOther)
                for (role, flash) in [(Role.manager, "espera la firma de la otra parte"), (.rater, "está vigente y publicado")] {
                    // The signing page shows the version and its hash; the signature names both and is confirmed.
                    let page = try await client.execute(uri: "/agreements/TI-CRED/sign", method: .get, headers: app.browser(role))
                    #expect(page.status == .ok)
                    #expect(page.text.contains(created.sha256) && page.text.contains("He leído la versión 1 y la firmo"))
                    var fields = ["version": "1", "sha256": created.sha256]
                    response = try await client.execute(
                        uri: "/agreements/TI-CRED/sign",
                        method: .post,
                        headers: app.browser(role, form: true),
                        body: app.form(fields)
                    )
                    #expect(response.status == .unprocessableContent, "not without the confirmation")
                    fields["confirm"] = "yes"
                    response = try await client.execute(
                        uri: "/agreements/TI-CRED/sign",
                        method: .post,
                        headers: app.browser(role, form: true),
                        body: app.form(fields)
                    )
                    #expect(response.status == .seeOther)
                    let after = try await client.execute(uri: "/agreements/TI-CRED", method: .get, headers: app.browser(role))
                    #expect(after.text.contains(flash))
                }
                #expect(try await app.store.agreements.get("TI-CRED", visibleTo: nil)?.agreement.state == .active)
                response = try await client.execute(uri: "/published", method: .get, headers: app.browser(.viewer))
                #expect(response.text.contains("Soporte a Crédito") && response.text.contains("Clienta"))
                response = try await client.execute(uri: "/agreements/TI-CRED", method: .get, headers: app.browser(.viewer))
                #expect(response.status == .ok)
                #expect(response.text.contains(created.sha256))
                response = try await client.execute(uri: "/agreements/TI-CRED/versions/1/document.json", method: .get, headers: app.browser(.viewer))
                #expect(Hashing.sha256Hex(response.body.readableBytesView) == created.sha256, "the download is exactly what was signed")
                #expect(response.headers[.contentDisposition]?.contains("TI-CRED-v1.json") == true)
            }
        }
    }

    @Test func cookiesAreSecureWhenConfiguredForTLS() async throws {
        try await TestApp.withApp(.sqlite) { app in
            var services = app.services
            services.secureCookies = true
            try await Application(router: try buildRouter(services: services)).test(.router) { client in
                var response = try await client.execute(uri: "/login", method: .get)
                // Behind TLS the sign-in cookie is a __Host- cookie: no other host can set it.
                let csrf = try #require(response.headers[values: .setCookie].first { $0.hasPrefix("__Host-pacta_csrf=") })
                #expect(csrf.contains("Secure") && csrf.contains("HttpOnly") && csrf.contains("SameSite=Strict") && csrf.contains("Path=/"))
                let token = try #require(Self.cookie("__Host-pacta_csrf", in: response))
                let planted = try await client.execute(
                    uri: "/login",
                    method: .post,
                    headers: [.cookie: "pacta_csrf=\(token)", .contentType: "application/x-www-form-urlencoded"],
                    body: ByteBuffer(string: "_csrf=\(token)&username=gestora&password=correct-horse-battery")
                )
                #expect(planted.status == .forbidden, "the plain cookie is not taken behind TLS")
                response = try await client.execute(
                    uri: "/login",
                    method: .post,
                    headers: [.cookie: "__Host-pacta_csrf=\(token)", .contentType: "application/x-www-form-urlencoded"],
                    body: ByteBuffer(string: "_csrf=\(token)&username=gestora&password=correct-horse-battery")
                )
                let cookie = try #require(response.headers[values: .setCookie].first { $0.hasPrefix("pacta_session=") })
                #expect(cookie.contains("Secure") && cookie.contains("HttpOnly") && cookie.contains("SameSite=Lax"))
            }
        }
    }

    @Test(arguments: TestDatabase.available)
    func calendarAndUserFormsRejectBadInputWithoutWriting(database: TestDatabase) async throws {
        try await TestApp.withApp(database) { app in
            try await app.test { client in
                var response = try await client.execute(
                    uri: "/calendars",
                    method: .post,
                    headers: app.browser(.manager, form: true),
                    body: app.form([
                        "code": "turno", "name": "Turno", "time_zone": "America/Quitoo",
                        "hours.monday": "08:00-12:00, 11:00-13:00", "hours.tuesday": "9 a 5", "holidays": "2026-13-01 Nunca",
                    ])
                )
                #expect(response.status == .unprocessableContent)
                #expect(response.text.contains("America/Quitoo") && response.text.contains("9 a 5"))
                #expect(try await app.store.calendars.get("turno") == nil)

                response = try await client.execute(
                    uri: "/calendars",
                    method: .post,
                    headers: app.browser(.manager, form: true),
                    body: app.form([
                        "code": "turno", "name": "Turno", "time_zone": "America/Guayaquil", "hours.saturday": "08:00-12:00",
                        "holidays": "2026-12-25 Navidad",
                        "owner": "TI",
                    ])
                )
                #expect(response.status == .seeOther)
                #expect(try await app.store.calendars.get("turno")?.holidays == [Holiday(date: LocalDate("2026-12-25")!, name: "Navidad")])

                response = try await client.execute(
                    uri: "/users",
                    method: .post,
                    headers: app.browser(.admin, form: true),
                    body: app.form(["username": "nuevo", "name": "Nuevo", "role": "viewer", "unit": "TI", "password": "corta"])
                )
                #expect(response.status == .unprocessableContent)
                #expect(try await app.store.users.credentials(username: "nuevo") == nil)
                response = try await client.execute(
                    uri: "/users",
                    method: .post,
                    headers: app.browser(.admin, form: true),
                    body: app.form(["username": "nuevo", "name": "Nuevo", "role": "superuser", "unit": "TI", "password": "suficientemente-larga"])
                )
                #expect(response.status == .unprocessableContent)
                #expect(try await app.store.users.credentials(username: "nuevo") == nil)
            }
        }
    }

    @Test(arguments: TestDatabase.available)
    func unitsImportFromAnUploadedFile(database: TestDatabase) async throws {
        try await TestApp.withApp(database) { app in
            try await app.test { client in
                let boundary = "----pacta-test"
                let csv = "code,name,parent\r\nOPS,Operaciones,TI\r\nCALL,Call center,OPS\r\n"
                let body = [
                    "--\(boundary)\r\nContent-Disposition: form-data; name=\"_csrf\"\r\n\r\n\(app.csrf)\r\n",
                    "--\(boundary)\r\nContent-Disposition: form-data; name=\"file\"; filename=\"unidades.csv\"\r\nContent-Type: text/csv\r\n\r\n\(csv)\r\n",
                    "--\(boundary)--\r\n",
                ].joined()
                var headers = app.browser(.manager)
                headers[.contentType] = "multipart/form-data; boundary=\(boundary)"
                let response = try await client.execute(uri: "/units/import", method: .post, headers: headers, body: ByteBuffer(string: body))
                #expect(response.status == .ok)
                #expect(try await app.store.units.get("CALL") == OrgUnit(code: "CALL", name: "Call center", parent: "OPS"))

                let bad = body.replacingOccurrences(of: "CALL,Call center,OPS", with: "CALL,Call center,NADA")
                let refused = try await client.execute(uri: "/units/import", method: .post, headers: headers, body: ByteBuffer(string: bad))
                #expect(refused.status == .unprocessableContent)
                #expect(refused.text.contains("NADA"))
            }
        }
    }

    @Test(arguments: TestDatabase.available)
    func requestsUploadedThroughThePageAndTheOnesWithoutAgreement(database: TestDatabase) async throws {
        try await TestApp.withApp(database) { app in
            try await app.test { client in
                let csv =
                    "external_ref,provider,client,service,priority,opened_at\nSUELTA-1,TI,CRED,Correo,P1,2026-10-05T09:00:00-05:00\nMALA,TI,CRED,Correo,P1,ayer\n"
                var response = try await client.execute(
                    uri: "/requests/import",
                    method: .post,
                    headers: app.browser(.manager, form: true),
                    body: app.form(["csv": csv])
                )
                #expect(response.status == .unprocessableContent)
                #expect(try await app.store.requests.counts().total == 0)
                response = try await client.execute(
                    uri: "/requests/import",
                    method: .post,
                    headers: app.browser(.manager, form: true),
                    body: app.form(["csv": csv, "skip_invalid": "1"])
                )
                #expect(response.status == .ok)
                #expect(try await app.store.requests.counts() == (total: 1, unmatched: 1))
                response = try await client.execute(uri: "/requests", method: .get, headers: app.browser(.viewer))
                #expect(response.status == .ok && response.text.contains("SUELTA-1"))
            }
        }
    }
}
