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

    @Test(arguments: TestDatabase.available)
    func signInWithCSRFThenSignOut(database: TestDatabase) async throws {
        try await TestApp.withApp(database) { app in
            try await app.test { client in
                let page = try await client.execute(uri: "/login", method: .get)
                #expect(page.status == .ok)
                let cookie = try #require(Self.sessionCookie(page))
                let setCookie = try #require(page.headers[values: .setCookie].first { $0.hasPrefix("pacta_session=") })
                #expect(setCookie.contains("HttpOnly") && setCookie.contains("SameSite=Lax"))
                #expect(!setCookie.contains("Secure"))
                let csrf = try #require(Self.csrf(in: page.text))
                var headers: HTTPFields = [.cookie: "pacta_session=\(cookie)", .contentType: "application/x-www-form-urlencoded"]

                // Without the token: refused, nobody signed in.
                var response = try await client.execute(
                    uri: "/login", method: .post, headers: headers, body: ByteBuffer(string: "username=gestora&password=correct-horse-battery")
                )
                #expect(response.status == .forbidden)

                response = try await client.execute(
                    uri: "/login", method: .post, headers: headers,
                    body: ByteBuffer(string: "_csrf=\(csrf)&username=gestora&password=wrong-password-123")
                )
                #expect(response.status == .unauthorized)
                #expect(response.text.contains("gestora"))

                response = try await client.execute(
                    uri: "/login", method: .post, headers: headers,
                    body: ByteBuffer(string: "_csrf=\(csrf)&username=gestora&password=correct-horse-battery&next=%2Funits")
                )
                #expect(response.status == .seeOther)
                #expect(response.headers[.location] == "/units")
                let signedIn = try #require(Self.sessionCookie(response))
                #expect(signedIn != cookie, "a new session id after signing in")
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
                    uri: "/units", method: .post, headers: app.browser(.manager, form: true),
                    body: app.form(["code": "a b", "name": "", "parent": "NOPE"])
                )
                #expect(response.status == .unprocessableContent)
                #expect(response.text.contains("a b"))
                #expect(try await app.store.units.list().count == 3)
                response = try await client.execute(
                    uri: "/units", method: .post, headers: app.browser(.manager, form: true),
                    body: app.form(["code": "OPS", "name": "Operaciones", "parent": "GG"])
                )
                #expect(response.status == .seeOther)
                #expect(try await app.store.units.get("OPS") == OrgUnit(code: "OPS", name: "Operaciones", parent: "GG"))
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
                var response = try await client.execute(uri: "/agreements", method: .post, headers: app.browser(.manager, form: true), body: app.form(bad))
                #expect(response.status == .unprocessableContent)
                #expect(response.text.contains("ocho") && response.text.contains("31/12/2026"))
                #expect(try await app.store.agreements.list().isEmpty)

                response = try await client.execute(uri: "/agreements", method: .post, headers: app.browser(.manager, form: true), body: app.form(fields))
                #expect(response.status == .seeOther)
                let created = try #require(try await app.store.agreements.get("TI-CRED")?.agreement)
                #expect(created.terms.commitments.count == 1)
                #expect(created.terms.commitments[0].target == 28_800)
                #expect(created.terms.commitments[0].goal == 0.95)
                #expect(created.terms.commitments[0].priorities == ["P1", "P2"])

                for (role, path) in [(Role.manager, "submit"), (.manager, "sign"), (.rater, "sign")] {
                    response = try await client.execute(
                        uri: "/agreements/TI-CRED/\(path)", method: .post, headers: app.browser(role, form: true), body: app.form()
                    )
                    #expect(response.status == .seeOther)
                }
                #expect(try await app.store.agreements.get("TI-CRED")?.agreement.state == .active)
                response = try await client.execute(uri: "/published", method: .get, headers: app.browser(.viewer))
                #expect(response.text.contains("Soporte a Crédito") && response.text.contains("Clienta"))
                response = try await client.execute(uri: "/agreements/TI-CRED", method: .get, headers: app.browser(.viewer))
                #expect(response.status == .ok)
                #expect(response.text.contains(created.document.sha256))
            }
        }
    }

    @Test func sessionCookiesAreSecureWhenConfiguredForTLS() async throws {
        try await TestApp.withApp(.sqlite) { app in
            let router = try buildRouter(services: app.services, secureCookies: true)
            try await Application(router: router).test(.router) { client in
                let response = try await client.execute(uri: "/login", method: .get)
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
                    uri: "/calendars", method: .post, headers: app.browser(.manager, form: true),
                    body: app.form([
                        "code": "turno", "name": "Turno", "time_zone": "America/Quitoo",
                        "hours.monday": "08:00-12:00, 11:00-13:00", "hours.tuesday": "9 a 5", "holidays": "2026-13-01 Nunca",
                    ])
                )
                #expect(response.status == .unprocessableContent)
                #expect(response.text.contains("America/Quitoo") && response.text.contains("9 a 5"))
                #expect(try await app.store.calendars.get("turno") == nil)

                response = try await client.execute(
                    uri: "/calendars", method: .post, headers: app.browser(.manager, form: true),
                    body: app.form(["code": "turno", "name": "Turno", "time_zone": "America/Guayaquil", "hours.saturday": "08:00-12:00", "holidays": "2026-12-25 Navidad"])
                )
                #expect(response.status == .seeOther)
                #expect(try await app.store.calendars.get("turno")?.holidays == [Holiday(date: LocalDate("2026-12-25")!, name: "Navidad")])

                response = try await client.execute(
                    uri: "/users", method: .post, headers: app.browser(.admin, form: true),
                    body: app.form(["username": "nuevo", "name": "Nuevo", "role": "viewer", "unit": "TI", "password": "corta"])
                )
                #expect(response.status == .unprocessableContent)
                #expect(try await app.store.users.credentials(username: "nuevo") == nil)
                response = try await client.execute(
                    uri: "/users", method: .post, headers: app.browser(.admin, form: true),
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
                let csv = "code,name,parent\r\nOPS,Operaciones,GG\r\nCALL,Call center,OPS\r\n"
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
                let csv = "external_ref,provider,client,service,priority,opened_at\nSUELTA-1,TI,CRED,Correo,P1,2026-10-05T09:00:00-05:00\nMALA,TI,CRED,Correo,P1,ayer\n"
                var response = try await client.execute(
                    uri: "/requests/import", method: .post, headers: app.browser(.manager, form: true), body: app.form(["csv": csv])
                )
                #expect(response.status == .unprocessableContent)
                #expect(try await app.store.requests.counts().total == 0)
                response = try await client.execute(
                    uri: "/requests/import", method: .post, headers: app.browser(.manager, form: true), body: app.form(["csv": csv, "skip_invalid": "1"])
                )
                #expect(response.status == .ok)
                #expect(try await app.store.requests.counts() == (total: 1, unmatched: 1))
                response = try await client.execute(uri: "/requests", method: .get, headers: app.browser(.viewer))
                #expect(response.status == .ok && response.text.contains("SUELTA-1"))
            }
        }
    }
}
