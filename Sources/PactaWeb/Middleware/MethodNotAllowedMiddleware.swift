import Hummingbird
import Synchronization

/// Answers 405 with `Allow` when the path exists with other methods; Hummingbird's router answers
/// 404 for a path it knows whatever the method.
struct MethodNotAllowedMiddleware: RouterMiddleware {
    /// The router's routes, known once every route is added (see ``RouteTable/fill(from:)``).
    let table: RouteTable

    func handle(_ request: Request, context: AppRequestContext, next: (Request, AppRequestContext) async throws -> Response) async throws -> Response
    {
        do {
            return try await next(request, context)
        } catch let error as HTTPError where error.status == .notFound && context.endpointPath == "NotFound" {
            let allowed = self.table.methods(for: request.uri.path)
            guard !allowed.isEmpty else { throw error }
            var refusal = APIError(
                .methodNotAllowed,
                code: "method_not_allowed",
                message: "\(request.uri.path) takes \(allowed.joined(separator: ", ")), not \(request.method)."
            )
            refusal.allow = allowed.joined(separator: ", ")
            throw refusal
        }
    }
}

/// The methods each route path takes, for telling a wrong method from a wrong path.
final class RouteTable: Sendable {
    private let routes = Mutex<[(segments: [Substring], method: String)]>([])

    func fill(from router: Router<AppRequestContext>) {
        let routes = router.routes.map { (segments: $0.path.description.split(separator: "/"), method: $0.method.rawValue) }
        self.routes.withLock { $0 = routes }
    }

    /// The methods of the route `path` leads to, sorted: as the router matches, a literal segment
    /// wins over a parameter (`/units/import` is not `/units/{code}`).
    func methods(for path: String) -> [String] {
        let segments = path.split(separator: "/")
        let matches: [(literals: [Bool], method: String)] = self.routes.withLock { routes in
            routes.compactMap { route in
                guard route.segments.count == segments.count else { return nil }
                var literals: [Bool] = []
                for (pattern, segment) in zip(route.segments, segments) {
                    if pattern == segment {
                        literals.append(true)
                    } else if pattern.hasPrefix(":") || pattern.hasPrefix("{") || pattern == "*" {
                        literals.append(false)
                    } else {
                        return nil
                    }
                }
                return (literals, route.method)
            }
        }
        guard let best = matches.map(\.literals).max(by: { $0.lexicographicallyPrecedes($1) { !$0 && $1 } }) else { return [] }
        return Set(matches.filter { $0.literals == best }.map(\.method)).sorted()
    }
}
