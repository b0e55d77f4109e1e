import Foundation
import Hummingbird
import HummingbirdAuth
import Logging
import PactaCore
import PactaStore

/// Turns every error into a proper answer: a JSON body under `/api`, an error page elsewhere,
/// and a redirect to the login page when a browser is not signed in. Never leaks internals.
struct ErrorMiddleware: RouterMiddleware {
    let renderer: PageRenderer

    func handle(_ request: Request, context: AppRequestContext, next: (Request, AppRequestContext) async throws -> Response) async throws -> Response
    {
        do {
            return try await next(request, context)
        } catch {
            let apiError = APIError(error)
            if apiError.status == .internalServerError {
                context.logger.error("Unhandled error", metadata: ["error": "\(String(reflecting: error))", "path": "\(request.uri.path)"])
            }
            // Machines read JSON: the API, and Prometheus at /metrics.
            if request.uri.path.hasPrefix("/api/") || request.uri.path == "/metrics" {
                return try Self.json(apiError)
            }
            if apiError.status == .unauthorized {
                let next = PageRenderer.percentEncode(request.uri.description)
                return Response(status: .seeOther, headers: [.location: "/login?next=\(next)"])
            }
            return try self.page(apiError, request: request, context: context)
        }
    }

    static func json(_ error: APIError) throws -> Response {
        var buffer = ByteBuffer()
        buffer.writeBytes(try PactaJSON.encoder.encode(error.body))
        var headers: HTTPFields = [.contentType: "application/json; charset=utf-8"]
        if let retryAfter = error.retryAfter { headers[.retryAfter] = String(retryAfter) }
        if let allow = error.allow { headers[.allow] = allow }
        return Response(status: error.status, headers: headers, body: .init(byteBuffer: buffer))
    }

    private func page(_ error: APIError, request: Request, context: AppRequestContext) throws -> Response {
        let messages = self.renderer.messages(context.language)
        let heading: String =
            switch error.status {
            case .notFound: messages.text("error.not_found", or: "Not found")
            case .forbidden: messages.text("error.forbidden", or: "Forbidden")
            case .internalServerError where error.code == "corrupt_record": messages.text("error.corrupt", or: "Unreadable record")
            case .internalServerError: messages.text("error.internal", or: "Error")
            case .serviceUnavailable: messages.text("error.unavailable", or: "Service unavailable")
            default: messages.text("error.heading", or: "Error")
            }
        let message =
            switch error.status {
            case .internalServerError where error.code != "corrupt_record": messages.text("error.internal_message", or: error.message)
            case .serviceUnavailable: messages.text("error.unavailable_message", or: error.message)
            default: messages.text("errors.\(error.code)", or: error.message)
            }
        var response = try self.renderer.render(
            Self.page(error, heading: heading, message: message, request: request),
            titleKey: "error.title",
            request: request,
            context: context,
            status: error.status
        ).response(from: request, context: context)
        if let retryAfter = error.retryAfter { response.headers[.retryAfter] = String(retryAfter) }
        if let allow = error.allow { response.headers[.allow] = allow }
        return response
    }

    /// The error page: what went wrong, where, and what to do next.
    private static func page(_ error: APIError, heading: String, message: String, request: Request) -> ErrorPage {
        ErrorPage(
            status: Int(error.status.code),
            heading: heading,
            message: message,
            field: error.field.flatMap { $0.isEmpty ? nil : $0 },
            limit: error.limit,
            // Nothing was done: the same page, a moment later, is the way on.
            retry: error.status == .serviceUnavailable && request.method == .get ? LocalPath.safe(request.uri.description) : nil
        )
    }
}
