import Foundation
import PactaStore
import Synchronization

/// API tokens recently checked against the database, for a few seconds: a system posting thousands
/// of answers a second would otherwise spend a database round trip on each just to say who it is.
/// This instance forgets everything whenever a token is revoked or a user changed through it;
/// another instance's entries lapse within ``lifetime``: that long, at most, a revoked token or a
/// deactivated user still gets in there (README, "API tokens").
final class TokenCache: Sendable {
    static let lifetime: TimeInterval = 5

    private let entries = Mutex<[String: (holder: TokenHolder, until: Date)]>([:])

    func holder(forHash hash: String, at instant: Date) -> TokenHolder? {
        self.entries.withLock { entries in
            guard let entry = entries[hash] else { return nil }
            guard entry.until > instant else {
                entries[hash] = nil
                return nil
            }
            return entry.holder
        }
    }

    func remember(_ holder: TokenHolder, forHash hash: String, at instant: Date) {
        self.entries.withLock { entries in
            // Bounded: a flood of different tokens empties it rather than growing it.
            if entries.count >= 10_000 { entries.removeAll(keepingCapacity: true) }
            entries[hash] = (holder, instant.addingTimeInterval(Self.lifetime))
        }
    }

    func forgetAll() {
        self.entries.withLock { $0.removeAll() }
    }
}
