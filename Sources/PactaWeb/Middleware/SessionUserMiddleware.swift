import Foundation
import Hummingbird
import HummingbirdAuth
import PactaCore
import PactaStore

/// Puts the signed-in user of the browser session into the context, with what awaits them (signatures,
/// surveys to answer, a manager's open detractor follow-ups); a session begun before the
/// user's last password change, or of a user who may no longer sign in, ends here. A session
/// that could not be read (the database away) is that error, not a signed-out visitor.
struct SessionUserMiddleware: RouterMiddleware {
    let store: Store
    /// Today in the organisation's zone: which surveys still take answers.
    let today: @Sendable () -> LocalDate

    func handle(_ request: Request, context: AppRequestContext, next: (Request, AppRequestContext) async throws -> Response) async throws -> Response
    {
        if let error = SessionLoadFailure.current?.error { throw error }
        var context = context
        if let userID = context.sessions.session?.userID {
            if let user = try await self.store.users.get(id: userID), user.active, (context.sessions.session?.epoch ?? 0) == user.sessionEpoch {
                context.identity = user
                if Role.signers.contains(user.role) {
                    context.awaitingSignature = try await self.store.agreements.awaitingSignature(of: user.actor(.web))
                }
                context.pendingSurveys = try await self.store.campaigns.pending(for: user, today: self.today())
                if user.role == .manager {
                    context.openFollowUps = try await self.store.followUps.counts(unit: user.unit, visibleTo: user.actor(.web))[.open] ?? 0
                }
            } else {
                context.sessions.clearSession()
            }
        }
        return try await next(request, context)
    }
}

/// Gives the request a place where reading its session records a failure (see ``SessionLoadFailure``).
struct SessionLoadFailureMiddleware: RouterMiddleware {
    func handle(_ request: Request, context: AppRequestContext, next: (Request, AppRequestContext) async throws -> Response) async throws -> Response
    {
        try await SessionLoadFailure.$current.withValue(SessionLoadFailure()) {
            try await next(request, context)
        }
    }
}
