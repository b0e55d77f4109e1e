import Foundation
import Hummingbird
import HummingbirdTesting
import PactaApp
import PactaCore
import PactaStore
import PactaTestSupport
import Testing

@testable import PactaWeb

/// `/api/v1/me`, `/api/v1/tokens` and `/api/v1/users`.
@Suite struct AdminAPITests {
    @Test(arguments: TestDatabase.available)
    func revokedAndUnknownTokensAreRefused(database: TestDatabase) async throws {
        try await TestApp.withApp(database) { app in
            try await app.test { client in
                var headers = app.api(nil)
                headers[.authorization] = "Bearer pacta_nonsense"
                let response = try await client.execute(uri: "/api/v1/units", method: .get, headers: headers)
                #expect(response.status == .unauthorized)
                #expect(try response.apiError().code == "invalid_token")
                let created = try await client.execute(
                    uri: "/api/v1/tokens",
                    method: .post,
                    headers: app.api(.admin),
                    body: TestApp.json(#"{"name": "GLPI", "username": "clienta"}"#)
                )
                #expect(created.status == .created)
                let token = try created.decode(NewTokenBody.self)
                headers[.authorization] = "Bearer \(token.secret)"
                #expect(try await client.execute(uri: "/api/v1/me", method: .get, headers: headers).decode(UserBody.self).username == "clienta")
                #expect(
                    try await client.execute(uri: "/api/v1/tokens/\(token.token.id)", method: .delete, headers: app.api(.admin)).status == .noContent
                )
                #expect(try await client.execute(uri: "/api/v1/me", method: .get, headers: headers).status == .unauthorized)
            }
        }
    }

    @Test(arguments: TestDatabase.available)
    func anAdministratorSetsWhereAPersonsInvitationsGo(database: TestDatabase) async throws {
        try await TestApp.withApp(database) { app in
            try await app.test { client in
                let wrong = try await client.execute(
                    uri: "/api/v1/users",
                    method: .post,
                    headers: app.api(.admin),
                    body: TestApp.json(
                        #"{"username": "nuevo", "name": "Nuevo", "role": "rater", "unit": "CRED", "password": "correct-horse-battery", "email": "nuevo@"}"#
                    )
                )
                #expect(wrong.status == .unprocessableContent)
                #expect(try wrong.apiError().code == "invalid_email")
                #expect(try await app.store.users.credentials(username: "nuevo") == nil, "nothing is saved")
                let created = try await client.execute(
                    uri: "/api/v1/users",
                    method: .post,
                    headers: app.api(.admin),
                    body: TestApp.json(
                        #"{"username": "nuevo", "name": "Nuevo", "role": "rater", "unit": "CRED", "password": "correct-horse-battery", "email": " nuevo@example.com "}"#
                    )
                )
                let user = try created.decode(UserBody.self)
                #expect(created.status == .created && user.email == "nuevo@example.com")
                // Left out, the address stays; a bad one changes nothing; empty removes it.
                var updated = try await client.execute(
                    uri: "/api/v1/users/\(user.id)",
                    method: .put,
                    headers: app.api(.admin),
                    body: TestApp.json(#"{"role": "viewer", "unit": "CRED", "active": true}"#)
                )
                #expect(try updated.decode(UserBody.self).email == "nuevo@example.com")
                updated = try await client.execute(
                    uri: "/api/v1/users/\(user.id)",
                    method: .put,
                    headers: app.api(.admin),
                    body: TestApp.json(#"{"role": "manager", "unit": "CRED", "active": true, "email": "sin arroba"}"#)
                )
                #expect(updated.status == .unprocessableContent)
                #expect(try await app.store.users.get(id: user.id)?.role == .viewer, "nothing is saved")
                updated = try await client.execute(
                    uri: "/api/v1/users/\(user.id)",
                    method: .put,
                    headers: app.api(.admin),
                    body: TestApp.json(#"{"role": "viewer", "unit": "CRED", "active": true, "email": ""}"#)
                )
                #expect(updated.status == .ok)
                #expect(try updated.decode(UserBody.self).email == nil)
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
                #expect(try response.apiError().code == "last_admin")
                response = try await client.execute(
                    uri: "/api/v1/users/\(viewer.id)",
                    method: .put,
                    headers: app.api(.admin),
                    body: TestApp.json(#"{"role": "manager", "unit": "TI", "active": true, "password": "una-clave-nueva"}"#)
                )
                #expect(response.status == .ok)
                #expect(try response.decode(UserBody.self).role == .manager)
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
}
