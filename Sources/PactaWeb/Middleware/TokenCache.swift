import Foundation
import PactaStore
import Synchronization

/// API tokens recently checked against the database, for a few seconds: a system posting thousands
/// of answers a second would otherwise spend a database round trip on each just to say who it is.
/// This instance forgets everything whenever a token is revoked or a user changed through it;
/// another instance's entries lapse within ``lifetime``: that long, at most, a revoked token or a
/// deactivated user still gets in there (README, "API tokens").
///
/// When an entry lapses, the first request to see it checks the token again while the others carry
/// on with what was known: sixty connections of one client would otherwise all read the database
/// at the same instant, and all queue to record the token's use on the same row.
final class TokenCache: Sendable {
    static let lifetime: TimeInterval = 5

    private struct Entry {
        var holder: TokenHolder
        var until: Date
        /// When a request started checking the lapsed entry again.
        var checkingSince: Date?
    }

    private struct State {
        var entries: [String: Entry] = [:]
        /// Moves on with every ``forgetAll()``, so that a check under way then cannot bring back
        /// what it read before.
        var generation = 0
    }

    /// What a request is to do with a token.
    enum Lookup {
        /// Who holds it, as recently checked (or being checked again by another request).
        case known(TokenHolder)
        /// Check it against the database, then ``remember(_:forHash:at:checkedIn:)`` or
        /// ``forget(hash:)`` it.
        case check(generation: Int)
    }

    private let state = Mutex(State())

    func lookup(hash: String, at instant: Date) -> Lookup {
        self.state.withLock { state in
            guard var entry = state.entries[hash] else { return .check(generation: state.generation) }
            if entry.until > instant { return .known(entry.holder) }
            // A check that failed or never came back lets another request try after a lifetime.
            if let since = entry.checkingSince, instant.timeIntervalSince(since) < Self.lifetime { return .known(entry.holder) }
            entry.checkingSince = instant
            state.entries[hash] = entry
            return .check(generation: state.generation)
        }
    }

    func remember(_ holder: TokenHolder, forHash hash: String, at instant: Date, checkedIn generation: Int) {
        self.state.withLock { state in
            guard generation == state.generation else { return }
            // Bounded: a flood of different tokens empties it rather than growing it.
            if state.entries.count >= 10_000 { state.entries.removeAll(keepingCapacity: true) }
            state.entries[hash] = Entry(holder: holder, until: instant.addingTimeInterval(Self.lifetime))
        }
    }

    /// A token found unknown or revoked.
    func forget(hash: String) {
        self.state.withLock { _ = $0.entries.removeValue(forKey: hash) }
    }

    func forgetAll() {
        self.state.withLock { state in
            state.entries.removeAll()
            state.generation &+= 1
        }
    }
}
