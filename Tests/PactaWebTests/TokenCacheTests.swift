import Foundation
import PactaCore
import Testing

@testable import PactaStore
@testable import PactaWeb

/// The API token cache: one request checks a lapsed token again while the others carry on.
@Suite struct TokenCacheTests {
    static let holder = TokenHolder(
        user: User(
            id: 7,
            username: "ana",
            name: "Ana",
            role: .manager,
            unit: "TI",
            active: true,
            createdAt: Date(timeIntervalSince1970: 0),
            sessionEpoch: 0,
            email: nil
        ),
        tokenID: 3,
        isOwn: true
    )
    static let start = Date(timeIntervalSince1970: 1_800_000_000)

    static func isCheck(_ lookup: TokenCache.Lookup) -> Bool {
        if case .check = lookup { return true }
        return false
    }

    static func known(_ lookup: TokenCache.Lookup) -> TokenHolder? {
        if case .known(let holder) = lookup { return holder }
        return nil
    }

    @Test func aLapsedTokenIsCheckedByOneRequestWhileTheOthersCarryOn() throws {
        let cache = TokenCache()
        #expect(Self.isCheck(cache.lookup(hash: "h", at: Self.start)))
        guard case .check(let generation) = cache.lookup(hash: "h", at: Self.start) else { throw Expectation.failed }
        cache.remember(Self.holder, forHash: "h", at: Self.start, checkedIn: generation)
        #expect(Self.known(cache.lookup(hash: "h", at: Self.start.addingTimeInterval(4.9))) == Self.holder)

        // Lapsed: the first request checks it, the next ones get what was known meanwhile.
        let lapsed = Self.start.addingTimeInterval(TokenCache.lifetime)
        #expect(Self.isCheck(cache.lookup(hash: "h", at: lapsed)))
        #expect(Self.known(cache.lookup(hash: "h", at: lapsed)) == Self.holder)
        #expect(Self.known(cache.lookup(hash: "h", at: lapsed.addingTimeInterval(4.9))) == Self.holder)
        // A check that never came back lets another request try after a lifetime.
        #expect(Self.isCheck(cache.lookup(hash: "h", at: lapsed.addingTimeInterval(TokenCache.lifetime))))

        // The check found it revoked: nobody gets in with it any more.
        cache.forget(hash: "h")
        #expect(Self.isCheck(cache.lookup(hash: "h", at: lapsed.addingTimeInterval(TokenCache.lifetime))))
        #expect(Self.isCheck(cache.lookup(hash: "h", at: lapsed.addingTimeInterval(TokenCache.lifetime))))
    }

    @Test func aCheckUnderWayWhenEverythingIsForgottenIsNotRemembered() throws {
        let cache = TokenCache()
        guard case .check(let generation) = cache.lookup(hash: "h", at: Self.start) else { throw Expectation.failed }
        // A token is revoked while the check reads the database.
        cache.forgetAll()
        cache.remember(Self.holder, forHash: "h", at: Self.start, checkedIn: generation)
        guard case .check(let next) = cache.lookup(hash: "h", at: Self.start) else { throw Expectation.failed }
        cache.remember(Self.holder, forHash: "h", at: Self.start, checkedIn: next)
        #expect(Self.known(cache.lookup(hash: "h", at: Self.start)) == Self.holder)
    }

    enum Expectation: Error { case failed }
}
