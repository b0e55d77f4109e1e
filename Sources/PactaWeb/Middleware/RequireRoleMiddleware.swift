import Foundation
import Hummingbird
import HummingbirdAuth
import PactaCore
import PactaStore

/// Admits only signed-in users whose role is in `roles`: 401 for anonymous callers, 403 for other roles.
struct RequireRoleMiddleware: RouterMiddleware {
    let roles: Set<Role>

    init(_ roles: Set<Role>) {
        self.roles = roles
    }

    func handle(_ request: Request, context: AppRequestContext, next: (Request, AppRequestContext) async throws -> Response) async throws -> Response
    {
        guard let user = context.identity else {
            throw APIError(.unauthorized, code: "unauthorized", message: "Sign in or send an API token (Authorization: Bearer …).")
        }
        guard self.roles.contains(user.role) else {
            throw APIError(.forbidden, code: "forbidden", message: "The role \(user.role.rawValue) cannot do this.")
        }
        return try await next(request, context)
    }
}
