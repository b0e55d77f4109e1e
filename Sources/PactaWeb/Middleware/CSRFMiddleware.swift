import Foundation
import Hummingbird
import HummingbirdAuth
import PactaCore
import PactaStore

/// Checks the `_csrf` field of every form posted by a browser against the session's token,
/// and hands the parsed form to the handler in `context.form`.
struct CSRFMiddleware: RouterMiddleware {
    func handle(_ request: Request, context: AppRequestContext, next: (Request, AppRequestContext) async throws -> Response) async throws -> Response {
        guard request.method == .post else { return try await next(request, context) }
        var request = request
        let form = try await FormData.parse(&request, context: context)
        guard let expected = context.sessions.session?.csrf, form["_csrf"] == expected else {
            throw APIError(.forbidden, code: "invalid_csrf", message: "The form expired or did not come from Pacta. Reload the page and try again.")
        }
        var context = context
        context.form = form
        return try await next(request, context)
    }
}
