/// One entry of the agreements ledger: an event that matters, chained to the entry before it.
///
/// Each entry's hash is the SHA-256 of the RFC 8785 form of everything else in it, the previous
/// entry's hash included; rewriting any entry breaks every hash after it, and an entry's hash kept
/// outside the database proves everything up to it.
public struct LedgerEntry: Sendable, Hashable {
    /// Position in the ledger, from 1, without gaps.
    public var seq: Int64
    /// When it was written (Unix seconds).
    public var recordedAt: Int64
    public var event: LedgerEvent
    /// Code of the agreement it is about.
    public var agreement: String
    public var version: Int?
    /// Username of whoever acted, or the name of the Pacta job.
    public var actor: String
    /// What the event established: hashes, signers, the state it left.
    public var data: [String: JSONValue]
    /// Hash of the entry before; ``genesis`` for the first.
    public var previous: String
    public var hash: String

    /// What the first entry chains to.
    public static let genesis = String(repeating: "0", count: 64)

    /// A new entry, with its hash computed.
    public init(
        seq: Int64,
        recordedAt: Int64,
        event: LedgerEvent,
        agreement: String,
        version: Int?,
        actor: String,
        data: [String: JSONValue],
        previous: String
    ) throws {
        self.init(
            stored: seq,
            recordedAt: recordedAt,
            event: event,
            agreement: agreement,
            version: version,
            actor: actor,
            data: data,
            previous: previous,
            hash: ""
        )
        self.hash = try self.computedHash()
    }

    /// An entry as stored, with the hash it was stored with (which may not be its true one).
    public init(
        stored seq: Int64,
        recordedAt: Int64,
        event: LedgerEvent,
        agreement: String,
        version: Int?,
        actor: String,
        data: [String: JSONValue],
        previous: String,
        hash: String
    ) {
        self.seq = seq
        self.recordedAt = recordedAt
        self.event = event
        self.agreement = agreement
        self.version = version
        self.actor = actor
        self.data = data
        self.previous = previous
        self.hash = hash
    }

    /// The RFC 8785 bytes of `data`, as the ledger stores them.
    public func canonicalData() throws -> [UInt8] {
        try CanonicalJSON.serialize(.object(self.data))
    }

    /// The hash the entry's content gives.
    public func computedHash() throws -> String {
        let content: [String: JSONValue] = [
            "seq": .number(Double(self.seq)),
            "recorded_at": .string(Timestamp.format(self.recordedAt)),
            "event": .string(self.event.rawValue),
            "agreement": .string(self.agreement),
            "version": self.version.map { .number(Double($0)) } ?? .null,
            "actor": .string(self.actor),
            "data": .object(self.data),
            "previous": .string(self.previous),
        ]
        return Hashing.sha256Hex(try CanonicalJSON.serialize(.object(content)))
    }
}

extension Signature {
    /// What a `signed` ledger entry records of the signature.
    public var ledgerData: [String: JSONValue] {
        [
            "side": .string(self.side.rawValue), "signer": .string(self.signer), "signer_name": .string(self.signerName),
            "unit": .string(self.unit), "sha256": .string(self.sha256), "channel": .string(self.channel),
        ]
    }
}

/// What a ledger entry records.
public enum LedgerEvent: String, Sendable, Hashable, CaseIterable {
    /// A version was written: `sha256` of its document, its `format`, the version it `supersedes`.
    case versionCreated = "version_created"
    /// A version nobody had signed was changed in place: its new `sha256`.
    case versionRevised = "version_revised"
    /// The calendars a version signed before calendars were part of its document is measured
    /// on were frozen: `calendars_sha256` of the snapshot.
    case calendarsFrozen = "calendars_frozen"
    /// Sent for signature.
    case submitted
    /// One side signed: `side`, `signer`, `signer_name`, `unit`, `sha256`, `channel`.
    case signed
    /// Ended early: `reason`.
    case terminated
    /// Its validity ended.
    case expired
    /// The ledger began after the agreement did: its `state`, `signed_version` and
    /// `termination_reason` as they were then, after entries for each stored version and signature.
    case recorded
}
