import Foundation
import PactaCore

/// What became of one answer sent.
public enum NPSWriteOutcome: Sendable, Hashable {
    case created
    /// Its `external_ref` was known and the answer differed: it replaced the stored one.
    case updated
    /// Sent again as it was stored: nothing changed.
    case unchanged
    /// Not stored, and why (an unknown touchpoint under ``UnknownCodes/refuse``, a channel that is not the touchpoint's).
    case refused(RawServiceRequest.ProblemList.Problem)
}

/// What an answer naming a touchpoint or transaction type not in the registry does
/// (`NPS_UNKNOWN_TOUCHPOINTS`): refused with a clear error, or registered as unreviewed.
public enum UnknownCodes: String, Sendable, Hashable, CaseIterable {
    case refuse
    case register
}

/// Writes checked answers inside the caller's transaction (or, for the group commit, as
/// ``commit(_:to:unknown:timeZone:at:)`` says), with the counts of every day,
/// channel and month they touch (one statement per table whatever the number of answers), and
/// the follow-ups of the detractors who left a comment.
struct NPSAnswerWriter {
    let db: any DatabaseExecutor
    let unknown: UnknownCodes
    let timeZone: TimeZone

    /// Rows per multi-row statement: nine binds each, within every driver's limits.
    static let rowsPerStatement = 2000

    /// Writes `answers` (each `externalRef` at most once) received at `instant`; the outcomes are in their order.
    func write(_ answers: [NPSAnswer], at instant: Date) async throws -> [NPSWriteOutcome] {
        guard !answers.isEmpty else { return [] }
        if self.db.dialect == .postgres { return try await self.writeAtOnce(answers, at: instant) }
        var outcomes = [NPSWriteOutcome?](repeating: nil, count: answers.count)
        try await self.checkRegistry(answers, into: &outcomes)

        var days = LocalDayReader(zone: self.timeZone)
        var accepted: [Int] = []
        var acceptedDays: [String] = []
        var rows: [[DatabaseValue]] = []
        for (index, answer) in answers.enumerated() where outcomes[index] == nil {
            let day = days.day(of: answer.answeredAt).description
            accepted.append(index)
            acceptedDays.append(day)
            rows.append([
                .text(answer.externalRef), .instant(Date(timeIntervalSince1970: TimeInterval(answer.answeredAt))),
                .text(day), .text(answer.channel), .text(answer.touchpoint),
                .text(answer.transaction), .integer(Int64(answer.score)), .text(answer.comment), .instant(instant),
            ])
        }
        var created = Set<String>()
        for start in stride(from: 0, to: rows.count, by: Self.rowsPerStatement) {
            var sql: SQL = """
                INSERT INTO nps_responses (external_ref, answered_at, answered_on, channel, touchpoint, transaction_code, score, comment, received_at) VALUES 
                """
            sql += SQL(rows: rows[start..<min(start + Self.rowsPerStatement, rows.count)])
            sql += " ON CONFLICT (external_ref) DO NOTHING RETURNING external_ref"
            for row in try await self.db.query(sql) { created.insert(try row.decode(0)) }
        }

        var counts = NPSCountChanges()
        var sentAgain: [Int] = []
        for (position, index) in accepted.enumerated() {
            if created.contains(answers[index].externalRef) {
                outcomes[index] = .created
                counts.add(answers[index], day: acceptedDays[position], sign: 1)
            } else {
                sentAgain.append(position)
            }
        }
        if !sentAgain.isEmpty {
            try await self.replace(sentAgain.map { (answers[accepted[$0]], acceptedDays[$0]) }, counts: &counts) { position, outcome in
                outcomes[accepted[sentAgain[position]]] = outcome
            }
        }
        try await counts.apply(in: self.db)
        let written = outcomes.map { $0! }
        try await self.openFollowUps(answers, written)
        return written
    }

    /// Detractors who said why, new or corrected into one (by `outcomes`), open follow-ups.
    private func openFollowUps(_ answers: [NPSAnswer], _ outcomes: [NPSWriteOutcome]) async throws {
        let followedUp = answers.indices.filter { index in
            let answer = answers[index]
            return answer.kind == .detractor && !answer.comment.isEmpty && (outcomes[index] == .created || outcomes[index] == .updated)
        }
        try await FollowUpRepository.open(followedUp.map { answers[$0].externalRef }, in: self.db)
    }

    /// One row of a batch as `json_to_recordset` reads it.
    private struct Row {
        var i: Int
        var r: String
        var a: Int64
        var d: String
        var c: String
        var t: String
        var x: String
        var s: Int
        var m: String

        /// The batch bound as one JSON text, written directly: through `JSONEncoder`, it took 3 %
        /// of the server's CPU under load.
        static func json(_ rows: [Row]) -> String {
            var json: [UInt8] = [UInt8(ascii: "[")]
            json.reserveCapacity(rows.count * 192)
            func field(_ key: String, _ value: String) {
                json.append(contentsOf: #","\#(key)":"#.utf8)
                CanonicalJSON.writeString(value, into: &json)
            }
            for row in rows {
                if json.count > 1 { json.append(UInt8(ascii: ",")) }
                json.append(contentsOf: #"{"i":\#(row.i),"a":\#(row.a),"s":\#(row.s)"#.utf8)
                field("r", row.r)
                field("d", row.d)
                field("c", row.c)
                field("t", row.t)
                field("x", row.x)
                field("m", row.m)
                json.append(UInt8(ascii: "}"))
            }
            json.append(UInt8(ascii: "]"))
            return String(decoding: json, as: UTF8.self)
        }
    }

    /// Writes a batch of ``NPSIngest``'s group commit (each `externalRef` at most once). On
    /// PostgreSQL the batch statement of ``writeAtOnce(_:at:)`` runs on its own, committed as any
    /// single statement is: that spares every batch the round trips of `BEGIN` and `COMMIT`,
    /// which took as long as the statement. Only answers sent again then take a transaction. Each
    /// answer is written by one statement or one transaction either way; unlike an import, a
    /// batch of answers that arrived together is not all or nothing.
    static func commit(
        _ answers: [NPSAnswer],
        to store: Store,
        unknown: UnknownCodes,
        timeZone: TimeZone,
        at instant: Date
    ) async throws -> [NPSWriteOutcome] {
        // Unknown codes are registered first, by statements of their own: those take a transaction.
        guard store.database.dialect == .postgres, unknown == .refuse else {
            return try await store.transaction { tx in
                try await NPSAnswerWriter(db: tx.executor, unknown: unknown, timeZone: timeZone).write(answers, at: instant)
            }
        }
        let batch = try await NPSAnswerWriter(db: store.executor, unknown: unknown, timeZone: timeZone).insertAtOnce(answers, at: instant)
        guard !batch.sentAgain.isEmpty else { return batch.outcomes.map { $0! } }
        return try await store.transaction { tx in
            try await NPSAnswerWriter(db: tx.executor, unknown: unknown, timeZone: timeZone).replaceSentAgain(batch, of: answers)
        }
    }

    /// What the batch statement did, and left to do.
    private struct Inserted: Sendable {
        /// Each answer's, unless it was sent again.
        var outcomes: [NPSWriteOutcome?]
        /// Each answer's day in the organisation's zone.
        var days: [String]
        /// The answers whose `externalRef` was stored already.
        var sentAgain: [Int]
    }

    /// PostgreSQL, where most batches are: ``insertAtOnce(_:at:)``, then the answers sent again.
    private func writeAtOnce(_ answers: [NPSAnswer], at instant: Date) async throws -> [NPSWriteOutcome] {
        try await self.replaceSentAgain(try await self.insertAtOnce(answers, at: instant), of: answers)
    }

    /// The registry check, the new answers, the four counts they add to and the follow-ups they
    /// open, in one statement (data-modifying CTEs over the batch bound as one JSON text), so that
    /// a batch costs one round trip and one bound value whatever its size. Unknown codes under
    /// ``UnknownCodes/register`` are registered first.
    private func insertAtOnce(_ answers: [NPSAnswer], at instant: Date) async throws -> Inserted {
        var outcomes = [NPSWriteOutcome?](repeating: nil, count: answers.count)
        if self.unknown == .register { try await self.checkRegistry(answers, into: &outcomes) }
        var days = LocalDayReader(zone: self.timeZone)
        var dayOf: [String] = []
        var rows: [Row] = []
        for (index, answer) in answers.enumerated() {
            let day = days.day(of: answer.answeredAt).description
            dayOf.append(day)
            guard outcomes[index] == nil else { continue }
            rows.append(
                Row(
                    i: index,
                    r: answer.externalRef,
                    a: answer.answeredAt,
                    d: day,
                    c: answer.channel,
                    t: answer.touchpoint,
                    x: answer.transaction,
                    s: answer.score,
                    m: answer.comment
                )
            )
        }
        var sentAgain: [Int] = []
        if !rows.isEmpty {
            let results = try await self.db.query(Self.batchStatement(json: Row.json(rows), receivedAt: instant))
            for result in results {
                let (index, channel, knownTransaction, created) = try result.decode((Int, String?, Bool, Bool).self)
                if let refusal = Self.refusal(of: answers[index], registeredChannel: channel, knownTransaction: knownTransaction) {
                    outcomes[index] = refusal
                } else if created {
                    outcomes[index] = .created
                } else {
                    sentAgain.append(index)
                }
            }
        }
        return Inserted(outcomes: outcomes, days: dayOf, sentAgain: sentAgain)
    }

    /// Answers sent again: each replaces its stored answer when it differs, moving its counts;
    /// those corrected into detractors with a comment open follow-ups.
    private func replaceSentAgain(_ batch: Inserted, of answers: [NPSAnswer]) async throws -> [NPSWriteOutcome] {
        var outcomes = batch.outcomes
        if !batch.sentAgain.isEmpty {
            var counts = NPSCountChanges()
            try await self.replace(batch.sentAgain.map { (answers[$0], batch.days[$0]) }, counts: &counts) { position, outcome in
                outcomes[batch.sentAgain[position]] = outcome
            }
            try await counts.apply(in: self.db)
            try await self.openFollowUps(batch.sentAgain.map { answers[$0] }, batch.sentAgain.map { outcomes[$0]! })
        }
        return outcomes.map { $0! }
    }

    /// The statement of ``insertAtOnce(_:at:)``: one row per answer of the batch, with the channel
    /// its touchpoint is registered on, whether its transaction type is registered, and whether it
    /// was stored now (an answer whose codes check out and whose reference was new). The registry
    /// is read through its keys (the planner, expecting a hundred rows from the JSON, would scan
    /// 40 000 touchpoints). Counts are added table by table in key order, as ``NPSCountChanges``
    /// adds them, so that concurrent writers never wait on each other in a circle. The follow-ups
    /// of the detractors stored are opened from what the insert returns.
    private static func batchStatement(json: String, receivedAt: Date) -> SQL {
        let statement: SQL = """
            WITH input AS (
                SELECT b.*, (SELECT channel FROM nps_touchpoints WHERE code = b.t) AS registered,
                    EXISTS (SELECT 1 FROM nps_transactions WHERE code = b.x) AS known
                FROM json_to_recordset(CAST(\(json) AS json)) AS b(i INTEGER, r TEXT, a BIGINT, d TEXT, c TEXT, t TEXT, x TEXT, s INTEGER, m TEXT)
            ), inserted AS (
                INSERT INTO nps_responses (external_ref, answered_at, answered_on, channel, touchpoint, transaction_code, score, comment, received_at)
                SELECT r, to_timestamp(a), d, c, t, x, s, m, \(receivedAt) FROM input WHERE registered = c AND known ORDER BY r
                ON CONFLICT (external_ref) DO NOTHING
                RETURNING id, external_ref, answered_at, answered_on, channel, touchpoint, transaction_code, score, comment
            ), followed AS (

            """
        return (statement + FollowUpRepository.opening(from: "inserted") + SQL(unsafeSQL: ")" + Self.countsAndOutcomes)).prepared(as: BatchText.self)
    }

    /// The text of ``batchStatement(json:receivedAt:)``, the same for every batch.
    private enum BatchText: PreparedStatementText {
        static let text = NPSAnswerWriter.batchStatement(json: "", receivedAt: .distantPast).render { "$\($0)" }
    }

    /// The rest of ``batchStatement(json:receivedAt:)``: an upsert of the answers stored into each
    /// count table, then one row per answer.
    private static let countsAndOutcomes: String = {
        let quarter = "substr(answered_on, 1, 4) || '-Q' || ((CAST(substr(answered_on, 6, 2) AS INTEGER) - 1) / 3 + 1)"
        // What fills each table's key and other columns from `inserted`, in their order.
        let values: [String: [String]] = [
            NPSCountTable.daily.name: ["answered_on", "touchpoint", "transaction_code", "channel"],
            NPSCountTable.channelDaily.name: ["answered_on", "channel", "transaction_code"],
            NPSCountTable.monthly.name: ["substr(answered_on, 1, 7)", "touchpoint", "channel"],
            NPSCountTable.quarterly.name: [quarter, "touchpoint", "channel"],
        ]
        let upserts = NPSCountTable.all.map { table in
            let positions = 1...(table.key.count + table.rest.count)
            return """
                , \(table.name)_added AS (
                    INSERT INTO \(table.name) (\(table.columns))
                    SELECT \(values[table.name]!.joined(separator: ", ")), COUNT(*) FILTER (WHERE score >= 9),
                        COUNT(*) FILTER (WHERE score BETWEEN 7 AND 8), COUNT(*) FILTER (WHERE score <= 6)
                    FROM inserted GROUP BY \(positions.map(String.init).joined(separator: ", "))
                    ORDER BY \(positions.prefix(table.key.count).map(String.init).joined(separator: ", "))
                    \(table.addingOnConflict)
                )
                """
        }
        return upserts.joined(separator: "\n") + """

            SELECT input.i, input.registered, input.known, (inserted.external_ref IS NOT NULL)
            FROM input LEFT JOIN inserted ON inserted.external_ref = input.r ORDER BY input.i
            """
    }()

    /// Answers sent again: each replaces its stored answer when it differs, moving its counts.
    private func replace(
        _ answers: [(answer: NPSAnswer, day: String)],
        counts: inout NPSCountChanges,
        outcome: (Int, NPSWriteOutcome) -> Void
    ) async throws {
        var stored: [String: (answeredAt: Date, day: String, channel: String, touchpoint: String, transaction: String, score: Int, comment: String)] =
            [:]
        let refs = answers.map(\.answer.externalRef)
        for row in try await self.db.query(
            """
            SELECT external_ref, answered_at, answered_on, channel, touchpoint, transaction_code, score, comment FROM nps_responses
            WHERE external_ref IN \(self.db.dialect.strings(inJSONArray: refs))
            """ + self.db.dialect.forUpdate
        ) {
            let (ref, answeredAt, day, channel, touchpoint, transaction, score, comment) = try row.decode(
                (String, Date, String, String, String, String, Int, String).self
            )
            stored[ref] = (answeredAt, day, channel, touchpoint, transaction, score, comment)
        }
        for (position, (answer, day)) in answers.enumerated() {
            guard let old = stored[answer.externalRef] else {
                // Only a row deleted meanwhile; answers are never deleted.
                throw DatabaseError.decoding("the answer \(answer.externalRef) was neither created nor found")
            }
            if Int64(old.answeredAt.timeIntervalSince1970) == answer.answeredAt, old.channel == answer.channel, old.touchpoint == answer.touchpoint,
                old.transaction == answer.transaction, old.score == answer.score, old.comment == answer.comment
            {
                outcome(position, .unchanged)
                continue
            }
            try await self.db.execute(
                """
                UPDATE nps_responses SET answered_at = \(Date(timeIntervalSince1970: TimeInterval(answer.answeredAt))), answered_on = \(day),
                    channel = \(answer.channel), touchpoint = \(answer.touchpoint), transaction_code = \(answer.transaction),
                    score = \(answer.score), comment = \(answer.comment)
                WHERE external_ref = \(answer.externalRef)
                """
            )
            counts.add(
                NPSAnswer(
                    externalRef: answer.externalRef,
                    answeredAt: 0,
                    channel: old.channel,
                    touchpoint: old.touchpoint,
                    transaction: old.transaction,
                    score: old.score
                ),
                day: old.day,
                sign: -1
            )
            counts.add(answer, day: day, sign: 1)
            outcome(position, .updated)
        }
    }

    /// Refuses the answers whose touchpoint or transaction type is unknown (or registers them as
    /// unreviewed), and those whose channel is not their touchpoint's.
    private func checkRegistry(_ answers: [NPSAnswer], into outcomes: inout [NPSWriteOutcome?]) async throws {
        // One round trip for both registries: every statement counts when answers arrive one by one.
        var channels: [String: String] = [:]
        var transactions = Set<String>()
        let dialect = self.db.dialect
        for row in try await self.db.query(
            """
            SELECT code, channel FROM nps_touchpoints WHERE code IN \(dialect.strings(inJSONArray: Array(Set(answers.map(\.touchpoint)))))
            UNION ALL SELECT code, NULL FROM nps_transactions WHERE code IN \(dialect.strings(inJSONArray: Array(Set(answers.map(\.transaction)))))
            """
        ) {
            let (code, channel) = try row.decode((String, String?).self)
            if let channel { channels[code] = channel } else { transactions.insert(code) }
        }
        if self.unknown == .register {
            var newTouchpoints: [String: String] = [:]
            for answer in answers where channels[answer.touchpoint] == nil && newTouchpoints[answer.touchpoint] == nil {
                newTouchpoints[answer.touchpoint] = answer.channel
            }
            let newTransactions = Set(answers.map(\.transaction)).subtracting(transactions)
            let now = Date()
            if !newTouchpoints.isEmpty {
                try await self.db.insertIgnoringExisting(
                    into: "nps_touchpoints",
                    columns: ["code", "channel", "name", "region", "active", "reviewed", "created_at"],
                    key: "code",
                    rows: newTouchpoints.sorted { $0.key < $1.key }.map {
                        [.text($0.key), .text($0.value), .text($0.key), .text(""), .bool(true), .bool(false), .instant(now)]
                    }
                )
                // Another writer may have registered one first, on another channel.
                channels.merge(try await self.touchpointChannels(Set(newTouchpoints.keys))) { $1 }
            }
            if !newTransactions.isEmpty {
                try await self.db.insertIgnoringExisting(
                    into: "nps_transactions",
                    columns: ["code", "name", "active", "reviewed", "created_at"],
                    key: "code",
                    rows: newTransactions.sorted().map { [.text($0), .text($0), .bool(true), .bool(false), .instant(now)] }
                )
                transactions.formUnion(newTransactions)
            }
        }
        for (index, answer) in answers.enumerated() {
            outcomes[index] = Self.refusal(
                of: answer,
                registeredChannel: channels[answer.touchpoint],
                knownTransaction: transactions.contains(answer.transaction)
            )
        }
    }

    /// Why the registry refuses `answer`, if it does: an unknown touchpoint or transaction type, or
    /// a channel that is not its touchpoint's (`registeredChannel`, nil when unknown).
    private static func refusal(of answer: NPSAnswer, registeredChannel: String?, knownTransaction: Bool) -> NPSWriteOutcome? {
        guard let channel = registeredChannel else {
            return .refused(
                .init(
                    column: "touchpoint",
                    code: "unknown_touchpoint",
                    message: "There is no touchpoint \(answer.touchpoint) in the registry; register it first (NPS touchpoints page, or their CSV)."
                )
            )
        }
        if channel != answer.channel {
            return .refused(
                .init(
                    column: "channel",
                    code: "channel_mismatch",
                    message: "The touchpoint \(answer.touchpoint) is on the channel \(channel), not \(answer.channel)."
                )
            )
        }
        if !knownTransaction {
            return .refused(
                .init(
                    column: "transaction",
                    code: "unknown_transaction",
                    message: "There is no transaction type \(answer.transaction) in the registry; register it first."
                )
            )
        }
        return nil
    }

    private func touchpointChannels(_ codes: Set<String>) async throws -> [String: String] {
        var channels: [String: String] = [:]
        for row in try await self.db.query(
            "SELECT code, channel FROM nps_touchpoints WHERE code IN \(self.db.dialect.strings(inJSONArray: Array(codes)))"
        ) {
            let (code, channel) = try row.decode((String, String).self)
            channels[code] = channel
        }
        return channels
    }
}

/// Changes to the NPS counts from one batch of answers, added up before they are written: one
/// row per key and table, written in key order so that concurrent batches lock rows alike.
struct NPSCountChanges {
    struct Key: Hashable, Comparable {
        var day: String
        var touchpoint: String
        var transaction: String
        var channel: String

        static func < (lhs: Key, rhs: Key) -> Bool {
            (lhs.day, lhs.touchpoint, lhs.transaction) < (rhs.day, rhs.touchpoint, rhs.transaction)
        }
    }

    private(set) var daily: [Key: NPSTally] = [:]

    mutating func add(_ answer: NPSAnswer, day: String, sign: Int) {
        var counts = NPSTally()
        switch answer.kind {
        case .promoter: counts.promoters = sign
        case .passive: counts.passives = sign
        case .detractor: counts.detractors = sign
        }
        self.daily[Key(day: day, touchpoint: answer.touchpoint, transaction: answer.transaction, channel: answer.channel), default: NPSTally()] +=
            counts
    }

    /// Adds the changes to the four count tables, in the order writers lock their rows.
    func apply(in db: any DatabaseExecutor) async throws {
        let daily = self.daily.filter { !$0.value.isZero }.sorted { $0.key < $1.key }
        guard !daily.isEmpty else { return }
        var channels: [[String]: NPSTally] = [:]
        var months: [[String]: NPSTally] = [:]
        var quarters: [[String]: NPSTally] = [:]
        for (key, counts) in daily {
            channels[[key.day, key.channel, key.transaction], default: NPSTally()] += counts
            months[[String(key.day.prefix(7)), key.touchpoint, key.channel], default: NPSTally()] += counts
            quarters[[Self.quarter(ofDay: key.day), key.touchpoint, key.channel], default: NPSTally()] += counts
        }
        try await Self.add(
            daily.map { [.text($0.key.day), .text($0.key.touchpoint), .text($0.key.transaction), .text($0.key.channel)] + $0.value.values },
            to: .daily,
            in: db
        )
        // The roll-ups: by channel × transaction × day, by touchpoint × month and × quarter.
        for (counts, table) in [(channels, NPSCountTable.channelDaily), (months, .monthly), (quarters, .quarterly)] {
            try await Self.add(
                counts.filter { !$0.value.isZero }.sorted { $0.key.lexicographicallyPrecedes($1.key) }.map {
                    $0.key.map(DatabaseValue.text) + $0.value.values
                },
                to: table,
                in: db
            )
        }
    }

    /// `2026-Q4` of `2026-11-30`.
    static func quarter(ofDay day: String) -> String {
        let month = Int(day.dropFirst(5).prefix(2)) ?? 1
        return "\(day.prefix(4))-Q\((month - 1) / 3 + 1)"
    }

    /// Upserts `rows` (key columns, other columns, then the three counts) adding the counts to those stored.
    private static func add(_ rows: [[DatabaseValue]], to table: NPSCountTable, in db: any DatabaseExecutor) async throws {
        for start in stride(from: 0, to: rows.count, by: NPSAnswerWriter.rowsPerStatement) {
            var sql = SQL(unsafeSQL: "INSERT INTO \(table.name) (\(table.columns)) VALUES ")
            sql += SQL(rows: rows[start..<min(start + NPSAnswerWriter.rowsPerStatement, rows.count)])
            sql += SQL(unsafeSQL: " " + table.addingOnConflict)
            try await db.execute(sql)
        }
    }
}

/// One of the tables counting answers as they arrive: its key, its other columns, then
/// `promoters, passives, detractors`.
struct NPSCountTable {
    let name: String
    let key: [String]
    let rest: [String]

    static let daily = Self(name: "nps_daily", key: ["day", "touchpoint", "transaction_code"], rest: ["channel"])
    static let channelDaily = Self(name: "nps_channel_daily", key: ["day", "channel", "transaction_code"], rest: [])
    static let monthly = Self(name: "nps_touchpoint_monthly", key: ["month", "touchpoint"], rest: ["channel"])
    static let quarterly = Self(name: "nps_touchpoint_quarterly", key: ["quarter", "touchpoint"], rest: ["channel"])
    /// In the order writers lock their rows.
    static let all = [Self.daily, .channelDaily, .monthly, .quarterly]

    /// The column list of an insert.
    var columns: String { (self.key + self.rest + ["promoters", "passives", "detractors"]).joined(separator: ", ") }

    /// `ON CONFLICT … DO UPDATE` adding the counts inserted to those stored.
    var addingOnConflict: String {
        let add = ["promoters", "passives", "detractors"].map { "\($0) = \(self.name).\($0) + excluded.\($0)" }.joined(separator: ", ")
        return "ON CONFLICT (\(self.key.joined(separator: ", "))) DO UPDATE SET \(add)"
    }
}

extension DatabaseExecutor {
    /// Inserts `rows` skipping those whose `key` (a trusted column list) is already stored.
    func insertIgnoringExisting(into table: String, columns: [String], key: String, rows: [[DatabaseValue]]) async throws {
        for start in stride(from: 0, to: rows.count, by: NPSAnswerWriter.rowsPerStatement) {
            var sql = SQL(unsafeSQL: "INSERT INTO \(table) (\(columns.joined(separator: ", "))) VALUES ")
            sql += SQL(rows: rows[start..<min(start + NPSAnswerWriter.rowsPerStatement, rows.count)])
            sql += SQL(unsafeSQL: " ON CONFLICT (\(key)) DO NOTHING")
            try await self.execute(sql)
        }
    }
}

extension NPSTally {
    fileprivate var isZero: Bool { self.promoters == 0 && self.passives == 0 && self.detractors == 0 }

    /// The three counts, in the column order of the count tables.
    fileprivate var values: [DatabaseValue] { [.integer(Int64(self.promoters)), .integer(Int64(self.passives)), .integer(Int64(self.detractors))] }
}
