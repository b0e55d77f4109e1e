import Foundation
import PactaCore

/// Slows down, then refuses, password guessing, with counters in the database so that every
/// instance sees the same ones.
///
/// Failures are counted per username, per address, and per username at one address, over a
/// window. A username under attack answers more slowly from everywhere, but is refused only at
/// the addresses that guessed wrong: its owner, elsewhere, still signs in.
public struct LoginThrottle: Sendable {
    let database: any Database

    /// The limits.
    public struct Policy: Sendable, Hashable {
        /// How long failures are remembered.
        public var window: Duration = .seconds(15 * 60)
        /// Failures (for the username or the address) answered at full speed.
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

    public func check(username: String, address: String, at now: Date, policy: Policy) async throws -> Decision {
        let keys = Self.keys(username: username, address: address)
        let rows = try await self.database.query(
            "SELECT key, failures, window_start, blocked_until FROM login_throttle WHERE key IN (\(keys.user), \(keys.address), \(keys.pair))"
        )
        let cutoff = now.addingTimeInterval(-policy.window.seconds)
        var failures = 0
        var blockedUntil: Date?
        for row in rows {
            if let until = try row.decode(3, as: Date?.self), until > now {
                let key = try row.decode(0, as: String.self)
                if key != keys.user { blockedUntil = max(blockedUntil ?? until, until) }
            }
            if try row.decode(2, as: Date.self) >= cutoff { failures = max(failures, try row.decode(1, as: Int.self)) }
        }
        if let blockedUntil {
            return .refused(retryAfter: max(1, Int(blockedUntil.timeIntervalSince(now).rounded(.up))))
        }
        guard failures >= policy.slowAfter else { return .allowed(delay: .zero) }
        let seconds = min(pow(2, Double(failures - policy.slowAfter)), policy.longestDelay.seconds)
        return .allowed(delay: .milliseconds(Int64(seconds * 1000)))
    }

    /// Counts a wrong password, and refuses the pair or the address once they reach their limits.
    public func recordFailure(username: String, address: String, at now: Date, policy: Policy) async throws {
        let keys = Self.keys(username: username, address: address)
        let cutoff = now.addingTimeInterval(-policy.window.seconds)
        let until = now.addingTimeInterval(policy.refusal.seconds)
        try await self.database.transaction { db in
            for (key, limit) in [(keys.user, Int.max), (keys.address, policy.refuseAddressAt), (keys.pair, policy.refuseAccountAt)] {
                try await db.execute(
                    """
                    INSERT INTO login_throttle (key, failures, window_start) VALUES (\(key), 1, \(now))
                    ON CONFLICT (key) DO UPDATE SET
                    failures = CASE WHEN login_throttle.window_start < \(cutoff) THEN 1 ELSE login_throttle.failures + 1 END,
                    window_start = CASE WHEN login_throttle.window_start < \(cutoff) THEN \(now) ELSE login_throttle.window_start END
                    """
                )
                if limit < Int.max {
                    try await db.execute("UPDATE login_throttle SET blocked_until = \(until) WHERE key = \(key) AND failures >= \(limit)")
                }
            }
        }
    }

    /// Forgets the failures of this username at this address after a right password.
    public func recordSuccess(username: String, address: String) async throws {
        try await self.database.execute("DELETE FROM login_throttle WHERE key = \(Self.keys(username: username, address: address).pair)")
    }

    /// Deletes counters past their window and refusal.
    public func purge(before cutoff: Date, now: Date) async throws {
        try await self.database.execute(
            "DELETE FROM login_throttle WHERE window_start < \(cutoff) AND (blocked_until IS NULL OR blocked_until < \(now))"
        )
    }

    private static func keys(username: String, address: String) -> (user: String, address: String, pair: String) {
        let user = username.lowercased()
        return ("user:" + user, "address:" + address, "pair:" + user + "\u{1F}" + address)
    }
}

extension Duration {
    /// The duration in seconds, fractions included.
    var seconds: TimeInterval {
        TimeInterval(self.components.seconds) + TimeInterval(self.components.attoseconds) / 1e18
    }
}
