import Foundation
import HummingbirdBcrypt
import NIOPosix
import PactaCore
import PactaStore

/// Passwords and user creation, shared by the pages, the API and the CLI.
public struct Accounts: Sendable {
    public let store: Store

    public init(store: Store) {
        self.store = store
    }

    /// Shortest password accepted.
    public static let minimumPasswordLength = 10
    /// bcrypt cost: about a quarter of a second per hash on this class of machine.
    static let cost: UInt8 = 11

    /// Creates a user with a bcrypt-hashed password.
    /// - Parameter email: where their survey invitations go; nil or empty for none.
    public func createUser(
        username: String,
        name: String,
        role: Role,
        unit: String,
        password: String,
        email: String? = nil,
        at instant: Date
    ) async throws -> User {
        let email = try Self.checked(email)
        let hash = try await self.hash(password)
        var user = try await self.store.users.create(username: username, name: name, role: role, unit: unit, passwordHash: hash, at: instant)
        if let email, !email.isEmpty {
            try await self.store.users.setEmail(id: user.id, email: email)
            user.email = email
        }
        return user
    }

    /// Changes a user's role, unit and access, their password when one is given, and their
    /// address when one is given (empty removes it). The address is checked before anything is saved.
    public func updateUser(id: Int64, role: Role, unit: String, active: Bool, password: String?, email: String? = nil) async throws {
        let email = try Self.checked(email)
        var hash: String?
        if let password, !password.isEmpty { hash = try await self.hash(password) }
        try await self.store.users.update(id: id, role: role, unit: unit, active: active, passwordHash: hash)
        if let email { try await self.store.users.setEmail(id: id, email: email) }
    }

    /// `email` trimmed, when it is empty or looks like an address.
    private static func checked(_ email: String?) throws -> String? {
        guard let email = email?.trimmed else { return nil }
        guard email.isEmpty || Email.isPlausible(email) else {
            throw ValidationError(field: "email", code: "invalid_email", message: "'\(email)' is not an e-mail address.")
        }
        return email
    }

    /// Changes a person's own password once the current one is checked; their other sessions end.
    /// - Returns: the new session epoch, for the session that made the change.
    public func changePassword(of user: User, current: String, new: String) async throws -> Int {
        guard try await self.authenticate(username: user.username, password: current) != nil else {
            throw ValidationError(field: "current_password", code: "wrong_password", message: "The current password is wrong.")
        }
        return try await self.store.users.setPassword(id: user.id, passwordHash: try await self.hash(new, field: "new_password"))
    }

    private func hash(_ password: String, field: String = "password") async throws -> String {
        guard password.count >= Self.minimumPasswordLength else {
            throw ValidationError(
                field: field,
                code: "password_too_short",
                message: "A password has at least \(Self.minimumPasswordLength) characters."
            )
        }
        guard password.unicodeScalars.count <= TextLimit.password else {
            throw ValidationError(field: field, code: "too_long", message: "A password has at most \(TextLimit.password) characters.")
        }
        return try await NIOThreadPool.singleton.runIfActive { Bcrypt.hash(password, cost: Self.cost) }
    }

    /// The active user with these credentials, or nil. Takes the same time whether or not the user exists.
    public func authenticate(username: String, password: String) async throws -> User? {
        let credentials = try await self.store.users.credentials(username: username)
        // Without a user, check against a fixed hash so that timing does not reveal which usernames exist.
        let hash = credentials?.passwordHash ?? "$2b$11$Ft6ePvuGQk4bHB2C5TzwU.cQJmUwZl1nd8WvjcBFI0qbhKwRlP5WS"
        let matches = try await NIOThreadPool.singleton.runIfActive { Bcrypt.verify(password, hash: hash) }
        guard matches, let user = credentials?.user, user.active else { return nil }
        return user
    }
}
