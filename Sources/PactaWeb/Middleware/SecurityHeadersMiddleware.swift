import HTTPTypes
import Hummingbird

extension HTTPField.Name {
    static let xForwardedFor = Self("X-Forwarded-For")!
    static let xFrameOptions = Self("X-Frame-Options")!
    static let referrerPolicy = Self("Referrer-Policy")!
}

/// The content security policy of every answer (kept outside the generic middleware, which cannot
/// hold it, so that it is not built again for each one).
private let contentSecurityPolicy =
    "default-src 'self'; script-src 'none'; object-src 'none'; style-src 'self'; img-src 'self' data:; "
    + "form-action 'self'; frame-ancestors 'none'; base-uri 'none'"

/// Headers on every answer that keep browsers from running, framing or sniffing what Pacta did
/// not mean: pages carry no script at all, so the policy allows none.
struct SecurityHeadersMiddleware<Context: RequestContext>: RouterMiddleware {
    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        var response = try await next(request, context)
        response.headers[.contentSecurityPolicy] = contentSecurityPolicy
        response.headers[.xContentTypeOptions] = "nosniff"
        response.headers[.xFrameOptions] = "DENY"
        response.headers[.referrerPolicy] = "same-origin"
        return response
    }
}
