import Foundation
import Hummingbird
import HummingbirdAuth
import PactaApp
import PactaCore
import PactaStore

/// Sign-in, sign-out, the language switch, the home redirect, and one's own password.
struct SessionWebController: Sendable {
    let services: AppServices

    func addRoutes(to group: RouterGroup<AppRequestContext>) {
        group.get("login", use: self.loginPage)
        group.post("login", use: self.login)
        group.post("logout", use: self.logout)
        group.get("language", use: self.language)
        let signedIn = group.group().add(middleware: RequireRoleMiddleware(Role.everyone))
        // Management lands on the compliance dashboard; everyone else on the published agreements.
        signedIn.get("/") { _, context in redirect(try context.actor.role == .viewer ? "/dashboard" : "/published") }
        signedIn.get("account", use: self.accountPage)
        signedIn.post("account/password", use: self.changePassword)
        signedIn.post("account/email", use: self.changeEmail)
    }

    /// The sign-in form. A browser without a session gets its CSRF token in a cookie, not in a
    /// stored session: looking at this page writes nothing.
    @Sendable func loginPage(_ request: Request, context: AppRequestContext) async throws -> Response {
        if context.identity != nil, request.uri.queryParameters.get("next") == nil {
            return redirect("/published")
        }
        var context = context
        let cookie = context.anonymousCSRFCookie(secure: self.services.secureCookies)
        var response = try self.page(
            request,
            context: context,
            username: "",
            next: LocalPath.safe(request.uri.queryParameters.get("next") ?? "/")
        )
        .response(from: request, context: context)
        if let cookie { response.setCookie(cookie) }
        return response
    }

    /// Checks the password, unless this username or address guessed wrong too often lately: then
    /// the answer comes slower, and past the limit it is a 429 without looking at the password.
    @Sendable func login(_ request: Request, context: AppRequestContext) async throws -> Response {
        let form = context.form
        let username = form.text("username")
        let next = LocalPath.safe(form.text("next"))
        let address = context.clientAddress(request, trustingProxy: self.services.trustProxy)
        let throttle = self.services.store.loginThrottle
        let policy = self.services.loginPolicy
        let messages = self.services.renderer.messages(context.language)
        switch try await throttle.attempt(username: username, address: address, at: self.services.now(), policy: policy) {
        case .refused(let retryAfter):
            var response = try self.page(
                request,
                context: context,
                username: username,
                next: next,
                error: messages.text("errors.too_many_attempts", or: "Too many wrong passwords. Try again later."),
                status: .tooManyRequests
            ).response(from: request, context: context)
            response.headers[.retryAfter] = String(retryAfter)
            return response
        case .allowed(let delay):
            if delay > .zero { try await Task.sleep(for: delay) }
        }
        guard let user = try await Accounts(store: self.services.store).authenticate(username: username, password: form["password"] ?? "") else {
            return try self.page(
                request,
                context: context,
                username: username,
                next: next,
                error: messages.text("errors.invalid_credentials", or: "Wrong username or password."),
                status: .unauthorized
            ).response(from: request, context: context)
        }
        try await throttle.succeeded(username: username, address: address)
        // A fresh session (new id, new CSRF token) on every sign-in.
        context.sessions.createSession(WebSession(userID: user.id, epoch: user.sessionEpoch))
        return redirect(next)
    }

    @Sendable func logout(_ request: Request, context: AppRequestContext) async throws -> Response {
        context.sessions.clearSession()
        return redirect("/login")
    }

    /// `GET /language?set=en&back=/units`: remembers the language in a cookie and goes back.
    @Sendable func language(_ request: Request, context: AppRequestContext) async throws -> Response {
        let language = Language(rawValue: request.uri.queryParameters.get("set") ?? "") ?? .spanish
        var response = redirect(LocalPath.safe(request.uri.queryParameters.get("back") ?? "/"))
        response.setCookie(
            Cookie(
                name: LanguageMiddleware.cookie,
                value: language.rawValue,
                maxAge: 365 * 86_400,
                path: "/",
                secure: self.services.secureCookies,
                httpOnly: true,
                sameSite: .lax
            )
        )
        return response
    }

    /// One's own account: who Pacta knows them as, and the form to change their password.
    @Sendable func accountPage(_ request: Request, context: AppRequestContext) async throws -> HTML {
        self.account(request, context: context, issues: [])
    }

    /// Changes one's own password after checking the current one; every other session of the
    /// person ends, this one goes on.
    @Sendable func changePassword(_ request: Request, context: AppRequestContext) async throws -> Response {
        let user = try context.user
        let form = context.form
        do {
            guard form["new_password"] == form["repeat_password"] else {
                throw ValidationError(field: "repeat_password", code: "passwords_differ", message: "The two new passwords differ.")
            }
            let epoch = try await Accounts(store: self.services.store).changePassword(
                of: user,
                current: form["current_password"] ?? "",
                new: form["new_password"] ?? ""
            )
            context.sessions.withLockedSession { $0?.epoch = epoch }
        } catch let error as ValidationError {
            return try self.account(request, context: context, issues: error.issues).response(from: request, context: context)
        }
        context.flash("flash.password_changed")
        return redirect("/account")
    }

    /// Sets or removes one's own address for survey invitations.
    @Sendable func changeEmail(_ request: Request, context: AppRequestContext) async throws -> Response {
        let user = try context.user
        do {
            try await self.services.store.users.setEmail(id: user.id, email: context.form.text("email"))
        } catch let error as ValidationError {
            return try self.account(request, context: context, issues: error.issues, email: context.form.text("email")).response(
                from: request,
                context: context
            )
        }
        context.flash("flash.email_saved")
        return redirect("/account")
    }

    private func account(_ request: Request, context: AppRequestContext, issues: [FieldIssue], email: String? = nil) -> HTML {
        let errors = self.services.renderer.fieldErrors(issues, language: context.language, form: "account")
        return self.services.renderer.render(
            AccountPage(email: email ?? context.identity?.email ?? "", errors: errors),
            titleKey: "account.title",
            request: request,
            context: context,
            status: issues.isEmpty ? .ok : .unprocessableContent
        )
    }

    private func page(
        _ request: Request,
        context: AppRequestContext,
        username: String,
        next: String,
        error: String? = nil,
        status: HTTPResponse.Status = .ok
    ) -> HTML {
        self.services.renderer.render(
            LoginPage(username: username, next: next, error: error),
            titleKey: "login.title",
            request: request,
            context: context,
            status: status
        )
    }
}
