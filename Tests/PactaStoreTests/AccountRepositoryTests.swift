import Foundation
import PactaCore
import PactaStore
import PactaTestSupport
import Testing

@Suite struct AccountRepositoryTests {
    @Test(arguments: TestDatabase.available)
    func usersAndTokens(database: TestDatabase) async throws {
        try await database.withStore { store in
            try await store.seedOrganisation()
            let user = try await store.users.create(
                username: "ana",
                name: "Ana Pérez",
                role: .manager,
                unit: "TI",
                passwordHash: "hash",
                at: Fixtures.now
            )
            #expect(try await store.users.get(id: user.id) == user)
            #expect(try await store.users.credentials(username: "ana")?.passwordHash == "hash")
            await #expect(throws: ValidationError.self) {
                try await store.users.create(username: "ana", name: "Otra", role: .viewer, unit: "TI", passwordHash: "h", at: Fixtures.now)
            }
            await #expect(throws: ValidationError.self) {
                try await store.users.create(username: "bob", name: "Bob", role: .viewer, unit: "NOPE", passwordHash: "h", at: Fixtures.now)
            }
            #expect(try await store.users.count() == 1)

            let (secret, token) = try await store.tokens.create(userID: user.id, name: "Mesa de ayuda", by: user, via: "web", at: Fixtures.now)
            #expect(secret.hasPrefix("pacta_") && secret.count == 70)
            #expect(secret.hasPrefix(token.prefix))
            #expect(try await store.tokens.authenticate(secret: secret, at: Fixtures.now) == TokenHolder(user: user, tokenID: token.id, isOwn: true))
            #expect(try await store.tokens.authenticate(secret: secret + "x", at: Fixtures.now) == nil)
            #expect(try await store.tokens.list(for: user).first?.lastUsedAt == Fixtures.now)
            try await store.tokens.revoke(id: token.id, by: user, at: Fixtures.now)
            #expect(try await store.tokens.authenticate(secret: secret, at: Fixtures.now) == nil)
            try await store.users.update(id: user.id, role: .viewer, unit: "CRED", active: false, passwordHash: "new")
            #expect(try await store.users.credentials(username: "ana")?.passwordHash == "new")
            #expect(try await store.users.get(id: user.id)?.role == .viewer)
        }
    }

    @Test(arguments: TestDatabase.available)
    func keyValuesExpire(database: TestDatabase) async throws {
        try await database.withStore { store in
            let later = Fixtures.now.addingTimeInterval(3600)
            try await store.keyValues.create(key: "s1", value: "{}", expiresAt: later, now: Fixtures.now)
            await #expect(throws: DatabaseError.self) {
                try await store.keyValues.create(key: "s1", value: "{}", expiresAt: later, now: Fixtures.now)
            }
            #expect(try await store.keyValues.get(key: "s1", now: Fixtures.now)?.expiresAt == later)
            #expect(try await store.keyValues.get(key: "s1", now: later) == nil)
            try await store.keyValues.set(key: "s1", value: #"{"a":1}"#, expiresAt: nil)
            #expect(try await store.keyValues.get(key: "s1", now: Fixtures.now)?.value == #"{"a":1}"#)
            #expect(try await store.keyValues.get(key: "s1", now: Fixtures.now)?.expiresAt == later)
            try await store.keyValues.remove(key: "s1")
            #expect(try await store.keyValues.get(key: "s1", now: Fixtures.now) == nil)
        }
    }
}
