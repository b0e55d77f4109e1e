import Foundation
import PactaCore

/// The last entry of the ledger: its position and hash, to be kept outside the database.
public struct LedgerHead: Sendable, Hashable, Codable {
    /// 0 while the ledger is empty.
    public var seq: Int64
    public var hash: String

    public init(seq: Int64, hash: String) {
        self.seq = seq
        self.hash = hash
    }
}

/// The append-only, hash-chained record of the agreement lifecycle. Entries are written in the
/// transaction of the change they record, so neither exists without the other.
public struct LedgerRepository: Sendable {
    let db: any DatabaseExecutor

    /// The newest entry's position and hash.
    public func head() async throws -> LedgerHead {
        guard let row = try await self.db.first("SELECT seq, hash FROM ledger ORDER BY seq DESC LIMIT 1") else {
            return LedgerHead(seq: 0, hash: LedgerEntry.genesis)
        }
        let (seq, hash) = try row.decode((Int64, String).self)
        return LedgerHead(seq: seq, hash: hash)
    }

    /// Every entry, oldest first.
    public func entries() async throws -> [LedgerEntry] {
        try await self.db.query(
            "SELECT seq, recorded_at, event, agreement, version, actor, data, previous, hash FROM ledger ORDER BY seq"
        ).map { row in
            let (seq, recordedAt, event, agreement, version, actor, text, previous, hash) = try row.decode(
                (Int64, Date, String, String, Int?, String, String, String, String).self
            )
            let data = (try? PactaJSON.decoder.decode([String: JSONValue].self, from: Data(text.utf8))) ?? ["unreadable": .string(text)]
            return LedgerEntry(
                stored: seq,
                recordedAt: Interval.seconds(recordedAt),
                event: LedgerEvent(rawValue: event) ?? .recorded,
                agreement: agreement,
                version: version,
                actor: actor,
                data: data,
                previous: previous,
                hash: hash
            )
        }
    }

    /// Locks the ledger against other writers until the transaction ends; SQLite's write
    /// transactions already exclude each other.
    func lock() async throws {
        if let lock = self.db.dialect.lockTable("ledger") {
            try await self.db.execute(lock)
        }
    }

    /// Appends an entry after the current head; call it inside the transaction that makes the change.
    @discardableResult
    func append(
        _ event: LedgerEvent,
        agreement: String,
        version: Int?,
        actor: String,
        data: [String: JSONValue],
        at instant: Date
    ) async throws -> LedgerEntry {
        try await self.lock()
        let head = try await self.head()
        let entry = try LedgerEntry(
            seq: head.seq + 1,
            recordedAt: Interval.seconds(instant),
            event: event,
            agreement: agreement,
            version: version,
            actor: actor,
            data: data,
            previous: head.hash
        )
        try await self.db.execute(
            """
            INSERT INTO ledger (seq, recorded_at, event, agreement, version, actor, data, previous, hash)
            VALUES (\(entry.seq), \(Date(timeIntervalSince1970: TimeInterval(entry.recordedAt))), \(entry.event.rawValue),
            \(entry.agreement), \(entry.version), \(entry.actor), \(String(decoding: try entry.canonicalData(), as: UTF8.self)),
            \(entry.previous), \(entry.hash))
            """
        )
        return entry
    }

    /// Appends an event about `agreement`, with the state it leaves the agreement in.
    @discardableResult
    func record(
        _ event: LedgerEvent,
        _ agreement: Agreement,
        version: Int? = nil,
        actor: Actor,
        data: [String: JSONValue] = [:],
        at instant: Date
    ) async throws -> LedgerEntry {
        var data = data
        data["state"] = .string(agreement.state.rawValue)
        data["signed_version"] = agreement.signedVersion.map { .number(Double($0)) } ?? .null
        return try await self.append(
            event,
            agreement: agreement.code,
            version: version ?? agreement.version,
            actor: actor.username,
            data: data,
            at: instant
        )
    }
}
