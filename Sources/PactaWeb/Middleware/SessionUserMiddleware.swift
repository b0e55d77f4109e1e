import Foundation
import Hummingbird
import HummingbirdAuth
import PactaCore
import PactaStore

/// Puts the signed-in user of the browser session into the context; a session begun before the
/// user's last password change, or of a user who may no longer sign in, ends here.
struct SessionUserMiddleware: RouterMiddleware {
    let store: Store

    func handle(_ request: Request, context: AppRequestContext, next: (Request, AppRequestContext) async throws -> Response) async throws -> Response {
        var context = context
        if let userID = context.sessions.session?.userID {
            if let user = try await self.store.users.get(id: userID), user.active, (context.sessions.session?.epoch ?? 0) == user.sessionEpoch {
                context.identity = user
            } else {
                context.sessions.clearSession()
            }
        }
        return try await next(request, context)
    }
}
