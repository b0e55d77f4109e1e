import Foundation
import Hummingbird
import HummingbirdAuth
import PactaCore
import PactaStore

/// Checks the `_csrf` field of every form posted by a browser, and hands the parsed form to the
/// handler in `context.form`.
///
/// A browser with a session sends back its session's token. One without (the sign-in form) sends
/// back the token of its `pacta_csrf` cookie: a double-submitted cookie, so that looking at the
/// sign-in page stores nothing in the database. Behind TLS the cookie is `__Host-pacta_csrf`,
/// which no other host (a sibling subdomain, say) can set.
struct CSRFMiddleware: RouterMiddleware {
    /// Whether cookies are `Secure` (behind TLS).
    let secure: Bool

    /// The name of the sign-in form's cookie.
    static func cookie(secure: Bool) -> String { secure ? "__Host-pacta_csrf" : "pacta_csrf" }

    func handle(_ request: Request, context: AppRequestContext, next: (Request, AppRequestContext) async throws -> Response) async throws -> Response
    {
        var context = context
        if let cookie = request.cookies[Self.cookie(secure: self.secure)]?.value, cookie.count == 64 {
            context.anonymousCSRF = String(cookie)
        }
        guard request.method == .post else { return try await next(request, context) }
        var request = request
        let form = try await FormData.parse(&request, context: context)
        let expected = context.sessions.session?.csrf ?? context.anonymousCSRF
        guard let expected, let sent = form["_csrf"], Self.same(sent, expected) else {
            throw APIError(.forbidden, code: "invalid_csrf", message: "The form expired or did not come from Pacta. Reload the page and try again.")
        }
        context.form = form
        return try await next(request, context)
    }

    /// Compares in time independent of where the first difference is.
    static func same(_ lhs: String, _ rhs: String) -> Bool {
        let (a, b) = (Array(lhs.utf8), Array(rhs.utf8))
        guard a.count == b.count else { return false }
        return zip(a, b).reduce(0) { $0 | ($1.0 ^ $1.1) } == 0
    }
}
