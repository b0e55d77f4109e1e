import Foundation
import Hummingbird
import HummingbirdAuth
import PactaApp
import PactaCore
import PactaStore

/// Administration pages: users, API tokens (everybody's own; an administrator's for anyone), and verification.
struct AdminWebController: Sendable {
    let services: AppServices

    func addRoutes(to group: RouterGroup<AppRequestContext>) {
        let admin = group.group().add(middleware: RequireRoleMiddleware(Permissions.admin))
        admin.get("users", use: self.users)
        admin.post("users", use: self.createUser)
        admin.get("users/:id/edit", use: self.editUser)
        admin.post("users/:id", use: self.updateUser)
        let everyone = group.group().add(middleware: RequireRoleMiddleware(Role.everyone))
        everyone.get("tokens", use: self.tokens)
        everyone.post("tokens", use: self.createToken)
        everyone.post("tokens/:id/revoke", use: self.revokeToken)
        group.group().add(middleware: RequireRoleMiddleware(Permissions.verify)).get("verify", use: self.verify)
    }

    @Sendable func users(_ request: Request, context: AppRequestContext) async throws -> HTML {
        try await self.usersPage(form: FormData(), issues: [], request: request, context: context)
    }

    @Sendable func createUser(_ request: Request, context: AppRequestContext) async throws -> Response {
        let form = context.form
        do {
            guard let role = Role(rawValue: form.text("role")) else {
                throw ValidationError(field: "role", code: "invalid_role", message: "Choose a role.")
            }
            _ = try await Accounts(store: self.services.store).createUser(
                username: form.text("username"),
                name: form.text("name"),
                role: role,
                unit: form.text("unit"),
                password: form["password"] ?? "",
                at: self.services.now()
            )
        } catch let error as ValidationError {
            return try await self.usersPage(form: form, issues: error.issues, request: request, context: context).response(
                from: request,
                context: context
            )
        }
        context.flash("flash.user_created")
        return redirect("/users")
    }

    private func usersPage(form: FormData, issues: [FieldIssue], request: Request, context: AppRequestContext) async throws -> HTML {
        let page = UsersPage(
            try await self.services.store.users.list(),
            units: try await self.services.store.units.list(),
            form: form,
            errors: self.services.renderer.fieldErrors(issues, language: context.language, form: "users"),
            messages: self.services.renderer.messages(context.language)
        )
        return self.services.renderer.render(
            page,
            titleKey: "users.title",
            section: "users",
            request: request,
            context: context,
            status: issues.isEmpty ? .ok : .unprocessableContent
        )
    }

    @Sendable func editUser(_ request: Request, context: AppRequestContext) async throws -> HTML {
        let user = try await self.user(context)
        return try await self.userForm(
            user,
            role: user.role,
            unit: user.unit,
            email: user.email ?? "",
            active: user.active,
            issues: [],
            request: request,
            context: context
        )
    }

    @Sendable func updateUser(_ request: Request, context: AppRequestContext) async throws -> Response {
        let user = try await self.user(context)
        let form = context.form
        let role = Role(rawValue: form.text("role"))
        let active = form["active"] != nil
        do {
            guard let role else { throw ValidationError(field: "role", code: "invalid_role", message: "Choose a role.") }
            try await Accounts(store: self.services.store).updateUser(
                id: user.id,
                role: role,
                unit: form.text("unit"),
                active: active,
                password: form["password"],
                email: form.text("email")
            )
            self.services.tokenCache.forgetAll()
        } catch let error as ValidationError {
            return try await self.userForm(
                user,
                role: role ?? user.role,
                unit: form.text("unit"),
                email: form.text("email"),
                active: active,
                issues: error.issues,
                request: request,
                context: context
            ).response(from: request, context: context)
        }
        context.flash("flash.user_saved")
        return redirect("/users")
    }

    private func user(_ context: AppRequestContext) async throws -> User {
        let key = try context.parameters.require("id")
        guard let id = Int64(key), let user = try await self.services.store.users.get(id: id) else { throw NotFoundError("user", key) }
        return user
    }

    private func userForm(
        _ user: User,
        role: Role,
        unit: String,
        email: String,
        active: Bool,
        issues: [FieldIssue],
        request: Request,
        context: AppRequestContext
    ) async throws -> HTML {
        let page = UserFormPage(
            user,
            role: role,
            unit: unit,
            email: email,
            active: active,
            units: try await self.services.store.units.list(),
            errors: self.services.renderer.fieldErrors(issues, language: context.language, form: "user_form"),
            messages: self.services.renderer.messages(context.language)
        )
        return self.services.renderer.render(
            page,
            titleKey: "user_form.title",
            section: "users",
            request: request,
            context: context,
            status: issues.isEmpty ? .ok : .unprocessableContent
        )
    }

    @Sendable func tokens(_ request: Request, context: AppRequestContext) async throws -> HTML {
        try await self.tokensPage(secret: nil, issues: [], request: request, context: context)
    }

    /// Creates a token and shows its secret on this one page, never again.
    @Sendable func createToken(_ request: Request, context: AppRequestContext) async throws -> HTML {
        let form = context.form
        let user = try context.user
        do {
            // Everybody else creates tokens for themselves only.
            let username = user.role == .admin && !form.text("user").isEmpty ? form.text("user") : user.username
            guard let owner = try await self.services.store.users.credentials(username: username)?.user else {
                throw ValidationError(field: "user", code: "required", message: "Choose the user the token acts as.")
            }
            let (secret, _) = try await self.services.store.tokens.create(
                userID: owner.id,
                name: form.text("name"),
                by: user,
                via: "web",
                at: self.services.now()
            )
            return try await self.tokensPage(secret: secret, issues: [], request: request, context: context, status: .created)
        } catch let error as ValidationError {
            return try await self.tokensPage(secret: nil, issues: error.issues, request: request, context: context, status: .unprocessableContent)
        }
    }

    @Sendable func revokeToken(_ request: Request, context: AppRequestContext) async throws -> Response {
        guard let id = Int64(try context.parameters.require("id")) else { throw NotFoundError("token", try context.parameters.require("id")) }
        try await self.services.store.tokens.revoke(id: id, by: try context.user, at: self.services.now())
        self.services.tokenCache.forgetAll()
        context.flash("flash.token_revoked")
        return redirect("/tokens")
    }

    private func tokensPage(
        secret: String?,
        issues: [FieldIssue],
        request: Request,
        context: AppRequestContext,
        status: HTTPResponse.Status = .ok
    ) async throws -> HTML {
        let user = try context.user
        let page = TokensPage(
            try await self.services.store.tokens.list(for: user),
            for: user,
            users: user.role == .admin ? try await self.services.store.users.list() : [],
            newSecret: secret,
            errors: self.services.renderer.fieldErrors(issues, language: context.language, form: "tokens"),
            messages: self.services.renderer.messages(context.language),
            timeZone: self.services.timeZone
        )
        return self.services.renderer.render(page, titleKey: "tokens.title", section: "tokens", request: request, context: context, status: status)
    }

    /// The verification report; `?head=` checks a ledger head kept outside the database.
    @Sendable func verify(_ request: Request, context: AppRequestContext) async throws -> HTML {
        let head = request.uri.queryParameters.get("head").map { $0.trimmingCharacters(in: .whitespaces) }.flatMap { $0.isEmpty ? nil : $0 }
        let page = VerifyPage(
            try await self.services.store.agreements.verify(head: head, visibleTo: try context.actor),
            messages: self.services.renderer.messages(context.language)
        )
        return self.services.renderer.render(page, titleKey: "verify.title", section: "verify", request: request, context: context)
    }
}
