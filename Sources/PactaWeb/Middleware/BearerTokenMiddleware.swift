import Foundation
import Hummingbird
import HummingbirdAuth
import PactaCore
import PactaStore

/// Authenticates API calls by `Authorization: Bearer <token>`.
struct BearerTokenMiddleware: RouterMiddleware {
    let store: Store
    let cache: TokenCache
    let now: @Sendable () -> Date

    func handle(_ request: Request, context: AppRequestContext, next: (Request, AppRequestContext) async throws -> Response) async throws -> Response
    {
        var context = context
        if let secret = request.headers.bearerSecret {
            let now = self.now()
            let hash = Hashing.sha256Hex(secret.utf8)
            let holder: TokenHolder
            switch self.cache.lookup(hash: hash, at: now) {
            case .known(let known):
                holder = known
            case .check(let generation):
                guard let found = try await self.store.tokens.authenticate(secret: secret, at: now) else {
                    self.cache.forget(hash: hash)
                    throw APIError(.unauthorized, code: "invalid_token", message: "The API token is unknown or revoked.")
                }
                self.cache.remember(found, forHash: hash, at: now, checkedIn: generation)
                holder = found
            }
            context.identity = holder.user
            context.channel = .token(id: holder.tokenID, own: holder.isOwn)
        }
        return try await next(request, context)
    }
}

extension HTTPFields {
    /// The secret of an `Authorization: Bearer …` header (the scheme in any case), if one was sent.
    /// Every API request reads it: no Foundation string bridging here.
    var bearerSecret: String? {
        guard let header = self[.authorization] else { return nil }
        let scheme = "bearer ".utf8
        guard header.utf8.count > scheme.count, zip(header.utf8, scheme).allSatisfy({ $0 | 0x20 == $1 }) else { return nil }
        return String(header.utf8.dropFirst(scheme.count))!.trimmed
    }
}
