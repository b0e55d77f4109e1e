/// A divergence between what the ledger recorded and what the tables hold, or within the ledger.
public struct VerificationIssue: Sendable, Hashable, Codable {
    /// The agreement concerned; empty for the ledger itself.
    public var agreement: String
    public var version: Int?
    public var side: Side?
    /// A stable code: `entry_altered`, `chain_broken`, `state_mismatch`, `modified_after_signing`…
    public var code: String
    /// An English explanation.
    public var problem: String
    /// What the ledger (or the signature) says.
    public var expected: String?
    /// What was found instead.
    public var found: String?

    public init(
        agreement: String,
        version: Int? = nil,
        side: Side? = nil,
        code: String,
        problem: String,
        expected: String? = nil,
        found: String? = nil
    ) {
        self.agreement = agreement
        self.version = version
        self.side = side
        self.code = code
        self.problem = problem
        self.expected = expected
        self.found = found
    }
}

/// An agreement as its tables hold it: what the ledger is replayed against.
public struct StoredAgreementFacts: Sendable, Hashable {
    public var code: String
    /// The stored state (`active`, never the derived `signed`).
    public var state: String
    public var signedVersion: Int?
    public var terminationReason: String?
    /// SHA-256 of each version's stored document, by version.
    public var versions: [Int: String]
    /// The format each version's document is stored in: it decides where its calendars are read.
    public var formats: [Int: Int]
    /// SHA-256 of the frozen calendars of versions that keep them apart from their document.
    public var frozenCalendars: [Int: String]
    public var signatures: [Signature]

    public init(
        code: String,
        state: String,
        signedVersion: Int?,
        terminationReason: String?,
        versions: [Int: String],
        formats: [Int: Int] = [:],
        frozenCalendars: [Int: String],
        signatures: [Signature]
    ) {
        self.code = code
        self.state = state
        self.signedVersion = signedVersion
        self.terminationReason = terminationReason
        self.versions = versions
        self.formats = formats
        self.frozenCalendars = frozenCalendars
        self.signatures = signatures
    }
}

/// Replays the ledger: checks its chain, rebuilds each agreement from its entries, and reports
/// every difference with the tables.
public enum LedgerAudit {
    /// Entries whose position, link or hash is not what it should be.
    public static func chainIssues(_ entries: [LedgerEntry]) -> [VerificationIssue] {
        var issues: [VerificationIssue] = []
        var previous = LedgerEntry.genesis
        for (index, entry) in entries.enumerated() {
            let where_ = "Ledger entry \(entry.seq) (\(entry.event.rawValue) \(entry.agreement))"
            if entry.seq != Int64(index + 1) {
                issues.append(
                    VerificationIssue(
                        agreement: entry.agreement,
                        code: "sequence_gap",
                        problem: "\(where_) is at position \(index + 1): entries are missing or were inserted.",
                        expected: String(index + 1),
                        found: String(entry.seq)
                    )
                )
            }
            if entry.previous != previous {
                issues.append(
                    VerificationIssue(
                        agreement: entry.agreement,
                        code: "chain_broken",
                        problem: "\(where_) does not follow the entry before it: the ledger was rewritten before this point.",
                        expected: previous,
                        found: entry.previous
                    )
                )
            }
            let computed = (try? entry.computedHash()) ?? ""
            if computed != entry.hash {
                issues.append(
                    VerificationIssue(
                        agreement: entry.agreement,
                        code: "entry_altered",
                        problem: "\(where_) was changed after it was written.",
                        expected: entry.hash,
                        found: computed
                    )
                )
            }
            previous = entry.hash
        }
        return issues
    }

    /// How many entries, from the first, are whole and each chained to the one before.
    public static func intactPrefix(_ entries: [LedgerEntry]) -> Int {
        var previous = LedgerEntry.genesis
        for (index, entry) in entries.enumerated() {
            guard entry.seq == Int64(index + 1), entry.previous == previous, (try? entry.computedHash()) == entry.hash else { return index }
            previous = entry.hash
        }
        return entries.count
    }

    /// What the ledger says of one agreement.
    struct Replayed {
        var versions: [Int: String] = [:]
        var formats: [Int: Int] = [:]
        var frozenCalendars: [Int: String] = [:]
        var signatures: [SignatureKey: [String: String]] = [:]
        var state: String?
        var signedVersion: Int?
        var terminationReason: String?
    }

    struct SignatureKey: Hashable, Comparable {
        var version: Int
        var side: Side
        static func < (lhs: Self, rhs: Self) -> Bool { (lhs.version, lhs.side.rawValue) < (rhs.version, rhs.side.rawValue) }
    }

    /// The facts of a signature that the ledger vouches for.
    static let signatureFacts = ["signer", "signer_name", "unit", "sha256"]

    static func facts(of signature: Signature) -> [String: String] {
        ["signer": signature.signer, "signer_name": signature.signerName, "unit": signature.unit, "sha256": signature.sha256]
    }

    static func replay(_ entries: [LedgerEntry]) -> [String: Replayed] {
        var agreements: [String: Replayed] = [:]
        for entry in entries {
            var replayed = agreements[entry.agreement, default: Replayed()]
            let data = entry.data
            switch entry.event {
            case .versionCreated, .versionRevised:
                if let version = entry.version, case .string(let hash)? = data["sha256"] {
                    replayed.versions[version] = hash
                }
                if let version = entry.version, case .number(let format)? = data["format"] {
                    replayed.formats[version] = Int(format)
                }
            case .calendarsFrozen:
                if let version = entry.version, case .string(let hash)? = data["calendars_sha256"] {
                    replayed.frozenCalendars[version] = hash
                }
            case .signed:
                if let version = entry.version, case .string(let raw)? = data["side"], let side = Side(rawValue: raw) {
                    var facts: [String: String] = [:]
                    for key in Self.signatureFacts {
                        if case .string(let value)? = data[key] { facts[key] = value }
                    }
                    replayed.signatures[SignatureKey(version: version, side: side)] = facts
                }
            case .submitted, .terminated, .expired, .recorded:
                break
            }
            if case .string(let state)? = data["state"] { replayed.state = state }
            if let signed = data["signed_version"] {
                if case .number(let number) = signed { replayed.signedVersion = Int(number) } else { replayed.signedVersion = nil }
            }
            if let reason = data["termination_reason"] {
                if case .string(let text) = reason { replayed.terminationReason = text } else { replayed.terminationReason = nil }
            }
            agreements[entry.agreement] = replayed
        }
        return agreements
    }

    /// Every difference between the agreements the ledger describes and those the tables hold.
    public static func compare(_ entries: [LedgerEntry], with stored: [StoredAgreementFacts]) -> [VerificationIssue] {
        let replayed = Self.replay(entries)
        let tables = Dictionary(stored.map { ($0.code, $0) }, uniquingKeysWith: { first, _ in first })
        var issues: [VerificationIssue] = []
        for code in Set(replayed.keys).union(tables.keys).sorted() {
            guard let table = tables[code] else {
                issues.append(
                    VerificationIssue(
                        agreement: code,
                        code: "missing_from_tables",
                        problem: "The ledger records agreement \(code), but the tables no longer hold it."
                    )
                )
                continue
            }
            guard let ledger = replayed[code] else {
                issues.append(
                    VerificationIssue(
                        agreement: code,
                        code: "not_in_ledger",
                        problem: "Agreement \(code) is in the tables but the ledger never recorded it: it was written around Pacta."
                    )
                )
                continue
            }
            issues += Self.compare(code, ledger: ledger, table: table)
        }
        return issues
    }

    private static func compare(_ code: String, ledger: Replayed, table: StoredAgreementFacts) -> [VerificationIssue] {
        var issues: [VerificationIssue] = []
        func differ(_ issueCode: String, _ problem: String, version: Int? = nil, side: Side? = nil, expected: String?, found: String?) {
            issues.append(
                VerificationIssue(agreement: code, version: version, side: side, code: issueCode, problem: problem, expected: expected, found: found)
            )
        }
        if ledger.state != table.state {
            differ("state_mismatch", "The stored state is not the one the ledger recorded.", expected: ledger.state, found: table.state)
        }
        if ledger.signedVersion != table.signedVersion {
            differ(
                "signed_version_mismatch",
                "The version recorded as signed by both sides is not the one the ledger recorded.",
                expected: ledger.signedVersion.map(String.init),
                found: table.signedVersion.map(String.init)
            )
        }
        if ledger.terminationReason != table.terminationReason {
            differ(
                "termination_mismatch",
                "The termination reason differs from the one recorded.",
                expected: ledger.terminationReason,
                found: table.terminationReason
            )
        }
        for version in Set(ledger.versions.keys).union(table.versions.keys).sorted() {
            switch (ledger.versions[version], table.versions[version]) {
            case (let recorded?, let current?) where recorded != current:
                differ(
                    "version_altered",
                    "Version \(version) is not the document the ledger recorded.",
                    version: version,
                    expected: recorded,
                    found: current
                )
            case (_?, nil):
                differ(
                    "version_missing",
                    "Version \(version) was recorded but is no longer stored.",
                    version: version,
                    expected: ledger.versions[version],
                    found: nil
                )
            case (nil, _?):
                differ(
                    "version_not_in_ledger",
                    "Version \(version) is stored but the ledger never recorded it.",
                    version: version,
                    expected: nil,
                    found: table.versions[version]
                )
            default:
                break
            }
        }
        for (version, recorded) in ledger.formats.sorted(by: { $0.key < $1.key }) where table.formats[version].map({ $0 != recorded }) ?? false {
            differ(
                "format_altered",
                "Version \(version) is marked as stored in another format than the one recorded.",
                version: version,
                expected: String(recorded),
                found: table.formats[version].map(String.init)
            )
        }
        // Frozen calendars both ways: none may appear, change or go where the ledger says otherwise.
        for version in Set(ledger.frozenCalendars.keys).union(table.frozenCalendars.keys).sorted()
        where ledger.frozenCalendars[version] != table.frozenCalendars[version] {
            differ(
                "calendars_altered",
                "The calendars frozen for version \(version) are not the ones the ledger recorded.",
                version: version,
                expected: ledger.frozenCalendars[version],
                found: table.frozenCalendars[version]
            )
        }
        let stored = Dictionary(
            table.signatures.map { (SignatureKey(version: $0.version, side: $0.side), $0) },
            uniquingKeysWith: { first, _ in first }
        )
        for key in Set(ledger.signatures.keys).union(stored.keys).sorted() {
            switch (ledger.signatures[key], stored[key]) {
            case (let recorded?, let signature?):
                let found = Self.facts(of: signature)
                for fact in Self.signatureFacts where recorded[fact] != found[fact] {
                    differ(
                        "signature_altered",
                        "The \(key.side.rawValue) signature of version \(key.version) has a different \(fact) than the one recorded.",
                        version: key.version,
                        side: key.side,
                        expected: recorded[fact],
                        found: found[fact]
                    )
                }
            case (let recorded?, nil):
                differ(
                    "signature_missing",
                    "The \(key.side.rawValue) signature of version \(key.version) was recorded but is no longer stored.",
                    version: key.version,
                    side: key.side,
                    expected: recorded["signer"],
                    found: nil
                )
            case (nil, let signature?):
                differ(
                    "signature_not_in_ledger",
                    "The \(key.side.rawValue) signature of version \(key.version) is stored but was never recorded.",
                    version: key.version,
                    side: key.side,
                    expected: nil,
                    found: signature.signer
                )
            case (nil, nil):
                break
            }
        }
        for signature in table.signatures {
            if let current = table.versions[signature.version], current != signature.sha256 {
                differ(
                    "modified_after_signing",
                    "Version \(signature.version) was modified after it was signed.",
                    version: signature.version,
                    side: signature.side,
                    expected: signature.sha256,
                    found: current
                )
            }
        }
        return issues
    }
}
