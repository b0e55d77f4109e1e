import Foundation
import PactaCore

/// Slows down, then refuses, password guessing, with counters in the database so that every
/// instance sees the same ones.
///
/// Every attempt is counted before its password is checked, in one transaction, so that a burst of
/// simultaneous guesses meets the limits too; a right password takes its own attempt back.
/// Attempts are counted per username, per address, and per username at one address, over a
/// window. A username under attack answers more slowly from everywhere, but is refused only at
/// the addresses that guessed wrong: its owner, elsewhere, still signs in.
public struct LoginThrottle: Sendable {
    let db: any DatabaseExecutor

    /// The limits.
    public struct Policy: Sendable, Hashable {
        /// How long attempts are remembered.
        public var window: Duration = .seconds(15 * 60)
        /// Failed attempts (for the username or the address) answered at full speed.
        public var slowAfter = 3
        /// The longest an answer is delayed.
        public var longestDelay: Duration = .seconds(8)
        /// Wrong passwords for one username from one address before that pair is refused.
        public var refuseAccountAt = 5
        /// Wrong passwords from one address, for any usernames, before it is refused.
        public var refuseAddressAt = 20
        /// How long a refusal lasts.
        public var refusal: Duration = .seconds(15 * 60)

        public init() {}
    }

    /// What to do with a sign-in attempt, before its password is checked.
    public enum Decision: Sendable, Hashable {
        /// Check it, after waiting `delay`.
        case allowed(delay: Duration)
        /// Refuse it without checking; try again after `retryAfter` seconds.
        case refused(retryAfter: Int)
    }

    /// Counts an attempt and says whether to check its password. Call ``succeeded(username:address:)``
    /// when the password was right.
    public func attempt(username: String, address: String, at now: Date, policy: Policy) async throws -> Decision {
        let keys = Self.keys(username: username, address: address)
        let cutoff = now.addingTimeInterval(-policy.window.seconds)
        return try await self.db.transaction { db in
            // Already refused: not counted again, so that the refusal ends when it says.
            let blocked = try await db.query(
                "SELECT blocked_until FROM login_throttle WHERE key IN (\(keys.address), \(keys.pair)) AND blocked_until > \(now)"
            ).map { row -> Date in try row.decode(Date.self) }.max()
            if let blocked { return .refused(retryAfter: Self.seconds(from: now, to: blocked)) }
            var counts: [String: Int] = [:]
            for key in [keys.user, keys.address, keys.pair] {
                try await db.execute(
                    """
                    INSERT INTO login_throttle (key, failures, window_start) VALUES (\(key), 1, \(now))
                    ON CONFLICT (key) DO UPDATE SET
                    failures = CASE WHEN login_throttle.window_start < \(cutoff) THEN 1 ELSE login_throttle.failures + 1 END,
                    window_start = CASE WHEN login_throttle.window_start < \(cutoff) THEN \(now) ELSE login_throttle.window_start END
                    """
                )
                counts[key] = try await db.first("SELECT failures FROM login_throttle WHERE key = \(key)")?.decode(Int.self) ?? 1
            }
            // This attempt is counted: past the limit, it and the next ones are refused.
            if counts[keys.pair, default: 0] > policy.refuseAccountAt || counts[keys.address, default: 0] > policy.refuseAddressAt {
                let until = now.addingTimeInterval(policy.refusal.seconds)
                for (key, limit) in [(keys.pair, policy.refuseAccountAt), (keys.address, policy.refuseAddressAt)]
                where counts[key, default: 0] > limit {
                    try await db.execute("UPDATE login_throttle SET blocked_until = \(until) WHERE key = \(key)")
                }
                return .refused(retryAfter: Self.seconds(from: now, to: until))
            }
            let failures = max(counts[keys.user, default: 1], counts[keys.address, default: 1]) - 1
            guard failures >= policy.slowAfter else { return .allowed(delay: .zero) }
            let seconds = min(pow(2, Double(failures - policy.slowAfter)), policy.longestDelay.seconds)
            return .allowed(delay: .milliseconds(Int64(seconds * 1000)))
        }
    }

    /// A right password: forgets this username's failures at this address, and takes back the
    /// attempt from the username's and the address's counts.
    public func succeeded(username: String, address: String) async throws {
        let keys = Self.keys(username: username, address: address)
        try await self.db.transaction { db in
            try await db.execute("DELETE FROM login_throttle WHERE key = \(keys.pair)")
            try await db.execute(
                "UPDATE login_throttle SET failures = failures - 1 WHERE key IN (\(keys.user), \(keys.address)) AND failures > 0"
            )
        }
    }

    /// Deletes counters past their window and refusal.
    public func purge(before cutoff: Date, now: Date) async throws {
        try await self.db.execute(
            "DELETE FROM login_throttle WHERE window_start < \(cutoff) AND (blocked_until IS NULL OR blocked_until < \(now))"
        )
    }

    /// The counters' keys: hashed, so that whatever is typed as a username fits the index.
    private static func keys(username: String, address: String) -> (user: String, address: String, pair: String) {
        let user = Hashing.sha256Hex(username.lowercased().utf8)
        return ("user:" + user, "address:" + Hashing.sha256Hex(address.utf8), "pair:" + Hashing.sha256Hex((user + "\u{1F}" + address).utf8))
    }

    private static func seconds(from now: Date, to until: Date) -> Int {
        max(1, Int(until.timeIntervalSince(now).rounded(.up)))
    }
}

extension Duration {
    /// The duration in seconds, fractions included.
    var seconds: TimeInterval {
        TimeInterval(self.components.seconds) + TimeInterval(self.components.attoseconds) / 1e18
    }
}
