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
    /// Who created it: its owner, an administrator, or nobody for the command line.
    @Nullable public var createdBy: String?
    /// `web`, `api`, `cli`, or `unknown` for tokens made before this was recorded.
    public var createdVia: String
    @Nullable public var lastUsedAt: Date?
    @Nullable public var revokedAt: Date?

    /// Whether its owner created it: only such a token may sign for them.
    public var isOwn: Bool { self.createdBy == self.username }
}

/// Who a token authenticates, and how it came to be.
public struct TokenHolder: Sendable, Hashable {
    public var user: User
    public var tokenID: Int64
    /// Whether the user created the token themselves.
    public var isOwn: Bool

    public init(user: User, tokenID: Int64, isOwn: Bool) {
        self.user = user
        self.tokenID = tokenID
        self.isOwn = isOwn
    }
}

/// API tokens for systems and scripts; each acts as the user it belongs to, within that user's
/// scope. Administrators may create tokens for any account (a system account, say); everybody
/// else creates and revokes their own.
public struct TokenRepository: Sendable {
    let db: any DatabaseExecutor

    /// Creates a token for `userID`. The returned secret is never stored and cannot be shown again.
    /// - Parameters:
    ///   - actor: who creates it; nil for the command line (the operator).
    ///   - via: `web`, `api` or `cli`.
    public func create(userID: Int64, name: String, by actor: User?, via: String, at instant: Date) async throws -> (secret: String, token: APIToken)
    {
        guard !name.trimmed.isEmpty else {
            throw ValidationError(field: "name", code: "required", message: "Name the token after what uses it.")
        }
        guard name.unicodeScalars.count <= TextLimit.name else {
            throw ValidationError(field: "name", code: "too_long", message: "name has at most \(TextLimit.name) characters.")
        }
        if let actor, actor.role != .admin, actor.id != userID {
            throw ScopeError("Only an administrator creates tokens for other people; \(actor.username) may create their own.", field: "username")
        }
        var generator = SystemRandomNumberGenerator()
        let bytes = (0..<32).map { _ in UInt8.random(in: 0...255, using: &generator) }
        let secret = "pacta_" + bytes.map { String($0, radix: 16).count == 1 ? "0" + String($0, radix: 16) : String($0, radix: 16) }.joined()
        let prefix = String(secret.prefix(14))
        guard let user = try await UserRepository(db: self.db).get(id: userID) else {
            throw NotFoundError("user", String(userID))
        }
        let id = try await self.db.one(
            """
            INSERT INTO api_tokens (user_id, name, token_hash, prefix, created_at, created_by, created_via)
            VALUES (\(userID), \(name.trimmed), \(Hashing.sha256Hex(secret.utf8)), \(prefix), \(instant), \(actor?.id), \(via)) RETURNING id
            """,
            as: Int64.self
        )
        let token = APIToken(
            id: id,
            username: user.username,
            name: name.trimmed,
            prefix: prefix,
            createdAt: Date(timeIntervalSince1970: instant.timeIntervalSince1970.rounded(.down)),
            createdBy: actor?.username,
            createdVia: via,
            lastUsedAt: nil,
            revokedAt: nil
        )
        return (secret, token)
    }

    /// The active user a secret belongs to, if the token exists and is not revoked; records its use
    /// (to the minute).
    public func authenticate(secret: String, at instant: Date) async throws -> TokenHolder? {
        let hash = Hashing.sha256Hex(secret.utf8)
        guard
            let row = try await self.db.first(
                "SELECT " + UserRepository.columns + """
                    , t.id, t.last_used_at, t.created_by
                    FROM api_tokens t JOIN users u ON u.id = t.user_id JOIN units un ON un.id = u.unit_id
                    WHERE t.token_hash = \(hash) AND t.revoked_at IS NULL
                    """
            )
        else { return nil }
        let user = try UserRepository.user(row)
        guard user.active else { return nil }
        let (id, lastUsed, createdBy) = try row.dropFirst(UserRepository.columnCount).decode((Int64, Date?, Int64?).self)
        // Recording every call would turn each read into a write; a minute's precision is plenty.
        if lastUsed.map({ instant.timeIntervalSince($0) >= 60 }) ?? true {
            // The first requests of a client with many connections all get here at once: those
            // that find the row being updated leave the recording to that one instead of queueing.
            try await self.db.execute(
                "UPDATE api_tokens SET last_used_at = \(instant) WHERE id IN (SELECT id FROM api_tokens WHERE id = \(id)"
                    + self.db.dialect.forUpdateSkipLocked + ")"
            )
        }
        return TokenHolder(user: user, tokenID: id, isOwn: createdBy == user.id)
    }

    /// The tokens `actor` may see, newest first: every one for an administrator, their own otherwise.
    public func list(for actor: User) async throws -> [APIToken] {
        let filter: SQL = actor.role == .admin ? "" : " WHERE t.user_id = \(actor.id)"
        return try await self.db.query(
            """
            SELECT t.id, u.username, t.name, t.prefix, t.created_at, b.username, t.created_via, t.last_used_at, t.revoked_at
            FROM api_tokens t JOIN users u ON u.id = t.user_id LEFT JOIN users b ON b.id = t.created_by
            """ + filter + " ORDER BY t.created_at DESC, t.id DESC"
        ).map { row in
            let (id, username, name, prefix, createdAt, createdBy, createdVia, lastUsedAt, revokedAt) = try row.decode(
                (Int64, String, String, String, Date, String?, String, Date?, Date?).self
            )
            return APIToken(
                id: id,
                username: username,
                name: name,
                prefix: prefix,
                createdAt: createdAt,
                createdBy: createdBy,
                createdVia: createdVia,
                lastUsedAt: lastUsedAt,
                revokedAt: revokedAt
            )
        }
    }

    /// Revokes a token; it stops working at once. Others' tokens are not found unless the actor is an administrator.
    public func revoke(id: Int64, by actor: User, at instant: Date) async throws {
        let owner = try await self.db.first("SELECT user_id FROM api_tokens WHERE id = \(id)")?.decode(Int64.self)
        guard let owner, actor.role == .admin || owner == actor.id else {
            throw NotFoundError("token", String(id))
        }
        try await self.db.execute("UPDATE api_tokens SET revoked_at = \(instant) WHERE id = \(id) AND revoked_at IS NULL")
    }
}
