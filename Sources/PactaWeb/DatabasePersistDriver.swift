import Foundation
import Hummingbird
import HummingbirdAuth
import PactaCore
import PactaStore
import Synchronization

/// Hummingbird's key/value persistence on Pacta's own database, so that every instance shares
/// sessions. Keys are stored as their SHA-256: whoever reads the table cannot take over a session.
public struct DatabasePersistDriver: PersistDriver {
    let store: Store
    let now: @Sendable () -> Date

    public init(store: Store, now: @escaping @Sendable () -> Date = Date.init) {
        self.store = store
        self.now = now
    }

    public func create<Object: Codable & Sendable>(key: String, value: Object, expires: Duration?) async throws {
        do {
            try await self.store.keyValues.create(
                key: Self.stored(key),
                value: try Self.encode(value),
                expiresAt: self.expiry(expires),
                now: self.now()
            )
        } catch DatabaseError.uniqueViolation {
            throw PersistError.duplicate
        }
    }

    public func set<Object: Codable & Sendable>(key: String, value: Object, expires: Duration?) async throws {
        try await self.store.keyValues.set(key: Self.stored(key), value: try Self.encode(value), expiresAt: self.expiry(expires))
    }

    public func get<Object: Codable & Sendable>(key: String, as type: Object.Type) async throws -> Object? {
        try await self.getWithTTL(key: key, as: type)?.object
    }

    public func getWithTTL<Object: Codable & Sendable>(key: String, as type: Object.Type) async throws -> (object: Object, ttl: Duration?)? {
        let now = self.now()
        let stored: (String, Date?)?
        do {
            stored = try await self.store.keyValues.get(key: Self.stored(key), now: now)
        } catch {
            SessionLoadFailure.current?.record(error)
            throw error
        }
        guard let (value, expiresAt) = stored else { return nil }
        guard let object = try? JSONDecoder().decode(Object.self, from: Data(value.utf8)) else {
            throw PersistError.invalidConversion
        }
        return (object, expiresAt.map { .seconds($0.timeIntervalSince(now)) })
    }

    public func remove(key: String) async throws {
        try await self.store.keyValues.remove(key: Self.stored(key))
    }

    /// The key as stored: its prefix (`session.`), then the SHA-256 of the whole key.
    static func stored(_ key: String) -> String {
        let prefix = key.firstIndex(of: ".").map { String(key[...$0]) } ?? ""
        return prefix + Hashing.sha256Hex(key.utf8)
    }

    private func expiry(_ duration: Duration?) -> Date? {
        duration.map { self.now().addingTimeInterval(TimeInterval($0.components.seconds)) }
    }

    /// Plain JSON: stored values are internal, and Pacta's snake_case keys would not round-trip `userID`.
    private static func encode(_ value: some Encodable) throws -> String {
        String(decoding: try JSONEncoder().encode(value), as: UTF8.self)
    }
}

/// What went wrong reading a request's session. Hummingbird's `SessionMiddleware` logs a failed
/// load and goes on as if nobody were signed in, which would send a signed-in person to the
/// login page while the database is away; ``SessionUserMiddleware`` answers with the error instead.
final class SessionLoadFailure: Sendable {
    @TaskLocal static var current: SessionLoadFailure?

    private let failure = Mutex<(any Error)?>(nil)

    var error: (any Error)? { self.failure.withLock { $0 } }

    func record(_ error: any Error) {
        self.failure.withLock { $0 = error }
    }
}
