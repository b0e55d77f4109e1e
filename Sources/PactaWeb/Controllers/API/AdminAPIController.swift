import Foundation
import Hummingbird
import HummingbirdAuth
import PactaApp
import PactaCore
import PactaStore

/// `/api/v1/me`, `/users`, `/tokens` and `/verify`. Everybody manages their own tokens; an
/// administrator manages everyone's.
struct AdminAPIController: Sendable {
    let services: AppServices

    func addRoutes(to group: RouterGroup<AppRequestContext>) {
        group.group().add(middleware: RequireRoleMiddleware(Role.everyone)).get("me", use: self.me)
        let admin = group.group().add(middleware: RequireRoleMiddleware(Permissions.admin))
        admin.get("users", use: self.users)
        admin.post("users", use: self.createUser)
        admin.put("users/:id", use: self.updateUser)
        let everyone = group.group().add(middleware: RequireRoleMiddleware(Role.everyone))
        everyone.get("tokens", use: self.tokens)
        everyone.post("tokens", use: self.createToken)
        everyone.delete("tokens/:id", use: self.revokeToken)
        group.group().add(middleware: RequireRoleMiddleware(Permissions.verify)).get("verify", use: self.verify)
    }

    @Sendable func me(_ request: Request, context: AppRequestContext) async throws -> UserJSON {
        UserJSON(try context.requireIdentity())
    }

    @Sendable func users(_ request: Request, context: AppRequestContext) async throws -> ItemList<UserJSON> {
        ItemList(items: try await self.services.store.users.list().map(UserJSON.init))
    }

    @Sendable func createUser(_ request: Request, context: AppRequestContext) async throws -> EditedResponse<UserJSON> {
        struct Body: Codable {
            var username: String
            var name: String
            var role: Role
            var unit: String
            var password: String
            var email: String?
        }
        let body = try await request.decodeJSON(as: Body.self, context: context)
        let user = try await Accounts(store: self.services.store).createUser(
            username: body.username,
            name: body.name,
            role: body.role,
            unit: body.unit,
            password: body.password,
            email: body.email,
            at: self.services.now()
        )
        return EditedResponse(status: .created, response: UserJSON(user))
    }

    /// Changes a user's role, unit and access; `password` and `email` when given replace them.
    @Sendable func updateUser(_ request: Request, context: AppRequestContext) async throws -> UserJSON {
        struct Body: Codable {
            var role: Role
            var unit: String
            var active: Bool
            var password: String?
            /// Absent: unchanged; empty: removed.
            var email: String?
        }
        let key = try context.parameters.require("id")
        guard let id = Int64(key) else { throw NotFoundError("user", key) }
        let body = try await request.decodeJSON(as: Body.self, context: context)
        try await Accounts(store: self.services.store).updateUser(
            id: id,
            role: body.role,
            unit: body.unit,
            active: body.active,
            password: body.password,
            email: body.email
        )
        self.services.tokenCache.forgetAll()
        guard let user = try await self.services.store.users.get(id: id) else { throw NotFoundError("user", key) }
        return UserJSON(user)
    }

    @Sendable func tokens(_ request: Request, context: AppRequestContext) async throws -> ItemList<APIToken> {
        ItemList(items: try await self.services.store.tokens.list(for: try context.user))
    }

    /// Creates a token for `username` (default: the caller; someone else only for an administrator).
    /// The secret is in this answer only.
    @Sendable func createToken(_ request: Request, context: AppRequestContext) async throws -> EditedResponse<NewTokenJSON> {
        struct Body: Codable {
            var name: String
            var username: String?
        }
        // A token someone else made for this person cannot make one that would count as theirs.
        if case .token(_, own: false) = context.channel {
            throw APIError(
                .forbidden,
                code: "not_your_own_token",
                message: "This token was created for you by someone else: it cannot create tokens. Sign in, or use a token you created yourself."
            )
        }
        let body = try await request.decodeJSON(as: Body.self, context: context)
        let owner: User
        if let username = body.username, username != context.identity?.username {
            guard let found = try await self.services.store.users.credentials(username: username)?.user else {
                throw ValidationError(field: "username", code: "unknown_user", message: "There is no user \(username).")
            }
            owner = found
        } else {
            owner = try context.requireIdentity()
        }
        let (secret, token) = try await self.services.store.tokens.create(
            userID: owner.id,
            name: body.name,
            by: try context.user,
            via: "api",
            at: self.services.now()
        )
        return EditedResponse(status: .created, response: NewTokenJSON(token: token, secret: secret))
    }

    @Sendable func revokeToken(_ request: Request, context: AppRequestContext) async throws -> HTTPResponse.Status {
        guard let id = Int64(try context.parameters.require("id")) else { throw NotFoundError("token", try context.parameters.require("id")) }
        try await self.services.store.tokens.revoke(id: id, by: try context.user, at: self.services.now())
        self.services.tokenCache.forgetAll()
        return .noContent
    }

    /// `?head=` a ledger hash kept earlier: the report says whether everything up to it is intact.
    @Sendable func verify(_ request: Request, context: AppRequestContext) async throws -> EditedResponse<VerificationReport> {
        let head = request.uri.queryParameters.get("head")?.lowercased()
        if let head, head.utf8.count != 64 || !head.utf8.allSatisfy({ ($0 &- 48) < 10 || ($0 &- 97) < 6 }) {
            throw APIError(.badRequest, code: "invalid_head", message: "head is a ledger hash: 64 hexadecimal digits.", field: "head")
        }
        let report = try await self.services.store.agreements.verify(head: head, visibleTo: try context.actor)
        return EditedResponse(status: .ok, response: report)
    }
}
