import Foundation
import PactaCore

/// Agreements, their versions and signatures. Every change runs the domain rule on the row
/// locked in a transaction, then writes exactly what the rule changed.
public struct AgreementRepository: Sendable {
    let database: any Database

    /// Every agreement, newest change first; optionally only those a unit takes part in.
    public func list(unit: String? = nil) async throws -> [AgreementSummary] {
        let filter: SQL = unit.map { " WHERE p.code = \($0) OR c.code = \($0)" } ?? ""
        let rows = try await self.database.query(
            """
            SELECT a.code, a.title, a.state, a.version, p.code, p.name, c.code, c.name, a.valid_from, a.valid_to, a.updated_at
            FROM agreements a JOIN units p ON p.id = a.provider_id JOIN units c ON c.id = a.client_id
            """ + filter + " ORDER BY a.updated_at DESC, a.code"
        )
        return try rows.map { row in
            AgreementSummary(
                code: try row.decode(0),
                title: try row.decode(1),
                state: try row.decode(2),
                version: try row.decode(3),
                provider: try row.decode(4),
                providerName: try row.decode(5),
                client: try row.decode(6),
                clientName: try row.decode(7),
                validFrom: try row.decode(8),
                validTo: try row.decode(9),
                updatedAt: try row.decode(10)
            )
        }
    }

    /// The agreement with `code`, its current terms, every version and signature.
    public func get(_ code: String) async throws -> AgreementRecord? {
        guard
            let row = try await self.database.first(
                "SELECT " + Self.columns + ", a.created_at, a.updated_at " + Self.from + " WHERE a.code = \(code)"
            )
        else { return nil }
        let id = try row.decode(0, as: Int64.self)
        let signatures = try await Self.signatures(in: self.database, where: "s.agreement_id = \(id)")
        let versions = try await self.database.query(
            "SELECT version, supersedes, created_by, created_at FROM agreement_versions WHERE agreement_id = \(id) ORDER BY version"
        ).map { row in
            let version = try row.decode(0, as: Int.self)
            return VersionInfo(
                version: version,
                supersedes: try row.decode(1, as: Int?.self),
                createdBy: try row.decode(2),
                createdAt: try row.decode(3),
                signatures: signatures[id, default: []].filter { $0.version == version }
            )
        }
        return AgreementRecord(
            agreement: try Self.agreement(row, signatures: signatures[id, default: []]),
            providerName: try row.decode(6),
            clientName: try row.decode(7),
            versions: versions,
            createdAt: try row.decode(8),
            updatedAt: try row.decode(9)
        )
    }

    /// Every agreement in force on `today`, with its commitments and the signatures of its current
    /// version: the intranet publication. Two queries, whatever the number of agreements.
    public func published(on today: LocalDate) async throws -> [PublishedAgreement] {
        let filter: SQL = " WHERE a.state = \(AgreementState.active) AND a.valid_to >= \(today)"
        let rows = try await self.database.query("SELECT " + Self.columns + Self.from + filter + " ORDER BY a.code")
        let signatures = try await Self.signatures(
            in: self.database,
            where: "s.agreement_id IN (SELECT a.id FROM agreements a" + filter + ")"
        )
        return try rows.map { row in
            let id = try row.decode(0, as: Int64.self)
            return PublishedAgreement(
                agreement: try Self.agreement(row, signatures: signatures[id, default: []]),
                providerName: try row.decode(6),
                clientName: try row.decode(7)
            )
        }
    }

    /// The exact document of one version, as signed.
    public func document(_ code: String, version: Int) async throws -> AgreementDocument? {
        try await self.database.first(
            """
            SELECT v.document FROM agreement_versions v JOIN agreements a ON a.id = v.agreement_id
            WHERE a.code = \(code) AND v.version = \(version)
            """
        ).map { try Self.decodeDocument(try $0.decode(0)) }
    }

    /// Creates a draft, version 1.
    public func create(code: String, terms: AgreementTerms, by username: String, at instant: Date) async throws -> Agreement {
        var validator = Validator()
        Code.validate(code, field: "code", into: &validator)
        do { try terms.validate() } catch { validator.absorb(error, prefix: "") }
        try validator.finish()
        let agreement = Agreement(code: code, terms: terms)
        try await self.database.transaction { db in
            let (providerID, clientID) = try await Self.checkReferences(of: terms, in: db)
            let row: DatabaseRow?
            do {
                row = try await db.first(
                    """
                    INSERT INTO agreements (code, state, version, title, provider_id, client_id, valid_from, valid_to, created_at, updated_at)
                    VALUES (\(code), \(AgreementState.draft), 1, \(terms.title.trimmed), \(providerID), \(clientID), \(terms.validFrom), \(terms.validTo), \(instant), \(instant))
                    RETURNING id
                    """
                )
            } catch DatabaseError.uniqueViolation {
                throw ValidationError(field: "code", code: "taken", message: "Agreement \(code) already exists.")
            }
            let id = try row!.decode(0, as: Int64.self)
            try await db.execute(
                """
                INSERT INTO agreement_versions (agreement_id, version, document, supersedes, created_by, created_at)
                VALUES (\(id), 1, \(Self.encode(agreement.document)), \(Int?.none), \(username), \(instant))
                """
            )
        }
        return agreement
    }

    /// Changes the terms: in place while nobody signed, as a new version once anyone did.
    public func revise(
        _ code: String,
        terms: AgreementTerms,
        by username: String,
        at instant: Date,
        today: LocalDate
    ) async throws -> Agreement {
        try terms.validate()
        return try await self.database.transaction { db in
            guard let (id, loaded) = try await Self.load(code, in: db, lock: true) else {
                throw NotFoundError("agreement", code)
            }
            var agreement = loaded
            let (providerID, clientID) = try await Self.checkReferences(of: terms, in: db)
            switch try agreement.revise(terms, on: today) {
            case .inPlace:
                try await db.execute(
                    """
                    UPDATE agreement_versions SET document = \(Self.encode(agreement.document)), created_by = \(username), created_at = \(instant)
                    WHERE agreement_id = \(id) AND version = \(agreement.version)
                    """
                )
            case .newVersion(let previous):
                try await db.execute(
                    """
                    INSERT INTO agreement_versions (agreement_id, version, document, supersedes, created_by, created_at)
                    VALUES (\(id), \(agreement.version), \(Self.encode(agreement.document)), \(previous), \(username), \(instant))
                    """
                )
            }
            try await db.execute(
                """
                UPDATE agreements SET state = \(agreement.state), version = \(agreement.version), title = \(terms.title.trimmed),
                provider_id = \(providerID), client_id = \(clientID), valid_from = \(terms.validFrom), valid_to = \(terms.validTo),
                updated_at = \(instant) WHERE id = \(id)
                """
            )
            return agreement
        }
    }

    /// Sends a draft for signature.
    public func submit(_ code: String, at instant: Date, today: LocalDate) async throws -> Agreement {
        try await self.change(code, at: instant) { agreement in try agreement.submit(on: today) }
    }

    /// Ends an agreement early.
    public func terminate(_ code: String, reason: String, at instant: Date, today: LocalDate) async throws -> Agreement {
        guard !reason.trimmed.isEmpty else {
            throw ValidationError(field: "reason", code: "required", message: "Say why the agreement ends.")
        }
        return try await self.change(code, at: instant) { agreement in
            try agreement.terminate(reason: reason.trimmed, on: today)
        }
    }

    /// Signs the current version for the signer's unit.
    public func sign(_ code: String, by signer: Signer, at instant: Date, today: LocalDate) async throws -> Agreement {
        try await self.database.transaction { db in
            guard let (id, loaded) = try await Self.load(code, in: db, lock: true) else {
                throw NotFoundError("agreement", code)
            }
            var agreement = loaded
            let signature = try agreement.sign(by: signer, at: instant, on: today)
            try await db.execute(
                """
                INSERT INTO signatures (agreement_id, version, side, signer, signer_name, unit_code, signed_at, sha256)
                VALUES (\(id), \(signature.version), \(signature.side), \(signature.signer), \(signature.signerName),
                \(signature.unit), \(signature.signedAt), \(signature.sha256))
                """
            )
            try await db.execute("UPDATE agreements SET state = \(agreement.state), updated_at = \(instant) WHERE id = \(id)")
            return agreement
        }
    }

    /// Recomputes the hash of every signed version and compares it with the one recorded at signing.
    public func verify() async throws -> VerificationReport {
        let rows = try await self.database.query(
            """
            SELECT a.code, s.version, s.side, s.sha256, v.document
            FROM signatures s JOIN agreements a ON a.id = s.agreement_id
            JOIN agreement_versions v ON v.agreement_id = s.agreement_id AND v.version = s.version
            ORDER BY a.code, s.version, s.side
            """
        )
        var issues: [VerificationIssue] = []
        for row in rows {
            let code = try row.decode(0, as: String.self)
            let version = try row.decode(1, as: Int.self)
            let side = try row.decode(2, as: Side.self)
            let signed = try row.decode(3, as: String.self)
            let problem: String
            let reason: String
            let current: String
            do {
                let document = try Self.decodeDocument(try row.decode(4))
                current = document.sha256
                if document.code != code || document.version != version {
                    reason = "document_mismatch"
                    problem = "the stored document belongs to \(document.code) version \(document.version)"
                } else if current != signed {
                    reason = "modified_after_signing"
                    problem = "the version was modified after it was signed"
                } else {
                    continue
                }
            } catch {
                current = ""
                reason = "unreadable"
                problem = "the stored document cannot be read: \(error)"
            }
            issues.append(
                VerificationIssue(
                    agreement: code, version: version, side: side, signedSHA256: signed, currentSHA256: current, code: reason, problem: problem
                )
            )
        }
        return VerificationReport(checkedSignatures: rows.count, issues: issues)
    }

    // MARK: - Helpers

    /// Loads, applies a state change, and writes the state back.
    private func change(
        _ code: String,
        at instant: Date,
        _ body: @escaping @Sendable (inout Agreement) throws -> Void
    ) async throws -> Agreement {
        try await self.database.transaction { db in
            guard let (id, loaded) = try await Self.load(code, in: db, lock: true) else {
                throw NotFoundError("agreement", code)
            }
            var agreement = loaded
            try body(&agreement)
            try await db.execute(
                """
                UPDATE agreements SET state = \(agreement.state), termination_reason = \(agreement.terminationReason),
                updated_at = \(instant) WHERE id = \(id)
                """
            )
            return agreement
        }
    }

    /// The columns ``agreement(_:signatures:)`` reads, then the unit names (6, 7).
    private static let columns: SQL = "a.id, a.code, a.state, a.version, a.termination_reason, v.document, p.name, c.name"
    /// Each agreement with its current version and its two units.
    private static let from: SQL = """
         FROM agreements a JOIN agreement_versions v ON v.agreement_id = a.id AND v.version = a.version
        JOIN units p ON p.id = a.provider_id JOIN units c ON c.id = a.client_id
        """

    private static func agreement(_ row: DatabaseRow, signatures: [Signature]) throws -> Agreement {
        let version = try row.decode(3, as: Int.self)
        return Agreement(
            code: try row.decode(1),
            state: try row.decode(2),
            version: version,
            terms: try Self.decodeDocument(try row.decode(5)).terms,
            signatures: signatures.filter { $0.version == version },
            terminationReason: try row.decode(4, as: String?.self)
        )
    }

    /// Loads an agreement to change it; `lock` holds its row until the transaction ends.
    static func load(_ code: String, in db: any DatabaseExecutor, lock: Bool) async throws -> (id: Int64, agreement: Agreement)? {
        guard
            let row = try await db.first(
                """
                SELECT a.id, a.code, a.state, a.version, a.termination_reason, v.document
                FROM agreements a JOIN agreement_versions v ON v.agreement_id = a.id AND v.version = a.version
                WHERE a.code = \(code)
                """ + (lock ? db.forUpdate : "")
            )
        else { return nil }
        let id = try row.decode(0, as: Int64.self)
        let signatures = try await Self.signatures(in: db, where: "s.agreement_id = \(id)")
        return (id, try Self.agreement(row, signatures: signatures[id, default: []]))
    }

    /// Signatures matching `condition` (on `s`), grouped by agreement id, in signing order.
    private static func signatures(in db: any DatabaseExecutor, where condition: SQL) async throws -> [Int64: [Signature]] {
        let rows = try await db.query(
            """
            SELECT s.agreement_id, s.version, s.side, s.signer, s.signer_name, s.unit_code, s.signed_at, s.sha256
            FROM signatures s WHERE
            """ + " " + condition + " ORDER BY s.agreement_id, s.version, s.signed_at, s.side DESC"
        )
        var result: [Int64: [Signature]] = [:]
        for row in rows {
            result[try row.decode(0), default: []].append(
                Signature(
                    version: try row.decode(1),
                    side: try row.decode(2),
                    signer: try row.decode(3),
                    signerName: try row.decode(4),
                    unit: try row.decode(5),
                    signedAt: try row.decode(6),
                    sha256: try row.decode(7)
                )
            )
        }
        return result
    }

    /// Checks that the units and calendars the terms name exist; returns the units' ids.
    private static func checkReferences(of terms: AgreementTerms, in db: any DatabaseExecutor) async throws -> (Int64, Int64) {
        var validator = Validator()
        let provider = try await db.first("SELECT id FROM units WHERE code = \(terms.provider)")
        let client = try await db.first("SELECT id FROM units WHERE code = \(terms.client)")
        validator.check(provider != nil, "provider", "unknown_unit", "There is no unit \(terms.provider).")
        validator.check(client != nil, "client", "unknown_unit", "There is no unit \(terms.client).")
        let known = Set(try await db.query("SELECT code FROM calendars").map { try $0.decode(0, as: String.self) })
        for (index, commitment) in terms.commitments.enumerated() {
            if let calendar = commitment.calendar, !calendar.isEmpty, !known.contains(calendar) {
                validator.fail("commitments[\(index)].calendar", "unknown_calendar", "There is no calendar \(calendar).")
            }
        }
        try validator.finish()
        return (try provider!.decode(0), try client!.decode(0))
    }

    static func encode(_ document: AgreementDocument) -> String {
        String(decoding: document.canonicalJSON(), as: UTF8.self)
    }

    static func decodeDocument(_ text: String) throws -> AgreementDocument {
        try PactaJSON.decoder.decode(AgreementDocument.self, from: Data(text.utf8))
    }
}
