import Foundation
import PactaCore

extension AgreementRepository {
    /// Proves the agreements are what was signed and recorded: recomputes the hash of every stored
    /// version against its signatures, checks the ledger's chain, replays the ledger against the
    /// tables, and, given a head hash kept outside the database, checks that it is still in the chain.
    /// - Parameter actor: who asks; divergences in agreements they may not see are only counted.
    public func verify(head expected: String? = nil, visibleTo actor: Actor? = nil) async throws -> VerificationReport {
        // The ledger and the tables as of one instant: a signature committed in between is no divergence.
        let (entries, facts, factIssues, hidden) = try await self.db.snapshot { db in
            let entries = try await LedgerRepository(db: db).entries()
            let (facts, issues) = try await Self.storedFacts(in: db)
            return (entries, facts, issues, try await Self.hiddenAgreements(from: actor, in: db))
        }
        var issues = LedgerAudit.chainIssues(entries)
        issues += factIssues
        issues += LedgerAudit.compare(entries, with: facts)
        let head = entries.last.map { LedgerHead(seq: $0.seq, hash: $0.hash) } ?? LedgerHead(seq: 0, hash: LedgerEntry.genesis)
        var headCheck: VerificationReport.HeadCheck?
        if let expected = expected?.lowercased() {
            // Found among the entries that are whole and chained from the first: nothing up to it was rewritten.
            let intact = entries.prefix(LedgerAudit.intactPrefix(entries))
            let entry = intact.first { $0.hash == expected }
            headCheck = .init(
                hash: expected,
                found: entry != nil || expected == LedgerEntry.genesis,
                seq: entry?.seq ?? (expected == LedgerEntry.genesis ? 0 : nil)
            )
        }
        let shown = issues.filter { !hidden.contains($0.agreement) }
        return VerificationReport(
            checkedSignatures: facts.reduce(0) { $0 + $1.signatures.count },
            checkedVersions: facts.reduce(0) { $0 + $1.versions.count },
            checkedEntries: entries.count,
            head: head,
            headCheck: headCheck,
            issues: shown,
            hiddenIssues: issues.count - shown.count
        )
    }

    /// Codes of the agreements `actor` may not see.
    private static func hiddenAgreements(from actor: Actor?, in db: any DatabaseExecutor) async throws -> Set<String> {
        guard let actor, !actor.reachesEverything else { return [] }
        let tree = try await UnitRepository(db: db).tree()
        var hidden: Set<String> = []
        for row in try await db.query(
            "SELECT a.code, a.signed_version, p.code, c.code FROM agreements a JOIN units p ON p.id = a.provider_id JOIN units c ON c.id = a.client_id"
        ) {
            let (code, signedVersion, provider, client) = try row.decode((String, Int?, String, String).self)
            if !Self.isVisible(signedVersion: signedVersion, provider: provider, client: client, to: actor, in: tree) {
                hidden.insert(code)
            }
        }
        return hidden
    }

    /// Every agreement as the tables hold it, and what is wrong within the tables themselves:
    /// unreadable documents, documents of another agreement, columns that disagree with the
    /// current version.
    private static func storedFacts(in db: any DatabaseExecutor) async throws -> ([StoredAgreementFacts], [VerificationIssue]) {
        let agreements = try await db.query(
            """
            SELECT a.id, a.code, a.state, a.signed_version, a.termination_reason, a.version, p.code, c.code, a.valid_from, a.valid_to, a.title
            FROM agreements a JOIN units p ON p.id = a.provider_id JOIN units c ON c.id = a.client_id ORDER BY a.code
            """
        )
        var versions: [Int64: [(Int, String, Int, String?)]] = [:]
        for row in try await db.query(
            "SELECT agreement_id, version, document, format, calendars FROM agreement_versions ORDER BY agreement_id, version"
        ) {
            let (agreement, version, text, format, calendars) = try row.decode((Int64, Int, String, Int, String?).self)
            versions[agreement, default: []].append((version, text, format, calendars))
        }
        let signatures = try await Self(db: db).signatures(where: "1 = 1")
        var facts: [StoredAgreementFacts] = []
        var issues: [VerificationIssue] = []
        for row in agreements {
            let (id, code, state, signedVersion, terminationReason, current, provider, client, validFrom, validTo, title) = try row.decode(
                (Int64, String, String, Int?, String?, Int, String, String, String, String, String).self
            )
            var hashes: [Int: String] = [:]
            var formats: [Int: Int] = [:]
            var frozen: [Int: String] = [:]
            for (version, text, format, calendars) in versions[id, default: []] {
                hashes[version] = Hashing.sha256Hex(text.utf8)
                formats[version] = format
                if format == StoredVersion.legacyFormat, let calendars { frozen[version] = Hashing.sha256Hex(calendars.utf8) }
                let stored: StoredVersion
                do {
                    stored = try StoredVersion(code: code, version: version, text: text, format: format, frozenCalendars: calendars)
                } catch {
                    issues.append(
                        VerificationIssue(
                            agreement: code,
                            version: version,
                            code: "unreadable",
                            problem: "The stored document of version \(version) cannot be read."
                        )
                    )
                    continue
                }
                if stored.document.code != code || stored.document.version != version {
                    issues.append(
                        VerificationIssue(
                            agreement: code,
                            version: version,
                            code: "document_mismatch",
                            problem:
                                "The document stored as version \(version) belongs to \(stored.document.code) version \(stored.document.version).",
                            expected: "\(code) v\(version)",
                            found: "\(stored.document.code) v\(stored.document.version)"
                        )
                    )
                }
                if version == current {
                    let terms = stored.document.terms
                    let columns: [(String, String, String)] = [
                        ("provider", terms.provider, provider), ("client", terms.client, client),
                        ("valid_from", terms.validFrom.description, validFrom), ("valid_to", terms.validTo.description, validTo),
                        ("title", terms.title.trimmed, title),
                    ]
                    for (column, expected, found) in columns where expected != found {
                        issues.append(
                            VerificationIssue(
                                agreement: code,
                                version: version,
                                code: "columns_mismatch",
                                problem: "The agreement's \(column) is not the one its current version says.",
                                expected: expected,
                                found: found
                            )
                        )
                    }
                }
            }
            facts.append(
                StoredAgreementFacts(
                    code: code,
                    state: state,
                    signedVersion: signedVersion,
                    terminationReason: terminationReason,
                    versions: hashes,
                    formats: formats,
                    frozenCalendars: frozen,
                    signatures: signatures[id, default: []]
                )
            )
        }
        return (facts, issues)
    }
}
