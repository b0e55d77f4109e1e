import Foundation
import PactaCore

/// Agreements, their versions and signatures. Every change runs the domain rule on the row
/// locked in a transaction, checks that the actor takes part in the agreement, then writes
/// exactly what the rule changed and the ledger entry that records it.
///
/// Agreements never signed by both sides (drafts, those pending their first signatures, and those
/// cancelled or expired before) are private to the members of their two units (and the units
/// above them) and administrators: to anyone else they do not exist.
public struct AgreementRepository: Sendable {
    let db: any DatabaseExecutor

    // MARK: - Reading

    /// The agreements `actor` may see (every one for nil), newest change first; optionally only
    /// those a unit takes part in.
    public func list(visibleTo actor: Actor?, unit: String? = nil) async throws -> [AgreementSummary] {
        let filter: SQL = unit.map { " WHERE p.code = \($0) OR c.code = \($0)" } ?? ""
        let rows = try await self.db.query(
            """
            SELECT a.code, a.title, a.state, a.version, a.signed_version, p.code, p.name, c.code, c.name, a.valid_from, a.valid_to, a.updated_at
            FROM agreements a JOIN units p ON p.id = a.provider_id JOIN units c ON c.id = a.client_id
            """ + filter + " ORDER BY a.updated_at DESC, a.code"
        )
        let tree = try await Self.tree(for: actor, in: self.db)
        return try rows.map { row in
            let (code, title, state, version, signedVersion, provider, providerName, client, clientName, validFrom, validTo, updatedAt) =
                try row.decode((String, String, AgreementState, Int, Int?, String, String, String, String, LocalDate, LocalDate, Date).self)
            return AgreementSummary(
                code: code,
                title: title,
                state: state,
                version: version,
                signedVersion: signedVersion,
                provider: provider,
                providerName: providerName,
                client: client,
                clientName: clientName,
                validFrom: validFrom,
                validTo: validTo,
                updatedAt: updatedAt
            )
        }.filter {
            Self.isVisible(signedVersion: $0.signedVersion, provider: $0.provider, client: $0.client, to: actor, in: tree)
        }
    }

    /// The agreement with `code`, its current terms, every version and signature; nil when there
    /// is none or `actor` may not see it.
    /// - Throws: ``CorruptRecordError`` when its stored document cannot be read.
    public func get(_ code: String, visibleTo actor: Actor?) async throws -> AgreementRecord? {
        guard let loaded = try await Self(db: self.db).load(code, lock: false) else { return nil }
        let tree = try await Self.tree(for: actor, in: self.db)
        guard loaded.isVisible(to: actor, in: tree) else { return nil }
        let signatures = try await Self(db: self.db).signatures(where: "s.agreement_id = \(loaded.id)")[loaded.id, default: []]
        let rows = try await self.db.query(
            """
            SELECT version, supersedes, created_by, created_at, document, format, calendars
            FROM agreement_versions WHERE agreement_id = \(loaded.id) ORDER BY version
            """
        )
        var versions: [VersionInfo] = []
        var measured = loaded.current.document
        for row in rows {
            let (version, supersedes, createdBy, createdAt, text, format, frozenCalendars) = try row.decode(
                (Int, Int?, String, Date, String, Int, String?).self
            )
            versions.append(
                VersionInfo(
                    version: version,
                    supersedes: supersedes,
                    createdBy: createdBy,
                    createdAt: createdAt,
                    sha256: Hashing.sha256Hex(text.utf8),
                    format: format,
                    signatures: signatures.filter { $0.version == version }
                )
            )
            if version == loaded.agreement.signedVersion {
                measured = try StoredVersion(code: code, version: version, text: text, format: format, frozenCalendars: frozenCalendars).document
            }
        }
        var agreement = loaded.agreement
        agreement.signatures = signatures.filter { $0.version == agreement.version }
        return AgreementRecord(
            agreement: agreement,
            providerName: loaded.providerName,
            clientName: loaded.clientName,
            versions: versions,
            measured: measured,
            createdAt: loaded.createdAt,
            updatedAt: loaded.updatedAt
        )
    }

    /// Every agreement signed by both sides and not yet expired or terminated on `today`: the
    /// intranet publication, in force or starting later. An agreement whose stored records cannot
    /// be read, or whose current version lacks the signatures its state claims, is withheld and
    /// named instead of taking the page down. Two queries, whatever the number of agreements.
    public func published(on today: LocalDate) async throws -> Publication {
        let filter: SQL = " WHERE a.state = \(AgreementState.active) AND a.valid_to >= \(today)"
        let (rows, signatures) = try await self.db.snapshot { db in
            let rows = try await db.query("SELECT " + Self.columns + Self.from + filter + " ORDER BY a.code")
            let signatures = try await Self(db: db).signatures(where: "s.agreement_id IN (SELECT a.id FROM agreements a" + filter + ")")
            return (rows, signatures)
        }
        var publication = Publication(inForce: [], upcoming: [], withheld: [])
        for row in rows {
            let (_, code) = try row.decode((Int64, String).self)
            guard let loaded = try? Loaded(row), loaded.agreement.terms.validTo >= today else {
                publication.withheld.append(code)
                continue
            }
            var agreement = loaded.agreement
            agreement.signatures = signatures[loaded.id, default: []].filter { $0.version == agreement.version }
            // Active means both sides signed exactly this version: anything else was written around Pacta.
            guard Side.allCases.allSatisfy({ agreement.signature(of: $0)?.sha256 == agreement.sha256 }),
                agreement.signedVersion == agreement.version
            else {
                publication.withheld.append(code)
                continue
            }
            let published = PublishedAgreement(agreement: agreement, providerName: loaded.providerName, clientName: loaded.clientName)
            if agreement.state(on: today) == .signed {
                publication.upcoming.append(published)
            } else {
                publication.inForce.append(published)
            }
        }
        return publication
    }

    /// One version exactly as stored, or nil when there is none or `actor` may not see the agreement.
    public func version(_ code: String, _ number: Int, visibleTo actor: Actor?) async throws -> StoredVersion? {
        guard let loaded = try await Self(db: self.db).load(code, lock: false),
            loaded.isVisible(to: actor, in: try await Self.tree(for: actor, in: self.db)),
            let row = try await self.db.first(
                "SELECT document, format, calendars FROM agreement_versions WHERE agreement_id = \(loaded.id) AND version = \(number)"
            )
        else { return nil }
        let (text, format, frozenCalendars) = try row.decode((String, Int, String?).self)
        return try StoredVersion(code: code, version: number, text: text, format: format, frozenCalendars: frozenCalendars)
    }

    // MARK: - Changing

    /// Creates a draft, version 1, with the calendars its commitments name as they are now.
    /// The actor must take part: their unit (or one below it) is the provider or the client.
    public func create(code: String, terms: AgreementTerms, by actor: Actor, at instant: Date) async throws -> Agreement {
        var validator = Validator()
        Code.validate(code, field: "code", into: &validator)
        do { try terms.validate() } catch { validator.absorb(error, prefix: "") }
        try validator.finish()
        return try await self.db.transaction { db in
            let references = try await Self.checkReferences(of: terms, in: db)
            try Self.requireParty(actor, of: terms, in: try await UnitRepository(db: db).tree())
            let agreement = try Agreement(code: code, terms: terms, calendars: references.calendars)
            let stored = try StoredVersion(agreement.document)
            let id: Int64
            do {
                id = try await db.one(
                    """
                    INSERT INTO agreements (code, state, version, title, provider_id, client_id, valid_from, valid_to, created_at, updated_at)
                    VALUES (\(code), \(AgreementState.draft), 1, \(terms.title.trimmed), \(references.provider), \(references.client),
                    \(terms.validFrom), \(terms.validTo), \(instant), \(instant))
                    RETURNING id
                    """,
                    as: Int64.self
                )
            } catch DatabaseError.uniqueViolation {
                throw ValidationError(field: "code", code: "taken", message: "Agreement \(code) already exists.")
            }
            try await Self.insertVersion(stored, agreementID: id, supersedes: nil, by: actor, at: instant, in: db)
            try await LedgerRepository(db: db).record(.versionCreated, agreement, actor: actor, data: Self.versionData(stored), at: instant)
            return agreement
        }
    }

    /// Changes the terms, taking the calendars they name as they are now: in place while nobody
    /// signed, as a new version once anyone did. The actor must take part in the agreement both
    /// before and after the change, so nobody makes another unit's agreement theirs.
    public func revise(
        _ code: String,
        terms: AgreementTerms,
        by actor: Actor,
        at instant: Date,
        today: LocalDate
    ) async throws -> (agreement: Agreement, revision: Agreement.Revision) {
        try terms.validate()
        return try await self.db.transaction { db in
            let loaded = try await Self(db: db).loadForChange(code, by: actor)
            let references = try await Self.checkReferences(of: terms, in: db)
            let tree = try await UnitRepository(db: db).tree()
            try Self.requireParty(actor, of: terms, in: tree)
            // A party changes only by the hand of whoever acts for it: nobody pushes the other side out.
            let before = loaded.agreement.terms
            for (side, old, new) in [("provider", before.provider, terms.provider), ("client", before.client, terms.client)]
            where old != new && !loaded.agreement.partiesAreFixed && !actor.reaches(old, in: tree) {
                throw ScopeError("Only someone who acts for \(old) may replace it as the \(side) of \(code).", field: side)
            }
            var agreement = loaded.agreement
            let revision = try agreement.revise(terms, calendars: references.calendars, on: today)
            let stored = try StoredVersion(agreement.document)
            switch revision {
            case .inPlace:
                try await db.execute(
                    """
                    UPDATE agreement_versions SET document = \(stored.text), format = \(stored.format), calendars = \(String?.none),
                    created_by = \(actor.username), created_at = \(instant)
                    WHERE agreement_id = \(loaded.id) AND version = \(agreement.version)
                    """
                )
                try await LedgerRepository(db: db).record(.versionRevised, agreement, actor: actor, data: Self.versionData(stored), at: instant)
            case .newVersion(let previous):
                try await Self.insertVersion(stored, agreementID: loaded.id, supersedes: previous, by: actor, at: instant, in: db)
                var data = Self.versionData(stored)
                data["supersedes"] = .number(Double(previous))
                try await LedgerRepository(db: db).record(.versionCreated, agreement, actor: actor, data: data, at: instant)
            }
            try await db.execute(
                """
                UPDATE agreements SET state = \(agreement.state), version = \(agreement.version), title = \(terms.title.trimmed),
                provider_id = \(references.provider), client_id = \(references.client), valid_from = \(terms.validFrom), valid_to = \(terms.validTo),
                updated_at = \(instant) WHERE id = \(loaded.id)
                """
            )
            return (agreement, revision)
        }
    }

    /// Sends a draft for signature.
    public func submit(_ code: String, by actor: Actor, at instant: Date, today: LocalDate) async throws -> Agreement {
        try await self.change(code, by: actor, at: instant, .submitted) { agreement in try agreement.submit(on: today) }
    }

    /// Ends an agreement early; a draft never signed is cancelled this way.
    public func terminate(_ code: String, reason: String, by actor: Actor, at instant: Date, today: LocalDate) async throws -> Agreement {
        guard !reason.trimmed.isEmpty else {
            throw ValidationError(field: "reason", code: "required", message: "Say why the agreement ends.")
        }
        guard reason.unicodeScalars.count <= TextLimit.reason else {
            throw ValidationError(field: "reason", code: "too_long", message: "reason has at most \(TextLimit.reason) characters.")
        }
        return try await self.change(code, by: actor, at: instant, .terminated, data: ["termination_reason": .string(reason.trimmed)]) { agreement in
            try agreement.terminate(reason: reason.trimmed, on: today)
        }
    }

    /// Signs the version the signer was shown, for the signer's unit, if it is still the current
    /// one. When the second signature makes the agreement active, the requests already stored
    /// between its units are matched to it.
    public func sign(_ code: String, shown: Agreement.Shown, by signer: Actor, at instant: Date, today: LocalDate) async throws -> Agreement {
        try await self.db.transaction { db in
            guard let loaded = try await Self(db: db).load(code, lock: true),
                loaded.isVisible(to: signer, in: try await UnitRepository(db: db).tree())
            else { throw NotFoundError("agreement", code) }
            var agreement = loaded.agreement
            let signature = try agreement.sign(by: signer, shown: shown, at: instant, on: today)
            try await db.execute(
                """
                INSERT INTO signatures (agreement_id, version, side, signer, signer_name, unit_code, signed_at, sha256, channel, token_id)
                VALUES (\(loaded.id), \(signature.version), \(signature.side), \(signature.signer), \(signature.signerName),
                \(signature.unit), \(signature.signedAt), \(signature.sha256), \(signature.channel), \(signature.tokenID))
                """
            )
            try await db.execute(
                """
                UPDATE agreements SET state = \(agreement.state), signed_version = \(agreement.signedVersion), updated_at = \(instant)
                WHERE id = \(loaded.id)
                """
            )
            if let signed = agreement.signedVersion, signed != loaded.agreement.signedVersion {
                // A first signature gives the agreement its figures; a revision changes those it had.
                let reason = FigureChangeReason(
                    cause: .revision,
                    actor: signer.username,
                    detail: "\(code) v\(signed)",
                    instant: instant,
                    today: today,
                    revised: loaded.agreement.signedVersion == nil ? nil : loaded.id
                )
                try await RequestRepository(db: db).rematch(provider: loaded.providerID, client: loaded.clientID, because: reason)
            }
            // Last, so that the ledger's lock is held only for the append.
            try await LedgerRepository(db: db).record(.signed, agreement, actor: signer, data: signature.ledgerData, at: instant)
            return agreement
        }
    }

    /// Marks the open agreements whose validity ended before `today` as expired, each with its
    /// ledger entry; agreements that cannot be read are left for `pacta verify` to report.
    /// - Returns: the codes expired.
    @discardableResult
    public func expire(today: LocalDate, at instant: Date) async throws -> [String] {
        let codes = try await self.db.query(
            """
            SELECT code FROM agreements WHERE state IN (\(AgreementState.draft), \(AgreementState.pendingSignatures), \(AgreementState.active))
            AND valid_to < \(today) ORDER BY code
            """
        ).map { try $0.decode(String.self) }
        var expired: [String] = []
        for code in codes {
            let changed = try await self.db.transaction { db -> Bool in
                guard let loaded = try? await Self(db: db).load(code, lock: true) else { return false }
                var agreement = loaded.agreement
                guard agreement.expire(on: today) else { return false }
                try await db.execute("UPDATE agreements SET state = \(agreement.state), updated_at = \(instant) WHERE id = \(loaded.id)")
                try await LedgerRepository(db: db).record(.expired, agreement, actor: .system("pacta-expiry"), at: instant)
                return true
            }
            if changed { expired.append(code) }
        }
        return expired
    }

    // MARK: - Helpers

    /// Loads an agreement to change it, locked, and checks that `actor` takes part in it:
    /// not found when they may not even see it, out of scope when they may see it only.
    func loadForChange(_ code: String, by actor: Actor) async throws -> Loaded {
        guard let loaded = try await self.load(code, lock: true) else { throw NotFoundError("agreement", code) }
        let tree = try await UnitRepository(db: self.db).tree()
        guard loaded.isVisible(to: actor, in: tree) else { throw NotFoundError("agreement", code) }
        try Self.requireParty(actor, of: loaded.agreement.terms, in: tree)
        return loaded
    }

    /// Loads, applies a state change, writes the state back and records it.
    private func change(
        _ code: String,
        by actor: Actor,
        at instant: Date,
        _ event: LedgerEvent,
        data: [String: JSONValue] = [:],
        _ body: @escaping @Sendable (inout Agreement) throws -> Void
    ) async throws -> Agreement {
        try await self.db.transaction { db in
            let loaded = try await Self(db: db).loadForChange(code, by: actor)
            var agreement = loaded.agreement
            try body(&agreement)
            try await db.execute(
                """
                UPDATE agreements SET state = \(agreement.state), termination_reason = \(agreement.terminationReason),
                updated_at = \(instant) WHERE id = \(loaded.id)
                """
            )
            try await LedgerRepository(db: db).record(event, agreement, actor: actor, data: data, at: instant)
            return agreement
        }
    }

    /// Whether `actor` may see an agreement: one both sides ever signed everybody; one never
    /// signed (a draft, pending, or cancelled or expired without signatures) only its parties.
    static func isVisible(signedVersion: Int?, provider: String, client: String, to actor: Actor?, in tree: UnitTree) -> Bool {
        guard let actor else { return true }
        return signedVersion != nil || actor.takesPart(provider: provider, client: client, in: tree)
    }

    /// The units' tree when visibility depends on it; Pacta itself and administrators see everything.
    private static func tree(for actor: Actor?, in db: any DatabaseExecutor) async throws -> UnitTree {
        guard let actor, !actor.reachesEverything else { return UnitTree([]) }
        return try await UnitRepository(db: db).tree()
    }

    /// Refuses terms in which the actor's unit takes no part.
    static func requireParty(_ actor: Actor, of terms: AgreementTerms, in tree: UnitTree) throws {
        guard actor.takesPart(provider: terms.provider, client: terms.client, in: tree) else {
            throw ScopeError(
                "\(actor.username) acts for \(actor.unit) and the units below it; an agreement between \(terms.provider) and \(terms.client) is outside them.",
                field: "provider"
            )
        }
    }

    private static func insertVersion(
        _ stored: StoredVersion,
        agreementID: Int64,
        supersedes: Int?,
        by actor: Actor,
        at instant: Date,
        in db: any DatabaseExecutor
    ) async throws {
        try await db.execute(
            """
            INSERT INTO agreement_versions (agreement_id, version, document, format, supersedes, created_by, created_at)
            VALUES (\(agreementID), \(stored.document.version), \(stored.text), \(stored.format), \(supersedes), \(actor.username), \(instant))
            """
        )
    }

    static func versionData(_ stored: StoredVersion) -> [String: JSONValue] {
        ["sha256": .string(stored.sha256), "format": .number(Double(stored.format))]
    }

    /// An agreement row with its current version and its units, ready to act on.
    struct Loaded: Sendable {
        var id: Int64
        var agreement: Agreement
        var current: StoredVersion
        var providerID: Int64
        var clientID: Int64
        var providerName: String
        var clientName: String
        var createdAt: Date
        var updatedAt: Date

        /// Reads a row of ``AgreementRepository/columns``; the signatures are added by the caller.
        init(_ row: DatabaseRow) throws {
            let (id, code, state, version, terminationReason, signedVersion, text, format, frozenCalendars) = try row.decode(
                (Int64, String, AgreementState, Int, String?, Int?, String, Int, String?).self
            )
            let (providerID, clientID, providerName, clientName, createdAt, updatedAt) = try row.dropFirst(9).decode(
                (Int64, Int64, String, String, Date, Date).self
            )
            self.id = id
            self.current = try StoredVersion(code: code, version: version, text: text, format: format, frozenCalendars: frozenCalendars)
            self.agreement = self.current.agreement(
                state: state,
                signedVersion: signedVersion,
                signatures: [],
                terminationReason: terminationReason
            )
            self.providerID = providerID
            self.clientID = clientID
            self.providerName = providerName
            self.clientName = clientName
            self.createdAt = createdAt
            self.updatedAt = updatedAt
        }

        func isVisible(to actor: Actor?, in tree: UnitTree) -> Bool {
            AgreementRepository.isVisible(
                signedVersion: self.agreement.signedVersion,
                provider: self.agreement.terms.provider,
                client: self.agreement.terms.client,
                to: actor,
                in: tree
            )
        }
    }

    /// The columns ``Loaded`` reads.
    private static let columns: SQL = """
        a.id, a.code, a.state, a.version, a.termination_reason, a.signed_version, v.document, v.format, v.calendars,
        a.provider_id, a.client_id, p.name, c.name, a.created_at, a.updated_at
        """
    /// Each agreement with its current version and its two units.
    private static let from: SQL = """
         FROM agreements a JOIN agreement_versions v ON v.agreement_id = a.id AND v.version = a.version
        JOIN units p ON p.id = a.provider_id JOIN units c ON c.id = a.client_id
        """

    /// The agreements awaiting `actor`'s signature: submitted, and not yet signed for the side of
    /// their unit (a signature is always a person signing for their own unit), by code.
    public func awaitingSignature(of actor: Actor) async throws -> [AwaitingSignature] {
        try await self.db.query(
            """
            SELECT a.code, a.title, a.version FROM agreements a
            JOIN units p ON p.id = a.provider_id JOIN units c ON c.id = a.client_id
            WHERE a.state = \(AgreementState.pendingSignatures)
            AND ((p.code = \(actor.unit) AND NOT EXISTS (SELECT 1 FROM signatures s
                    WHERE s.agreement_id = a.id AND s.version = a.version AND s.side = \(Side.provider)))
                OR (c.code = \(actor.unit) AND NOT EXISTS (SELECT 1 FROM signatures s
                    WHERE s.agreement_id = a.id AND s.version = a.version AND s.side = \(Side.client))))
            ORDER BY a.code
            """
        ).map { row in
            let (code, title, version) = try row.decode((String, String, Int).self)
            return AwaitingSignature(code: code, title: title, version: version)
        }
    }

    /// Loads an agreement with the signatures of its current version; `lock` holds its row until the transaction ends.
    func load(_ code: String, lock: Bool) async throws -> Loaded? {
        if lock {
            // Locked by itself first: a statement that joins the row to its version and waits for
            // the lock would drop the row if the holder moved it to a new version. The query
            // below, a new statement, then reads what the holder committed.
            let locked = try await self.db.first("SELECT id FROM agreements WHERE code = \(code)" + self.db.dialect.forUpdate)
            guard locked != nil else { return nil }
        }
        guard let row = try await self.db.first("SELECT " + Self.columns + Self.from + " WHERE a.code = \(code)") else { return nil }
        var loaded = try Loaded(row)
        let current: SQL = "s.agreement_id = \(loaded.id) AND s.version = \(loaded.agreement.version)"
        loaded.agreement.signatures = try await self.signatures(where: current)[loaded.id, default: []]
        return loaded
    }

    /// Signatures matching `condition` (on `s`), grouped by agreement id, in signing order.
    func signatures(where condition: SQL) async throws -> [Int64: [Signature]] {
        let rows = try await self.db.query(
            """
            SELECT s.agreement_id, s.version, s.side, s.signer, s.signer_name, s.unit_code, s.signed_at, s.sha256, s.channel, s.token_id
            FROM signatures s WHERE
            """ + " " + condition + " ORDER BY s.agreement_id, s.version, s.signed_at, s.side DESC"
        )
        var result: [Int64: [Signature]] = [:]
        for row in rows {
            let (agreement, version, side, signer, signerName, unit, signedAt, sha256, channel, tokenID) = try row.decode(
                (Int64, Int, Side, String, String, String, Date, String, String, Int64?).self
            )
            result[agreement, default: []].append(
                Signature(
                    version: version,
                    side: side,
                    signer: signer,
                    signerName: signerName,
                    unit: unit,
                    signedAt: signedAt,
                    sha256: sha256,
                    channel: channel,
                    tokenID: tokenID
                )
            )
        }
        return result
    }

    /// The units' ids and the calendars the terms name, as they are now; every unknown one is reported.
    private static func checkReferences(
        of terms: AgreementTerms,
        in db: any DatabaseExecutor
    ) async throws -> (provider: Int64, client: Int64, calendars: [BusinessCalendar]) {
        var validator = Validator()
        let provider = try await db.first("SELECT id FROM units WHERE code = \(terms.provider)")?.decode(Int64.self)
        let client = try await db.first("SELECT id FROM units WHERE code = \(terms.client)")?.decode(Int64.self)
        validator.check(provider != nil, "provider", "unknown_unit", "There is no unit \(terms.provider).")
        validator.check(client != nil, "client", "unknown_unit", "There is no unit \(terms.client).")
        var calendars: [String: BusinessCalendar] = [:]
        for (index, commitment) in terms.commitments.enumerated() {
            guard let code = commitment.calendar, !code.isEmpty, calendars[code] == nil else { continue }
            if let calendar = try await CalendarRepository(db: db).get(code) {
                calendars[code] = calendar
            } else {
                validator.fail("commitments[\(index)].calendar", "unknown_calendar", "There is no calendar \(code).")
            }
        }
        try validator.finish()
        guard let provider, let client else { preconditionFailure("both units were checked above") }
        return (provider, client, Array(calendars.values))
    }
}
