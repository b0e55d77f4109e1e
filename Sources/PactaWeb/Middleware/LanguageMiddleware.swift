import Foundation
import Hummingbird
import HummingbirdAuth
import PactaCore
import PactaStore

/// Chooses the page language: the `lang` cookie set by the switch link, else `Accept-Language`, else Spanish.
struct LanguageMiddleware: RouterMiddleware {
    static let cookie = "lang"

    func handle(_ request: Request, context: AppRequestContext, next: (Request, AppRequestContext) async throws -> Response) async throws -> Response
    {
        var context = context
        if let value = request.cookies[Self.cookie]?.value, let language = Language(rawValue: String(value)) {
            context.language = language
        } else {
            context.language = Language.preferred(acceptLanguage: request.headers[.acceptLanguage])
        }
        return try await next(request, context)
    }
}
