import Foundation
import PactaCore
import PactaStore

/// An NPS figure as management reads it (SPEC "NPS"): always with `n`, promoters, passives and
/// detractors, and the 95 % margin of error; `ranked` is false for a group below the minimum `n`,
/// which is shown greyed and never ranked.
public struct NPSFigure: Codable, Sendable, Hashable {
    public var n: Int
    public var promoters: Int
    public var passives: Int
    public var detractors: Int
    @Nullable public var nps: Double?
    @Nullable public var marginOfError: Double?
    public var ranked: Bool

    public init(_ tally: NPSTally, minimumAnswers: Int) {
        self.n = tally.n
        self.promoters = tally.promoters
        self.passives = tally.passives
        self.detractors = tally.detractors
        self.nps = tally.score
        self.marginOfError = tally.marginOfError
        self.ranked = tally.n >= minimumAnswers && tally.n > 0
    }

    /// The counts it was made from.
    public var tally: NPSTally {
        NPSTally(promoters: self.promoters, passives: self.passives, detractors: self.detractors)
    }
}

/// One row of a breakdown: a channel, a transaction type or a touchpoint.
public struct NPSGroupRow: Codable, Sendable, Hashable {
    public var key: String
    /// The registry's name (the key itself where there is none).
    public var name: String
    /// A touchpoint's channel; a channel's own code; empty for a transaction type.
    public var channel: String
    public var figure: NPSFigure
}

/// A touchpoint whose NPS fell since the previous period, both periods with enough answers.
public struct NPSFall: Codable, Sendable, Hashable {
    public var touchpoint: NPSGroupRow
    public var previous: NPSFigure
    /// NPS points, negative.
    public var change: Double
}

/// One period of a trend.
public struct NPSTrendPoint: Codable, Sendable, Hashable {
    public var period: String
    public var figure: NPSFigure
}

/// Everything the NPS dashboard shows for one period and filter, read from the counts kept on
/// ingest: the page, the API and the command line all take it from here.
public struct NPSDashboard: Sendable {
    public var period: NPSPeriod
    public var filter: NPSFilter
    public var minimumAnswers: Int
    public var total: NPSFigure
    public var previous: NPSFigure
    public var channels: [NPSGroupRow]
    public var transactions: [NPSGroupRow]
    /// Every touchpoint with answers: ranked ones by NPS (lowest first), then the unranked by `n`.
    public var touchpoints: [NPSGroupRow]
    public var fallers: [NPSFall]
    public var trend: [NPSTrendPoint]
    /// Every registered transaction type's name by its code, for what else the page names.
    public var transactionNames: [String: String]

    /// How many periods a trend shows.
    public static let trendLength = 12
    /// How many fallers are listed.
    public static let fallerCount = 10

    /// - Parameter namingEvery: give every touchpoint its registry name (exports); otherwise only
    ///   those a page shows (the lowest and highest ranked, the fallers) are named.
    public static func build(
        _ store: Store,
        period: NPSPeriod,
        filter: NPSFilter = NPSFilter(),
        minimumAnswers: Int,
        namingEvery: Bool = false
    ) async throws -> NPSDashboard {
        try await store.snapshot { tx in
            let nps = tx.nps
            let previousPeriod = period.advanced(by: -1)
            let figure = { (tally: NPSTally) in NPSFigure(tally, minimumAnswers: minimumAnswers) }
            let transactionNames = try await nps.transactionNames()
            let touchpointGroups = try await nps.breakdown(period, by: .touchpoint, filter)
            let previousTouchpoints = Dictionary(
                uniqueKeysWithValues: try await nps.breakdown(previousPeriod, by: .touchpoint, filter).map { ($0.key, $0.tally) }
            )
            let shown = Self.ranking(touchpointGroups.map { NPSGroupRow(key: $0.key, name: $0.key, channel: $0.channel, figure: figure($0.tally)) })
            var fallers: [NPSFall] = []
            for row in shown where row.figure.ranked {
                guard let before = previousTouchpoints[row.key], before.n >= minimumAnswers, let now = row.figure.nps, let then = before.score,
                    now < then
                else { continue }
                fallers.append(NPSFall(touchpoint: row, previous: figure(before), change: now - then))
            }
            fallers.sort { ($0.change, $0.touchpoint.key) < ($1.change, $1.touchpoint.key) }
            fallers = Array(fallers.prefix(Self.fallerCount))
            let trend = try await Self.trend(nps, ending: period, filter: filter, minimumAnswers: minimumAnswers)

            var dashboard = NPSDashboard(
                period: period,
                filter: filter,
                minimumAnswers: minimumAnswers,
                total: figure(try await nps.tally(period, filter)),
                previous: figure(try await nps.tally(previousPeriod, filter)),
                channels: Self.ranking(
                    try await nps.breakdown(period, by: .channel, filter).map {
                        NPSGroupRow(key: $0.key, name: $0.key, channel: $0.key, figure: figure($0.tally))
                    }
                ),
                transactions: Self.ranking(
                    try await nps.breakdown(period, by: .transaction, filter).map {
                        NPSGroupRow(key: $0.key, name: transactionNames[$0.key] ?? $0.key, channel: "", figure: figure($0.tally))
                    }
                ),
                touchpoints: shown,
                fallers: fallers,
                trend: trend,
                transactionNames: transactionNames
            )
            try await dashboard.nameTouchpoints(nps, every: namingEvery)
            return dashboard
        }
    }

    /// The ``trendLength`` periods ending with `period`, of its length.
    public static func trend(_ nps: NPSRepository, ending period: NPSPeriod, filter: NPSFilter, minimumAnswers: Int) async throws -> [NPSTrendPoint] {
        let periods = period.trailing(Self.trendLength)
        let tallies = try await nps.series(periods, filter)
        return zip(periods, tallies).map { NPSTrendPoint(period: $0.description, figure: NPSFigure($1, minimumAnswers: minimumAnswers)) }
    }

    /// Ranked rows by NPS, lowest first (what needs attention), then the unranked by `n`, largest first.
    static func ranking(_ rows: [NPSGroupRow]) -> [NPSGroupRow] {
        rows.sorted { lhs, rhs in
            switch (lhs.figure.ranked, rhs.figure.ranked) {
            case (true, false): return true
            case (false, true): return false
            case (true, true): return (lhs.figure.nps ?? 0, lhs.key) < (rhs.figure.nps ?? 0, rhs.key)
            case (false, false): return (-lhs.figure.n, lhs.key) < (-rhs.figure.n, rhs.key)
            }
        }
    }

    /// Gives the touchpoints shown on a page their registry names.
    private mutating func nameTouchpoints(_ nps: NPSRepository, every: Bool) async throws {
        // The lowest and highest ranked, as the page shows them (the unranked come after the ranked).
        let ranked = self.rankedTouchpoints
        let shown =
            every
            ? Set(self.touchpoints.map(\.key))
            : Set(ranked.prefix(NPSDashboard.touchpointsShown).map(\.key) + ranked.suffix(NPSDashboard.touchpointsShown).map(\.key))
                .union(self.fallers.map(\.touchpoint.key))
        let names = try await nps.touchpoints(shown).mapValues(\.name)
        for index in self.touchpoints.indices where names[self.touchpoints[index].key] != nil {
            self.touchpoints[index].name = names[self.touchpoints[index].key]!
        }
        for index in self.fallers.indices where names[self.fallers[index].touchpoint.key] != nil {
            self.fallers[index].touchpoint.name = names[self.fallers[index].touchpoint.key]!
        }
    }

    /// How many of the lowest and highest touchpoints a page shows.
    public static let touchpointsShown = 10

    /// The ranked touchpoints, lowest NPS first (they come before the unranked ones).
    public var rankedTouchpoints: ArraySlice<NPSGroupRow> { self.touchpoints.prefix { $0.figure.ranked } }
}

/// NPS tables as CSV (RFC 4180), figures as numbers with a dot.
public enum NPSExport {
    static let figureColumns = "n,promoters,passives,detractors,nps,margin_of_error,ranked"

    static func fields(_ figure: NPSFigure) -> String {
        [
            String(figure.n), String(figure.promoters), String(figure.passives), String(figure.detractors),
            figure.nps.map { String(format: "%.4f", $0) } ?? "", figure.marginOfError.map { String(format: "%.4f", $0) } ?? "", String(figure.ranked),
        ].joined(separator: ",")
    }

    /// A breakdown: `period,dimension,key,name,channel,` then the figure's columns.
    public static func csv(_ rows: [NPSGroupRow], dimension: NPSDimension, period: NPSPeriod) -> String {
        var text = "period,dimension,key,name,channel," + Self.figureColumns + "\r\n"
        for row in rows {
            text +=
                [
                    period.description, dimension.rawValue, CSVField.escape(row.key), CSVField.escape(row.name), CSVField.escape(row.channel),
                    Self.fields(row.figure),
                ]
                .joined(separator: ",") + "\r\n"
        }
        return text
    }

    /// A trend: `period,` then the figure's columns.
    public static func csv(_ trend: [NPSTrendPoint]) -> String {
        var text = "period," + Self.figureColumns + "\r\n"
        for point in trend { text += point.period + "," + Self.fields(point.figure) + "\r\n" }
        return text
    }

    /// Comments: `answered_at,channel,touchpoint,transaction,score,comment`.
    public static func csv(_ comments: [NPSComment]) -> String {
        var text = "answered_at,channel,touchpoint,transaction,score,comment\r\n"
        for comment in comments {
            text +=
                [
                    Timestamp.format(Int64(comment.answeredAt.timeIntervalSince1970)), CSVField.escape(comment.channel),
                    CSVField.escape(comment.touchpoint),
                    CSVField.escape(comment.transaction), String(comment.score), CSVField.escape(comment.comment),
                ].joined(separator: ",") + "\r\n"
        }
        return text
    }
}
