import Foundation
import PactaCore

/// Which follow-ups a list shows.
public struct FollowUpFilter: Sendable, Hashable {
    public var status: FollowUpStatus?
    /// A supporting unit, with the units below it.
    public var unit: String?
    /// Only those followed up by this username.
    public var owner: String?

    public init(status: FollowUpStatus? = nil, unit: String? = nil, owner: String? = nil) {
        self.status = status
        self.unit = unit
        self.owner = owner
    }
}

/// A change asked for on a follow-up: any of a new status, a new owner (empty to remove) and a note.
public struct FollowUpChange: Sendable, Hashable {
    public var status: FollowUpStatus?
    public var owner: String?
    public var note: String

    public init(status: FollowUpStatus? = nil, owner: String? = nil, note: String = "") {
        self.status = status
        self.owner = owner
        self.note = note
    }

    /// Longest note kept, in characters.
    public static let noteLimit = TextLimit.text
}

/// Detractor follow-ups: opened with the answers, moved by the supporting units, and written as
/// requests (``FollowUp``) so that agreements measure the time to contact.
public struct FollowUpRepository: Sendable {
    let db: any DatabaseExecutor

    /// The columns ``followUp(_:)`` reads, from `f` joined to `nps_responses r`, `units u` and `units c`.
    private static let columns: SQL = """
        f.id, u.code, c.code, f.status, f.owner, f.opened_at, f.contacted_at, f.closed_at,
        r.external_ref, r.answered_at, r.channel, r.touchpoint, r.transaction_code, r.score, r.comment
        """
    private static let joined: SQL = """
         FROM nps_followups f JOIN nps_responses r ON r.id = f.response_id JOIN units u ON u.id = f.unit_id
        LEFT JOIN units c ON c.id = f.client_id
        """

    private static func followUp(_ row: DatabaseRow) throws -> FollowUp {
        let (id, unit, client, status, owner, openedAt, contactedAt, closedAt) = try row.decode(
            (Int64, String, String?, String, String?, Date, Date?, Date?).self
        )
        let (ref, answeredAt, channel, touchpoint, transaction, score, comment) = try row.dropFirst(8).decode(
            (String, Date, String, String, String, Int, String).self
        )
        return FollowUp(
            id: id,
            unit: unit,
            client: client ?? "",
            status: FollowUpStatus(rawValue: status) ?? .open,
            owner: owner,
            openedAt: Interval.seconds(openedAt),
            contactedAt: contactedAt.map(Interval.seconds),
            closedAt: closedAt.map(Interval.seconds),
            answer: NPSAnswer(
                externalRef: ref,
                answeredAt: Interval.seconds(answeredAt),
                channel: channel,
                touchpoint: touchpoint,
                transaction: transaction,
                score: score,
                comment: comment
            )
        )
    }

    // MARK: - Reading

    /// The follow-ups `filter` and the actor's reach select, oldest open first, and how many there are in all.
    public func list(_ filter: FollowUpFilter, visibleTo actor: Actor, limit: Int, offset: Int = 0) async throws -> (rows: [FollowUp], total: Int) {
        let condition = try await self.condition(filter, visibleTo: actor)
        let total = try await self.db.count("SELECT COUNT(*)" + Self.joined + condition, as: Int.self)
        let rows = try await self.db.query(
            "SELECT " + Self.columns + Self.joined + condition
                + " ORDER BY CASE f.status WHEN 'open' THEN 0 WHEN 'contacted' THEN 1 ELSE 2 END, f.opened_at, f.id LIMIT \(limit) OFFSET \(offset)"
        ).map(Self.followUp)
        return (rows, total)
    }

    /// How many follow-ups within the actor's reach (and `unit`'s, when given) stand in each status.
    public func counts(unit: String? = nil, visibleTo actor: Actor) async throws -> [FollowUpStatus: Int] {
        var counts: [FollowUpStatus: Int] = [:]
        let condition = try await self.condition(FollowUpFilter(unit: unit), visibleTo: actor)
        for row in try await self.db.query("SELECT f.status, COUNT(*)" + Self.joined + condition + " GROUP BY f.status") {
            let (status, count) = try row.decode((String, Int).self)
            if let status = FollowUpStatus(rawValue: status) { counts[status] = count }
        }
        return counts
    }

    /// The follow-up `id` with its history, if it exists and the actor may see it.
    public func get(_ id: Int64, visibleTo actor: Actor) async throws -> (followUp: FollowUp, notes: [FollowUpNote])? {
        guard let row = try await self.db.first("SELECT " + Self.columns + Self.joined + " WHERE f.id = \(id)") else { return nil }
        let followUp = try Self.followUp(row)
        let tree = Self.seesEverything(actor) ? UnitTree([]) : try await UnitRepository(db: self.db).tree()
        guard Self.isVisible(followUp, to: actor, in: tree) else { return nil }
        let notes = try await self.db.query(
            "SELECT at, author, status, owner, text FROM nps_followup_notes WHERE followup_id = \(id) ORDER BY id"
        ).map { row in
            let (at, author, status, owner, text) = try row.decode((Date, String, String?, String?, String).self)
            return FollowUpNote(
                at: Interval.seconds(at),
                author: author,
                status: status.flatMap(FollowUpStatus.init(rawValue:)),
                owner: owner,
                text: text
            )
        }
        return (followUp, notes)
    }

    /// Administrators and management (viewers) see every follow-up.
    private static func seesEverything(_ actor: Actor) -> Bool {
        actor.reachesEverything || actor.role == .viewer
    }

    /// Whether `actor` sees `followUp`: everyone's for those who see everything, otherwise those
    /// their unit takes part in, as the supporting unit or the unit served.
    private static func isVisible(_ followUp: FollowUp, to actor: Actor, in tree: UnitTree) -> Bool {
        Self.seesEverything(actor) || actor.takesPart(provider: followUp.unit, client: followUp.client, in: tree)
    }

    private func condition(_ filter: FollowUpFilter, visibleTo actor: Actor) async throws -> SQL {
        var parts: [SQL] = []
        let needsTree = filter.unit != nil || !Self.seesEverything(actor)
        let tree = needsTree ? try await UnitRepository(db: self.db).tree() : UnitTree([])
        if let status = filter.status { parts.append("f.status = \(status.rawValue)") }
        if let owner = filter.owner { parts.append("f.owner = \(owner)") }
        if let unit = filter.unit {
            parts.append("u.code IN \(self.db.dialect.strings(inJSONArray: tree.subtree(of: unit).sorted()))")
        }
        if !Self.seesEverything(actor) {
            let reach = self.db.dialect.strings(inJSONArray: tree.subtree(of: actor.unit).sorted())
            parts.append("(u.code IN \(reach) OR c.code IN \(reach))")
        }
        return SQL(whereAll: parts)
    }

    // MARK: - Changing

    /// Applies `change` to the follow-up `id` for `actor`, who must reach its supporting unit; the
    /// owner named must be a user of that unit or one below it, and something must change (a
    /// note counts). Returns the follow-up as it now is.
    public func change(_ id: Int64, _ change: FollowUpChange, by actor: Actor, at instant: Date) async throws -> FollowUp {
        var validator = Validator()
        let note = change.note.trimmingCharacters(in: .whitespacesAndNewlines)
        validator.limit(note, FollowUpChange.noteLimit, "note")
        try validator.finish()
        return try await self.db.transaction { db in
            // Locked first: PostgreSQL locks no row on the outer side of a join.
            try await db.execute("SELECT id FROM nps_followups WHERE id = \(id)" + db.dialect.forUpdate)
            let tree = try await UnitRepository(db: db).tree()
            guard let row = try await db.first("SELECT " + Self.columns + Self.joined + " WHERE f.id = \(id)"),
                case let stored = try Self.followUp(row), Self.isVisible(stored, to: actor, in: tree)
            else { throw NotFoundError("follow-up", "\(id)") }
            guard actor.reaches(stored.unit, in: tree) else {
                throw ScopeError(
                    "\(actor.username) follows up only \(actor.unit)'s detractors and those of the units below it, not \(stored.unit)'s."
                )
            }
            var changed = stored
            if let status = change.status, status != stored.status {
                changed = stored.moved(to: status, at: Interval.seconds(instant))
            }
            if let owner = change.owner {
                let owner = owner.trimmingCharacters(in: .whitespaces)
                if !owner.isEmpty {
                    guard let user = try await UserRepository(db: db).credentials(username: owner)?.user, user.active else {
                        throw ValidationError(field: "owner", code: "unknown_user", message: "There is no active user \(owner).")
                    }
                    guard tree.isWithin(user.unit, stored.unit) else {
                        throw ValidationError(
                            field: "owner",
                            code: "out_of_scope",
                            message: "\(owner) belongs to \(user.unit); the owner is someone of \(stored.unit) or a unit below it."
                        )
                    }
                }
                changed.owner = owner.isEmpty ? nil : owner
            }
            let statusChanged = changed.status != stored.status
            let ownerChanged = changed.owner != stored.owner
            guard statusChanged || ownerChanged || !note.isEmpty else {
                throw ValidationError(
                    field: "note",
                    code: "nothing_changed",
                    message: "Nothing changed: write a note, or change the status or the owner."
                )
            }
            if statusChanged || ownerChanged {
                try await db.execute(
                    """
                    UPDATE nps_followups SET status = \(changed.status.rawValue), owner = \(changed.owner),
                        contacted_at = \(changed.contactedAt.map { Date(timeIntervalSince1970: TimeInterval($0)) }),
                        closed_at = \(changed.closedAt.map { Date(timeIntervalSince1970: TimeInterval($0)) }),
                        version = version + 1
                    WHERE id = \(id)
                    """
                )
            }
            try await db.insert(
                into: "nps_followup_notes",
                columns: ["followup_id", "at", "author", "status", "owner", "text"],
                rows: [
                    [
                        .integer(id), .instant(instant), .text(actor.username),
                        statusChanged ? .text(changed.status.rawValue) : .null,
                        ownerChanged ? .text(changed.owner ?? "") : .null,
                        .text(note),
                    ]
                ]
            )
            return changed
        }
    }

    // MARK: - Opening and mirroring

    /// Opens the follow-ups of the answers `refs` that are detractors with a comment, as
    /// ``opening(from:)`` does.
    static func open(_ refs: [String], in db: any DatabaseExecutor) async throws {
        guard !refs.isEmpty else { return }
        try await db.execute(Self.opening(from: "(SELECT * FROM nps_responses WHERE external_ref IN \(db.dialect.strings(inJSONArray: refs)))"))
    }

    /// The statement opening the follow-ups of the answers in `source` (a relation with
    /// `nps_responses`' columns) that are detractors with a comment: one per unit whose support
    /// lines cover the answer; the unit served is that of the unit's most specific line covering
    /// it. An answer already followed up by a unit is left alone. One statement, whatever the
    /// number of answers: they come in batches, and most batches hold a detractor who said why.
    static func opening(from source: SQL) -> SQL {
        // A unit has at most one line of each kind (channel and transaction, channel, transaction)
        // covering an answer, so ranking by kind picks one line.
        """
        INSERT INTO nps_followups (response_id, unit_id, client_id, opened_at)
        SELECT id, unit_id, client_id, answered_at FROM (
            SELECT r.id, s.unit_id, s.client_id, r.answered_at, ROW_NUMBER() OVER (
                PARTITION BY r.id, s.unit_id
                ORDER BY (CASE WHEN s.channel <> '' THEN 2 ELSE 0 END) + (CASE WHEN s.transaction_code <> '' THEN 1 ELSE 0 END) DESC
            ) AS choice
            FROM 
        """ + source
            + """
             r JOIN nps_support s
                    ON (s.channel = '' OR s.channel = r.channel) AND (s.transaction_code = '' OR s.transaction_code = r.transaction_code)
                WHERE r.score <= 6 AND r.comment <> ''
            ) ranked WHERE choice = 1 ORDER BY id, unit_id
            ON CONFLICT (response_id, unit_id) DO NOTHING
            """
    }

    /// Writes the requests of the follow-ups changed since they were last written (up to
    /// `limit`), through the request import, so that tallies and figures follow. Safe to run from
    /// several instances at once: request imports take turns, and a follow-up changed meanwhile
    /// stays to be written again. Returns how many follow-ups it wrote.
    @discardableResult
    public func writeRequests(at instant: Date, timeZone: TimeZone, limit: Int = 5000) async throws -> Int {
        let pending = try await self.db.query(
            "SELECT f.version, " + Self.columns + Self.joined + " WHERE f.mirrored_version < f.version ORDER BY f.id LIMIT \(limit)"
        ).map { row in
            (version: try row.decode(0, as: Int64.self), followUp: try Self.followUp(row.dropFirst(1)))
        }
        guard !pending.isEmpty else { return 0 }
        let requests = pending.compactMap { $0.followUp.request.map(RawServiceRequest.init) }
        if !requests.isEmpty {
            let report = try await RequestRepository(db: self.db).importRows(
                requests,
                skipInvalid: true,
                by: .system("nps-followups"),
                at: instant,
                timeZone: timeZone
            )
            if let problem = report.problems.first {
                throw DatabaseError.decoding("a follow-up's request was refused: line \(problem.line), \(problem.column): \(problem.message)")
            }
        }
        try await self.db.transaction { db in
            for (version, followUp) in pending {
                try await db.execute(
                    "UPDATE nps_followups SET mirrored_version = \(version) WHERE id = \(followUp.id) AND mirrored_version < \(version)"
                )
            }
        }
        return pending.count
    }
}

extension Repositories {
    public var followUps: FollowUpRepository { FollowUpRepository(db: self.executor) }
}

extension RawServiceRequest {
    /// The request as the import takes it.
    init(_ request: ServiceRequest) {
        self.init(
            externalRef: request.externalRef,
            provider: request.provider,
            client: request.client,
            service: request.service,
            priority: request.priority,
            openedAt: Timestamp.format(request.openedAt),
            firstResponseAt: request.firstResponseAt.map(Timestamp.format) ?? "",
            resolvedAt: request.resolvedAt.map(Timestamp.format) ?? ""
        )
    }
}
