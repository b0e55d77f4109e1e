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
        let messages = self.services.renderer.messages(context.language)
        let rows: [[String: Any]] = try await self.services.store.users.list().map {
            [
                "username": $0.username, "name": $0.name, "roleLabel": messages.text("roles.\($0.role.rawValue)", or: $0.role.rawValue),
                "unit": $0.unit, "active": $0.active, "editHref": "/users/\($0.id)/edit",
            ]
        }
        let (errors, errorList) = self.services.renderer.fieldErrors(issues, language: context.language, form: "users")
        let page: [String: Any] = [
            "rows": rows, "errors": errors, "errorList": errorList,
            "form": ["username": form.text("username"), "name": form.text("name")],
            "roles": options(
                Role.allCases,
                selected: { $0.rawValue == (form["role"] ?? Role.viewer.rawValue) },
                describe: {
                    ["value": $0.rawValue, "label": messages.text("roles.\($0.rawValue)", or: $0.rawValue)]
                }
            ),
            "units": options(
                try await self.services.store.units.list(),
                selected: { $0.code == form.text("unit") },
                describe: {
                    ["code": $0.code, "name": $0.name]
                }
            ),
        ]
        return self.services.renderer.render(
            .users,
            titleKey: "users.title",
            section: "users",
            page: page,
            request: request,
            context: context,
            status: issues.isEmpty ? .ok : .unprocessableContent
        )
    }

    @Sendable func editUser(_ request: Request, context: AppRequestContext) async throws -> HTML {
        let user = try await self.user(context)
        return try await self.userForm(user, role: user.role, unit: user.unit, active: user.active, issues: [], request: request, context: context)
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
                password: form["password"]
            )
        } catch let error as ValidationError {
            return try await self.userForm(
                user,
                role: role ?? user.role,
                unit: form.text("unit"),
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
        active: Bool,
        issues: [FieldIssue],
        request: Request,
        context: AppRequestContext
    ) async throws -> HTML {
        let messages = self.services.renderer.messages(context.language)
        let (errors, errorList) = self.services.renderer.fieldErrors(issues, language: context.language, form: "user_form")
        let page: [String: Any] = [
            "action": "/users/\(user.id)", "username": user.username, "name": user.name, "active": active,
            "roles": options(
                Role.allCases,
                selected: { $0 == role },
                describe: {
                    ["value": $0.rawValue, "label": messages.text("roles.\($0.rawValue)", or: $0.rawValue)]
                }
            ),
            "units": options(
                try await self.services.store.units.list(),
                selected: { $0.code == unit },
                describe: { ["code": $0.code, "name": $0.name] }
            ),
            "errors": errors, "errorList": errorList,
        ]
        return self.services.renderer.render(
            .userForm,
            titleKey: "user_form.title",
            section: "users",
            page: page,
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
        let zone = self.services.timeZone
        let user = try context.user
        let messages = self.services.renderer.messages(context.language)
        let rows: [[String: Any]] = try await self.services.store.tokens.list(for: user).map {
            [
                "id": $0.id, "username": $0.username, "name": $0.name, "prefix": $0.prefix,
                "createdBy": $0.createdBy ?? messages.text("tokens.created_by_cli", or: "command line"), "canSign": $0.isOwn,
                "createdAt": Format.instant($0.createdAt, in: zone), "lastUsedAt": $0.lastUsedAt.map { Format.instant($0, in: zone) } ?? "",
                "revokedAt": $0.revokedAt.map { Format.instant($0, in: zone) } ?? "",
                "revokeAction": $0.revokedAt == nil ? "/tokens/\($0.id)/revoke" : "",
            ]
        }
        let (errors, errorList) = self.services.renderer.fieldErrors(issues, language: context.language, form: "tokens")
        var page: [String: Any] = ["rows": rows, "errors": errors, "errorList": errorList, "forOthers": user.role == .admin]
        if user.role == .admin {
            page["users"] = options(
                try await self.services.store.users.list(),
                selected: { $0.id == user.id },
                describe: {
                    ["username": $0.username, "name": $0.name]
                }
            )
        }
        if let secret { page["newSecret"] = secret }
        return self.services.renderer.render(
            .tokens,
            titleKey: "tokens.title",
            section: "tokens",
            page: page,
            request: request,
            context: context,
            status: status
        )
    }

    /// The verification report; `?head=` checks a ledger head kept outside the database.
    @Sendable func verify(_ request: Request, context: AppRequestContext) async throws -> HTML {
        let head = request.uri.queryParameters.get("head").map { $0.trimmingCharacters(in: .whitespaces) }.flatMap { $0.isEmpty ? nil : $0 }
        let report = try await self.services.store.agreements.verify(head: head, visibleTo: try context.actor)
        let messages = self.services.renderer.messages(context.language)
        var page: [String: Any] = [
            "checked": report.checkedSignatures, "checkedVersions": report.checkedVersions, "checkedEntries": report.checkedEntries,
            "intact": report.isIntact, "headHash": report.head.hash, "headSeq": report.head.seq, "hiddenIssues": report.hiddenIssues,
            "hasHiddenIssues": report.hiddenIssues > 0,
            "issues": report.issues.map { issue -> [String: Any] in
                [
                    "agreement": issue.agreement, "version": issue.version.map(String.init) ?? "",
                    "sideLabel": issue.side.map { messages.text("sides.\($0.rawValue)", or: $0.rawValue) } ?? "",
                    "expected": issue.expected ?? "—", "found": issue.found ?? "—",
                    "problem": messages.text("verify.problems.\(issue.code)", or: issue.problem),
                ]
            },
        ]
        if let check = report.headCheck {
            page["headCheck"] = ["hash": check.hash, "found": check.found, "seq": check.seq.map(String.init) ?? ""]
        }
        return self.services.renderer.render(.verify, titleKey: "verify.title", section: "verify", page: page, request: request, context: context)
    }
}
