import Foundation
import Hummingbird
import HummingbirdAuth
import PactaCore
import PactaStore

/// Sign-in, sign-out, the language switch and the home redirect.
struct SessionWebController: Sendable {
    let services: AppServices

    func addRoutes(to group: RouterGroup<AppRequestContext>) {
        group.get("login", use: self.loginPage)
        group.post("login", use: self.login)
        group.post("logout", use: self.logout)
        group.get("language", use: self.language)
        group.group().add(middleware: RequireRoleMiddleware(Role.everyone)).get("/") { _, _ in redirect("/published") }
    }

    @Sendable func loginPage(_ request: Request, context: AppRequestContext) async throws -> Response {
        context.ensureSession()
        if context.identity != nil, request.uri.queryParameters.get("next") == nil {
            return redirect("/published")
        }
        return try self.page(request, context: context, username: "", next: request.uri.queryParameters.get("next") ?? "/published")
            .response(from: request, context: context)
    }

    @Sendable func login(_ request: Request, context: AppRequestContext) async throws -> Response {
        let form = context.form
        let username = form.text("username")
        let next = Self.safeNext(form.text("next"))
        guard let user = try await Accounts(store: self.services.store).authenticate(username: username, password: form["password"] ?? "") else {
            let messages = self.services.renderer.messages(context.language)
            return try self.page(
                request, context: context, username: username, next: next,
                error: messages.text("errors.invalid_credentials", or: "Wrong username or password."), status: .unauthorized
            ).response(from: request, context: context)
        }
        // A fresh session (new id, new CSRF token) on every sign-in.
        context.sessions.createSession(WebSession(userID: user.id))
        return redirect(next)
    }

    @Sendable func logout(_ request: Request, context: AppRequestContext) async throws -> Response {
        context.sessions.clearSession()
        return redirect("/login")
    }

    /// `GET /language?set=en&back=/units`: remembers the language in a cookie and goes back.
    @Sendable func language(_ request: Request, context: AppRequestContext) async throws -> Response {
        let language = Language(rawValue: request.uri.queryParameters.get("set") ?? "") ?? .spanish
        var response = redirect(Self.safeNext(request.uri.queryParameters.get("back") ?? "/"))
        response.setCookie(Cookie(name: LanguageMiddleware.cookie, value: language.rawValue, maxAge: 365 * 86_400, path: "/", httpOnly: true, sameSite: .lax))
        return response
    }

    private func page(
        _ request: Request, context: AppRequestContext, username: String, next: String, error: String? = nil,
        status: HTTPResponse.Status = .ok
    ) -> HTML {
        var page: [String: Any] = ["username": username, "next": next]
        if let error { page["error"] = error }
        return self.services.renderer.render("login", titleKey: "login.title", page: page, request: request, context: context, status: status)
    }

    /// Only local paths, so the login form cannot send people elsewhere.
    static func safeNext(_ next: String) -> String {
        next.hasPrefix("/") && !next.hasPrefix("//") && !next.contains("\\") ? next : "/published"
    }
}
