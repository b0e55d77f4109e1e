import Foundation
import PactaCore

/// What NPS figures are read over: all answers, or those of one channel, transaction type or touchpoint.
public struct NPSFilter: Sendable, Hashable {
    public var channel: String?
    public var transaction: String?
    public var touchpoint: String?

    public init(channel: String? = nil, transaction: String? = nil, touchpoint: String? = nil) {
        self.channel = channel
        self.transaction = transaction
        self.touchpoint = touchpoint
    }
}

/// What NPS figures are broken down by.
public enum NPSDimension: String, Sendable, Hashable, CaseIterable {
    case channel
    case transaction
    case touchpoint
}

/// One group's answers over a period: a channel, a transaction type or a touchpoint (with its channel).
public struct NPSGroup: Sendable, Hashable {
    public var key: String
    /// The channel of a touchpoint; the key itself for a channel; empty for a transaction type.
    public var channel: String
    public var tally: NPSTally
}

/// One comment of a customer, as the feed shows it.
public struct NPSComment: Sendable, Hashable {
    public var answeredAt: Date
    public var channel: String
    public var touchpoint: String
    public var transaction: String
    public var score: Int
    public var comment: String
}

/// External NPS: the answers and the counts kept of them, read for dashboards and exports.
public struct NPSRepository: Sendable {
    let db: any DatabaseExecutor

    /// The answers of `period` matching `filter`, counted.
    public func tally(_ period: NPSPeriod, _ filter: NPSFilter = NPSFilter()) async throws -> NPSTally {
        let source = NPSCountSource(period: period, filter: filter, dimension: nil)
        let row = try await self.db.first(
            "SELECT COALESCE(SUM(promoters), 0), COALESCE(SUM(passives), 0), COALESCE(SUM(detractors), 0) FROM " + source.from
        )
        let (promoters, passives, detractors) = try row.map { try $0.decode((Int, Int, Int).self) } ?? (0, 0, 0)
        return NPSTally(promoters: promoters, passives: passives, detractors: detractors)
    }

    /// The answers of `period` matching `filter`, per channel, transaction type or touchpoint; groups without answers are left out.
    public func breakdown(_ period: NPSPeriod, by dimension: NPSDimension, _ filter: NPSFilter = NPSFilter()) async throws -> [NPSGroup] {
        let source = NPSCountSource(period: period, filter: filter, dimension: dimension)
        let (key, channel): (String, String) =
            switch dimension {
            case .channel: ("channel", "channel")
            case .transaction: ("transaction_code", "''")
            case .touchpoint: ("touchpoint", "MIN(channel)")
            }
        return try await self.db.query(
            SQL(unsafeSQL: "SELECT \(key), \(channel), SUM(promoters), SUM(passives), SUM(detractors) FROM ") + source.from
                + SQL(unsafeSQL: " GROUP BY \(key) HAVING SUM(promoters) + SUM(passives) + SUM(detractors) > 0")
        ).map { row in
            let (key, channel, promoters, passives, detractors) = try row.decode((String, String, Int, Int, Int).self)
            return NPSGroup(key: key, channel: channel, tally: NPSTally(promoters: promoters, passives: passives, detractors: detractors))
        }
    }

    /// The answers matching `filter` in each of `periods` (of one granularity, in order, without gaps).
    public func series(_ periods: [NPSPeriod], _ filter: NPSFilter = NPSFilter()) async throws -> [NPSTally] {
        guard let first = periods.first, let last = periods.last else { return [] }
        let table = filter.touchpoint == nil ? "nps_channel_daily" : "nps_daily"
        var sql = SQL(unsafeSQL: "SELECT day, SUM(promoters), SUM(passives), SUM(detractors) FROM \(table) WHERE day >= ")
        sql += "\(first.first.description) AND day <= \(last.last.description)" + filter.conditions
        sql += " GROUP BY day ORDER BY day"
        return try Self.bucket(try await self.db.query(sql), into: periods)
    }

    /// Adds rows of `day, promoters, passives, detractors` (by day) into the periods holding their days.
    static func bucket(_ rows: [DatabaseRow], into periods: [NPSPeriod]) throws -> [NPSTally] {
        var tallies = [NPSTally](repeating: NPSTally(), count: periods.count)
        var index = 0
        for row in rows {
            let (day, promoters, passives, detractors) = try row.decode((LocalDate, Int, Int, Int).self)
            while index < periods.count, periods[index].last < day { index += 1 }
            guard index < periods.count else { break }
            tallies[index] += NPSTally(promoters: promoters, passives: passives, detractors: detractors)
        }
        return tallies
    }

    /// Comments of `period` matching `filter`, newest first: those of `kinds` only.
    public func comments(
        _ period: NPSPeriod,
        _ filter: NPSFilter = NPSFilter(),
        kinds: Set<NPSKind> = Set(NPSKind.allCases),
        timeZone: TimeZone,
        limit: Int,
        offset: Int = 0
    ) async throws -> [NPSComment] {
        let span = period.instants(in: timeZone)
        var sql: SQL = """
            SELECT answered_at, channel, touchpoint, transaction_code, score, comment FROM nps_responses
            WHERE comment <> '' AND answered_at >= \(Date(timeIntervalSince1970: TimeInterval(span.start)))
                AND answered_at < \(Date(timeIntervalSince1970: TimeInterval(span.end)))
            """
        sql += filter.conditions
        if kinds.count < NPSKind.allCases.count {
            let scores = (0...10).filter { kinds.contains(NPSKind(score: $0)) }.map(String.init).joined(separator: ", ")
            sql += SQL(unsafeSQL: " AND score IN (\(scores))")
        }
        sql += " ORDER BY answered_at DESC, id DESC LIMIT \(max(limit, 0)) OFFSET \(max(offset, 0))"
        return try await self.db.query(sql).map { row in
            let (answeredAt, channel, touchpoint, transaction, score, comment) = try row.decode((Date, String, String, String, Int, String).self)
            return NPSComment(
                answeredAt: answeredAt,
                channel: channel,
                touchpoint: touchpoint,
                transaction: transaction,
                score: score,
                comment: comment
            )
        }
    }

    /// Writes checked answers in one transaction (each `externalRef` at most once), for seeding
    /// and benchmarks; answers arriving one by one go through ``NPSIngest``.
    public func write(_ answers: [NPSAnswer], unknown: UnknownCodes, timeZone: TimeZone, at instant: Date) async throws -> [NPSWriteOutcome] {
        try await self.db.transaction { db in
            try await NPSAnswerWriter(db: db, unknown: unknown, timeZone: timeZone).write(answers, at: instant)
        }
    }

    /// How many answers are stored.
    public func count() async throws -> Int {
        try await self.db.count("SELECT COUNT(*) FROM nps_responses", as: (Int).self)
    }
}

/// Which count table answers a question, and the `FROM … WHERE …` that reads it: the smallest that can.
struct NPSCountSource {
    let from: SQL

    init(period: NPSPeriod, filter: NPSFilter, dimension: NPSDimension?) {
        let wholeMonths = period.granularity == .month || period.granularity == .quarter
        if filter.touchpoint == nil && dimension != .touchpoint {
            self.from = "nps_channel_daily WHERE day >= \(period.first.description) AND day <= \(period.last.description)" + filter.conditions
        } else if period.granularity == .quarter && filter.transaction == nil {
            self.from = "nps_touchpoint_quarterly WHERE quarter = \(period.description)" + filter.conditions
        } else if wholeMonths && filter.transaction == nil {
            self.from =
                "nps_touchpoint_monthly WHERE month >= \(String(period.first.description.prefix(7))) AND month <= \(String(period.last.description.prefix(7)))"
                + filter.conditions
        } else {
            self.from = "nps_daily WHERE day >= \(period.first.description) AND day <= \(period.last.description)" + filter.conditions
        }
    }
}

extension NPSFilter {
    /// ` AND …` for each filter set; every count table has the columns a filter may use there.
    var conditions: SQL {
        var sql: SQL = ""
        if let channel { sql += " AND channel = \(channel)" }
        if let transaction { sql += " AND transaction_code = \(transaction)" }
        if let touchpoint { sql += " AND touchpoint = \(touchpoint)" }
        return sql
    }
}

extension Repositories {
    public var nps: NPSRepository { NPSRepository(db: self.executor) }
}

extension NPSRepository {
    /// Claims the rating page's cooldown of `key` until `until`: false while an earlier claim holds.
    public func claimCooldown(_ key: String, until: Date, now: Date) async throws -> Bool {
        try await self.db.first(
            """
            INSERT INTO nps_rating_cooldowns (device_key, until) VALUES (\(key), \(until))
            ON CONFLICT (device_key) DO UPDATE SET until = excluded.until WHERE nps_rating_cooldowns.until <= \(now)
            RETURNING device_key
            """
        ) != nil
    }

    /// Gives a claim back (the answer could not be stored).
    public func releaseCooldown(_ key: String) async throws {
        try await self.db.execute("DELETE FROM nps_rating_cooldowns WHERE device_key = \(key)")
    }

    /// Forgets the cooldowns that have passed.
    public func purgeCooldowns(now: Date) async throws {
        try await self.db.execute("DELETE FROM nps_rating_cooldowns WHERE until <= \(now)")
    }
}
