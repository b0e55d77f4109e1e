import Foundation
import Logging
import PactaCore
import PactaStore
import PactaTestSupport
import Testing

/// The ledger records the lifecycle, and `verify` catches what is written around Pacta: each
/// kind of tampering an attacker with the database could try.
@Suite struct LedgerTests {
    @Test(arguments: TestDatabase.available)
    func everyEventIsRecordedInOneChain(database: TestDatabase) async throws {
        try await database.withStore { store in
            try await store.seedActiveAgreement()
            let entries = try await store.ledger.entries()
            #expect(entries.map(\.event) == [.versionCreated, .submitted, .signed, .signed])
            #expect(entries.map { $0.seq } == [1, 2, 3, 4])
            #expect(entries.map(\.actor) == ["ana", "ana", "ana", "luis"])
            #expect(entries.last?.data["state"] == .string("active"))
            #expect(entries.last?.data["signed_version"] == .number(1))
            #expect(LedgerAudit.chainIssues(entries).isEmpty)
            #expect(try await store.ledger.head() == LedgerHead(seq: 4, hash: entries[3].hash))
            let report = try await store.agreements.verify()
            #expect(report.isIntact)
            #expect((report.checkedSignatures, report.checkedVersions, report.checkedEntries) == (2, 1, 4))
        }
    }

    /// Each tampering, applied alone to a fresh active agreement, and the divergence verify reports.
    static let tamperings: [(name: String, sql: String, code: String)] = [
        (
            "document and its hash rewritten together",
            "UPDATE agreement_versions SET document = REPLACE(document, '0.95', '0.5')", "version_altered"
        ),
        ("a signature row deleted", "DELETE FROM signatures WHERE side = 'client'", "signature_missing"),
        ("a signer renamed", "UPDATE signatures SET signer_name = 'Otra Persona' WHERE side = 'client'", "signature_altered"),
        ("a state edited", "UPDATE agreements SET state = 'terminated'", "state_mismatch"),
        ("a validity edited", "UPDATE agreements SET valid_to = '2030-12-31'", "columns_mismatch"),
        ("a signer replaced", "UPDATE signatures SET signer = 'intruso' WHERE side = 'provider'", "signature_altered"),
        (
            "calendars slipped beside a signed version",
            "UPDATE agreement_versions SET format = 1, calendars = '[]'", "format_altered"
        ),
    ]

    @Test(arguments: TestDatabase.available)
    func tamperingWithTheTablesIsEvident(database: TestDatabase) async throws {
        for tampering in Self.tamperings {
            try await database.withStore { store in
                try await store.seedActiveAgreement()
                try await store.database.execute(SQL(unsafeSQL: tampering.sql))
                if tampering.code == "version_altered" {
                    // The forger also rewrites the signatures' hashes, so that they match the new document.
                    let text = try #require(try await store.database.first("SELECT document FROM agreement_versions")?.decode(0, as: String.self))
                    try await store.database.execute("UPDATE signatures SET sha256 = \(Hashing.sha256Hex(text.utf8))")
                }
                let report = try await store.agreements.verify()
                #expect(!report.isIntact, "\(tampering.name)")
                #expect(
                    report.issues.contains { $0.code == tampering.code && $0.agreement == "TI-CRED" },
                    "\(tampering.name): \(report.issues.map(\.code))"
                )
            }
        }
    }

    @Test(arguments: TestDatabase.available)
    func aRewrittenLedgerBreaksItsChainAndAKeptHeadProvesIt(database: TestDatabase) async throws {
        try await database.withStore { store in
            try await store.seedActiveAgreement()
            let kept = try await store.ledger.head()
            var report = try await store.agreements.verify(head: kept.hash)
            #expect(report.headCheck == VerificationReport.HeadCheck(hash: kept.hash, found: true, seq: 4))
            #expect(report.isIntact)
            // The ledger refuses changes through SQL; a superuser drops the guard and edits an entry.
            await #expect(throws: (any Error).self) { try await store.database.execute("UPDATE ledger SET actor = 'x' WHERE seq = 3") }
            await #expect(throws: (any Error).self) { try await store.database.execute("DELETE FROM ledger WHERE seq = 4") }
            switch store.database.dialect {
            case .postgres: try await store.database.execute("ALTER TABLE ledger DISABLE TRIGGER ledger_append_only")
            case .sqlite: try await store.database.execute("DROP TRIGGER ledger_no_update")
            }
            try await store.database.execute("UPDATE ledger SET actor = 'otro' WHERE seq = 3")
            report = try await store.agreements.verify(head: kept.hash)
            #expect(report.issues.map(\.code).contains("entry_altered"))
            #expect(report.headCheck?.found == false)
            // Rewriting it with every hash recomputed keeps the chain whole, but the kept head is gone.
            try await Self.rechain(store)
            report = try await store.agreements.verify(head: kept.hash)
            #expect(!report.issues.map(\.code).contains("entry_altered"))
            #expect(report.headCheck == VerificationReport.HeadCheck(hash: kept.hash, found: false, seq: nil))
            #expect(!report.isIntact)
        }
    }

    /// What a forger with the database does: recompute every hash after an edit.
    static func rechain(_ store: Store) async throws {
        var previous = LedgerEntry.genesis
        for stored in try await store.ledger.entries() {
            let entry = try LedgerEntry(
                seq: stored.seq,
                recordedAt: stored.recordedAt,
                event: stored.event,
                agreement: stored.agreement,
                version: stored.version,
                actor: stored.actor,
                data: stored.data,
                previous: previous
            )
            try await store.database.execute("UPDATE ledger SET previous = \(entry.previous), hash = \(entry.hash) WHERE seq = \(entry.seq)")
            previous = entry.hash
        }
    }

    @Test(arguments: TestDatabase.available)
    func anAgreementWrittenAroundPactaIsNotInTheLedger(database: TestDatabase) async throws {
        try await database.withStore { store in
            try await store.seedActiveAgreement()
            let id = try #require(try await store.database.first("SELECT id FROM agreements")?.decode(0, as: Int64.self))
            try await store.database.execute(
                """
                INSERT INTO agreements (code, state, version, title, provider_id, client_id, valid_from, valid_to, created_at, updated_at)
                SELECT 'FAKE', state, version, title, provider_id, client_id, valid_from, valid_to, created_at, updated_at FROM agreements WHERE id = \(id)
                """
            )
            let issues = try await store.agreements.verify().issues
            #expect(issues.contains { $0.agreement == "FAKE" && $0.code == "not_in_ledger" })
        }
    }

    @Test(arguments: TestDatabase.available)
    func theLedgerStartsOnADatabaseWhoseAgreementsPredateIt(database: TestDatabase) async throws {
        try await database.withStore { store in
            try await store.seedActiveAgreement()
            let ana = Fixtures.signer("ana", unit: "TI")
            _ = try await store.agreements.create(code: "DRAFT", terms: Fixtures.terms(title: "Borrador"), by: ana, at: Fixtures.now)
            // Back to how version 1 of Pacta stored them: sorted-key JSON without calendars, no ledger.
            for (code, version) in [("TI-CRED", 1), ("DRAFT", 1)] {
                let document = try #require(try await store.agreements.version(code, version, visibleTo: nil)?.document)
                let legacy = try Self.legacyText(document)
                try await store.database.execute(
                    """
                    UPDATE agreement_versions SET document = \(legacy), format = 1, calendars = \(String?.none)
                    WHERE agreement_id = (SELECT id FROM agreements WHERE code = \(code))
                    """
                )
                if code == "TI-CRED" { try await store.database.execute("UPDATE signatures SET sha256 = \(Hashing.sha256Hex(legacy.utf8))") }
            }
            switch store.database.dialect {
            case .postgres: try await store.database.execute("ALTER TABLE ledger DISABLE TRIGGER USER")
            case .sqlite: try await store.database.execute("DROP TRIGGER ledger_no_delete")
            }
            try await store.database.execute("DELETE FROM ledger")
            let signedBytes = try #require(try await store.agreements.version("TI-CRED", 1, visibleTo: nil)?.text)

            try await store.migrate(logger: .init(label: "test"))

            // The signed version keeps its bytes and verifies; its calendars were frozen beside it.
            let signed = try #require(try await store.agreements.version("TI-CRED", 1, visibleTo: nil))
            #expect(signed.text == signedBytes)
            #expect(signed.format == StoredVersion.legacyFormat)
            #expect(signed.document.calendars == [Fixtures.officeHours])
            // The draft nobody signed is rewritten in today's form, calendars included.
            let draft = try #require(try await store.agreements.version("DRAFT", 1, visibleTo: nil))
            #expect(draft.format == StoredVersion.currentFormat)
            #expect(draft.sha256 == (try draft.document.sha256()))
            let events = try await store.ledger.entries().map(\.event)
            #expect(events == [.versionCreated, .calendarsFrozen, .signed, .signed, .recorded, .versionCreated, .recorded])
            #expect(try await store.agreements.verify().isIntact)
            // Running again changes nothing.
            try await store.migrate(logger: .init(label: "test"))
            #expect(try await store.ledger.entries().count == events.count)
            // The frozen calendars are guarded too.
            try await store.database.execute("UPDATE agreement_versions SET calendars = '[]' WHERE format = 1")
            #expect(try await store.agreements.verify().issues.map(\.code) == ["calendars_altered"])
        }
    }

    /// A document as Pacta's first format wrote it: Foundation's sorted-key JSON of code, version and terms.
    static func legacyText(_ document: AgreementDocument) throws -> String {
        struct Legacy: Encodable {
            var code: String
            var version: Int
            var terms: AgreementTerms
        }
        return String(
            decoding: try PactaJSON.encoder.encode(Legacy(code: document.code, version: document.version, terms: document.terms)),
            as: UTF8.self
        )
    }
}
