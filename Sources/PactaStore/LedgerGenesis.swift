import Foundation
import PactaCore

/// Starts the ledger on a database whose agreements predate it, once, right after the migrations.
///
/// Versions nobody signed are rewritten in the current document format, with their calendars by
/// value: no hash binds them. Signed versions keep their stored bytes, so their signatures keep
/// verifying; the calendars they are measured on are frozen as they are at this moment, beside
/// them. Then each version, signature and state is recorded in the ledger, which vouches for the
/// agreements from this point on.
enum LedgerGenesis {
    static let actor = Actor.system("pacta-migration")

    /// Does nothing when the ledger already has entries or there are no agreements.
    static func run(in database: any Database, at instant: Date) async throws {
        try await database.transaction { db in
            try await LedgerRepository(db: db).lock()
            guard try await LedgerRepository(db: db).head().seq == 0 else { return }
            let agreements = try await db.query("SELECT id, code, state, signed_version, termination_reason FROM agreements ORDER BY id")
            guard !agreements.isEmpty else { return }
            let calendars = Dictionary(
                try await CalendarRepository(db: db).list().map { ($0.code, $0) },
                uniquingKeysWith: { first, _ in first }
            )
            for row in agreements {
                try await Self.record(row, calendars: calendars, at: instant, in: db)
            }
        }
    }

    private static func record(_ row: DatabaseRow, calendars: [String: BusinessCalendar], at instant: Date, in db: any DatabaseExecutor) async throws
    {
        let (id, code, state, signedVersion, terminationReason) = try row.decode((Int64, String, String, Int?, String?).self)
        let signatures = try await AgreementRepository(db: db).signatures(where: "s.agreement_id = \(id)")[id, default: []]
        let versions = try await db.query(
            "SELECT version, document, format, supersedes FROM agreement_versions WHERE agreement_id = \(id) ORDER BY version"
        )
        func append(_ event: LedgerEvent, version: Int?, _ data: [String: JSONValue]) async throws {
            try await LedgerRepository(db: db).append(event, agreement: code, version: version, actor: Self.actor.username, data: data, at: instant)
        }
        for versionRow in versions {
            let (version, storedText, storedFormat, supersedes) = try versionRow.decode((Int, String, Int, Int?).self)
            var (text, format) = (storedText, storedFormat)
            // Unreadable documents stay as they are: verify reports them.
            let document = try? StoredVersion(code: code, version: version, text: text, format: format, frozenCalendars: nil).document
            let named = document.map { $0.terms.calendarCodes.sorted().compactMap { calendars[$0] } } ?? []
            var frozen: String?
            if format == StoredVersion.legacyFormat, let document {
                if signatures.contains(where: { $0.version == version }) {
                    frozen = String(decoding: try CanonicalJSON.serialize(named, encoder: PactaJSON.encoder), as: UTF8.self)
                } else {
                    let current = try StoredVersion(AgreementDocument(code: code, version: version, terms: document.terms, calendars: named))
                    (text, format) = (current.text, current.format)
                }
                try await db.execute(
                    """
                    UPDATE agreement_versions SET document = \(text), format = \(format), calendars = \(frozen)
                    WHERE agreement_id = \(id) AND version = \(version)
                    """
                )
            }
            var data: [String: JSONValue] = ["sha256": .string(Hashing.sha256Hex(text.utf8)), "format": .number(Double(format))]
            if let supersedes { data["supersedes"] = .number(Double(supersedes)) }
            try await append(.versionCreated, version: version, data)
            if let frozen {
                try await append(.calendarsFrozen, version: version, ["calendars_sha256": .string(Hashing.sha256Hex(frozen.utf8))])
            }
        }
        for signature in signatures {
            try await append(.signed, version: signature.version, signature.ledgerData)
        }
        try await append(
            .recorded,
            version: nil,
            [
                "state": .string(state),
                "signed_version": signedVersion.map { .number(Double($0)) } ?? .null,
                "termination_reason": terminationReason.map { .string($0) } ?? .null,
            ]
        )
    }
}
