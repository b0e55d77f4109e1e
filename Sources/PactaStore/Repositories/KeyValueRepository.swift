import Foundation

/// Short-lived values with an optional expiry (web sessions), shared by every Pacta instance.
public struct KeyValueRepository: Sendable {
    let db: any DatabaseExecutor

    /// Stores `value` under a new key; throws ``DatabaseError/uniqueViolation(constraint:)`` if the key is live.
    public func create(key: String, value: String, expiresAt: Date?, now: Date) async throws {
        try await self.db.transaction { db in
            try await db.execute("DELETE FROM persist WHERE key = \(key) AND expires_at <= \(now)")
            try await db.execute("INSERT INTO persist (key, value, expires_at) VALUES (\(key), \(value), \(expiresAt))")
        }
    }

    /// Stores `value` under `key`; with no `expiresAt`, an existing expiry is kept.
    public func set(key: String, value: String, expiresAt: Date?) async throws {
        try await self.db.execute(
            """
            INSERT INTO persist (key, value, expires_at) VALUES (\(key), \(value), \(expiresAt))
            ON CONFLICT (key) DO UPDATE SET value = excluded.value,
            expires_at = COALESCE(excluded.expires_at, persist.expires_at)
            """
        )
    }

    /// The live value under `key` and its expiry.
    public func get(key: String, now: Date) async throws -> (value: String, expiresAt: Date?)? {
        guard
            let row = try await self.db.first(
                "SELECT value, expires_at FROM persist WHERE key = \(key) AND (expires_at IS NULL OR expires_at > \(now))"
            )
        else { return nil }
        let (value, expiresAt) = try row.decode((String, Date?).self)
        return (value, expiresAt)
    }

    /// Removes `key`.
    public func remove(key: String) async throws {
        try await self.db.execute("DELETE FROM persist WHERE key = \(key)")
    }

    /// Deletes every expired value; returns nothing, runs now and then.
    public func purgeExpired(now: Date) async throws {
        try await self.db.execute("DELETE FROM persist WHERE expires_at <= \(now)")
    }
}
