import Foundation
import PactaCore

/// A person who signs in to Pacta.
public struct User: Sendable, Hashable, Codable {
    public var id: Int64
    public var username: String
    /// Full name, as shown on signatures.
    public var name: String
    public var role: Role
    /// Code of the unit the person belongs to.
    public var unit: String
    public var active: Bool
    public var createdAt: Date
    /// Changes with every password change: sessions begun under another epoch have ended.
    public var sessionEpoch: Int
    /// Where survey invitations are sent; nil when the person gave none.
    public var email: String?

    /// The user acting through `channel`.
    public func actor(_ channel: Actor.Channel) -> Actor {
        Actor(username: self.username, name: self.name, role: self.role, unit: self.unit, channel: channel)
    }
}

/// Users and their password hashes.
public struct UserRepository: Sendable {
    let db: any DatabaseExecutor

    /// What ``user(_:)`` reads, from `users u` joined to its unit `un`.
    static let columns: SQL = "u.id, u.username, u.name, u.role, un.code, u.active, u.created_at, u.session_epoch, u.email"
    /// How many columns ``columns`` lists.
    static let columnCount = 9

    /// Every user, by username.
    public func list() async throws -> [User] {
        try await self.db.query(
            "SELECT " + Self.columns + " FROM users u JOIN units un ON un.id = u.unit_id ORDER BY u.username"
        ).map(Self.user)
    }

    /// The user with `id`, if any.
    public func get(id: Int64) async throws -> User? {
        try await self.db.first(
            "SELECT " + Self.columns + " FROM users u JOIN units un ON un.id = u.unit_id WHERE u.id = \(id)"
        ).map(Self.user)
    }

    /// The user called `username` and their password hash, if any.
    public func credentials(username: String) async throws -> (user: User, passwordHash: String)? {
        guard
            let row = try await self.db.first(
                "SELECT " + Self.columns + ", u.password_hash FROM users u JOIN units un ON un.id = u.unit_id WHERE u.username = \(username)"
            )
        else { return nil }
        return (try Self.user(row), try row.decode(Self.columnCount, as: String.self))
    }

    /// How many users exist.
    public func count() async throws -> Int {
        try await self.db.count("SELECT COUNT(*) FROM users", as: Int.self)
    }

    /// Adds a user with an already-hashed password.
    public func create(
        username: String,
        name: String,
        role: Role,
        unit: String,
        passwordHash: String,
        at instant: Date
    ) async throws -> User {
        var validator = Validator()
        Code.validate(username, field: "username", into: &validator)
        validator.check(!name.trimmed.isEmpty, "name", "required", "A full name is required.")
        validator.limit(name, TextLimit.name, "name")
        try validator.finish()
        return try await self.db.transaction { db in
            guard let unitRow = try await db.first("SELECT id FROM units WHERE code = \(unit)") else {
                throw ValidationError(field: "unit", code: "unknown_unit", message: "There is no unit \(unit).")
            }
            let unitID = try unitRow.decode(Int64.self)
            do {
                let id = try await db.one(
                    """
                    INSERT INTO users (username, name, password_hash, role, unit_id, active, created_at)
                    VALUES (\(username), \(name.trimmed), \(passwordHash), \(role), \(unitID), \(true), \(instant)) RETURNING id
                    """,
                    as: Int64.self
                )
                return User(
                    id: id,
                    username: username,
                    name: name.trimmed,
                    role: role,
                    unit: unit,
                    active: true,
                    createdAt: Date(timeIntervalSince1970: instant.timeIntervalSince1970.rounded(.down)),
                    sessionEpoch: 0
                )
            } catch DatabaseError.uniqueViolation {
                throw ValidationError(field: "username", code: "taken", message: "User \(username) already exists.")
            }
        }
    }

    /// Sets where `id`'s survey invitations go; an empty address removes it.
    public func setEmail(id: Int64, email: String) async throws {
        let email = email.trimmed
        guard email.isEmpty || Email.isPlausible(email) else {
            throw ValidationError(field: "email", code: "invalid_email", message: "'\(email)' is not an e-mail address.")
        }
        try await self.db.execute("UPDATE users SET email = \(email.isEmpty ? nil : email) WHERE id = \(id)")
    }

    /// Changes a user's role, unit, whether they may sign in and, when given, their password hash
    /// (which ends their sessions). The last active administrator cannot be demoted or blocked.
    public func update(id: Int64, role: Role, unit: String, active: Bool, passwordHash: String? = nil) async throws {
        try await self.db.transaction { db in
            guard let unitRow = try await db.first("SELECT id FROM units WHERE code = \(unit)") else {
                throw ValidationError(field: "unit", code: "unknown_unit", message: "There is no unit \(unit).")
            }
            guard try await db.first("SELECT id FROM users WHERE id = \(id)") != nil else {
                throw NotFoundError("user", String(id))
            }
            if role != .admin || !active {
                let others = try await db.count(
                    "SELECT COUNT(*) FROM users WHERE role = \(Role.admin) AND active = \(true) AND id <> \(id)",
                    as: Int.self
                )
                let isAdmin = try await db.first("SELECT id FROM users WHERE id = \(id) AND role = \(Role.admin) AND active = \(true)") != nil
                if isAdmin && others == 0 {
                    throw ValidationError(
                        field: role != .admin ? "role" : "active",
                        code: "last_admin",
                        message: "At least one active administrator must remain."
                    )
                }
            }
            let unitID = try unitRow.decode(Int64.self)
            try await db.execute("UPDATE users SET role = \(role), unit_id = \(unitID), active = \(active) WHERE id = \(id)")
            if let passwordHash {
                try await db.execute("UPDATE users SET password_hash = \(passwordHash), session_epoch = session_epoch + 1 WHERE id = \(id)")
            }
        }
    }

    /// Replaces a user's password hash and ends every session they have.
    /// - Returns: the new session epoch, for the session that made the change to keep.
    public func setPassword(id: Int64, passwordHash: String) async throws -> Int {
        try await self.db.transaction { db in
            try await db.execute("UPDATE users SET password_hash = \(passwordHash), session_epoch = session_epoch + 1 WHERE id = \(id)")
            guard let row = try await db.first("SELECT session_epoch FROM users WHERE id = \(id)") else { throw NotFoundError("user", String(id)) }
            return try row.decode(Int.self)
        }
    }

    static func user(_ row: DatabaseRow) throws -> User {
        let (id, username, name, role, unit, active, createdAt, sessionEpoch, email) = try row.decode(
            (Int64, String, String, Role, String, Bool, Date, Int, String?).self
        )
        return User(
            id: id,
            username: username,
            name: name,
            role: role,
            unit: unit,
            active: active,
            createdAt: createdAt,
            sessionEpoch: sessionEpoch,
            email: email
        )
    }
}
