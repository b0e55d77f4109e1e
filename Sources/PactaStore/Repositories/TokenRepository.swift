import Foundation
import PactaCore

/// An API token as listed: never the secret itself, which is shown once and stored hashed.
public struct APIToken: Sendable, Hashable, Codable {
    public var id: Int64
    public var username: String
    public var name: String
    /// The first characters of the secret, to tell tokens apart.
    public var prefix: String
    public var createdAt: Date
    public var lastUsedAt: Date?
    public var revokedAt: Date?
}

/// API tokens for systems and scripts; each acts as the user it belongs to.
public struct TokenRepository: Sendable {
    let database: any Database

    /// Creates a token for `userID`. The returned secret is never stored and cannot be shown again.
    public func create(userID: Int64, name: String, at instant: Date) async throws -> (secret: String, token: APIToken) {
        guard !name.trimmed.isEmpty else {
            throw ValidationError(field: "name", code: "required", message: "Name the token after what uses it.")
        }
        var generator = SystemRandomNumberGenerator()
        let bytes = (0..<32).map { _ in UInt8.random(in: 0...255, using: &generator) }
        let secret = "pacta_" + bytes.map { String($0, radix: 16).count == 1 ? "0" + String($0, radix: 16) : String($0, radix: 16) }.joined()
        let prefix = String(secret.prefix(14))
        guard let user = try await UserRepository(database: self.database).get(id: userID) else {
            throw NotFoundError("user", String(userID))
        }
        let row = try await self.database.first(
            """
            INSERT INTO api_tokens (user_id, name, token_hash, prefix, created_at)
            VALUES (\(userID), \(name.trimmed), \(Hashing.sha256Hex(secret.utf8)), \(prefix), \(instant)) RETURNING id
            """
        )
        let token = APIToken(
            id: try row!.decode(0),
            username: user.username,
            name: name.trimmed,
            prefix: prefix,
            createdAt: Date(timeIntervalSince1970: instant.timeIntervalSince1970.rounded(.down)),
            lastUsedAt: nil,
            revokedAt: nil
        )
        return (secret, token)
    }

    /// The active user a secret belongs to, if the token exists and is not revoked; records its use
    /// (to the minute).
    public func authenticate(secret: String, at instant: Date) async throws -> User? {
        let hash = Hashing.sha256Hex(secret.utf8)
        guard
            let row = try await self.database.first(
                """
                SELECT u.id, u.username, u.name, u.role, un.code, u.active, u.created_at, t.id, t.last_used_at
                FROM api_tokens t JOIN users u ON u.id = t.user_id JOIN units un ON un.id = u.unit_id
                WHERE t.token_hash = \(hash) AND t.revoked_at IS NULL
                """
            )
        else { return nil }
        let user = try UserRepository.user(row)
        guard user.active else { return nil }
        // Recording every call would turn each read into a write; a minute's precision is plenty.
        let lastUsed = try row.decode(8, as: Date?.self)
        if lastUsed.map({ instant.timeIntervalSince($0) >= 60 }) ?? true {
            try await self.database.execute("UPDATE api_tokens SET last_used_at = \(instant) WHERE id = \(try row.decode(7, as: Int64.self))")
        }
        return user
    }

    /// Every token, newest first.
    public func list() async throws -> [APIToken] {
        try await self.database.query(
            """
            SELECT t.id, u.username, t.name, t.prefix, t.created_at, t.last_used_at, t.revoked_at
            FROM api_tokens t JOIN users u ON u.id = t.user_id ORDER BY t.created_at DESC, t.id DESC
            """
        ).map { row in
            APIToken(
                id: try row.decode(0),
                username: try row.decode(1),
                name: try row.decode(2),
                prefix: try row.decode(3),
                createdAt: try row.decode(4),
                lastUsedAt: try row.decode(5, as: Date?.self),
                revokedAt: try row.decode(6, as: Date?.self)
            )
        }
    }

    /// Revokes a token; it stops working at once.
    public func revoke(id: Int64, at instant: Date) async throws {
        guard try await self.database.first("SELECT id FROM api_tokens WHERE id = \(id)") != nil else {
            throw NotFoundError("token", String(id))
        }
        try await self.database.execute("UPDATE api_tokens SET revoked_at = \(instant) WHERE id = \(id) AND revoked_at IS NULL")
    }
}
