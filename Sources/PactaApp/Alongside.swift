import Foundation
import PactaCore
import PactaStore

/// A provider's compliance next to the NPS of the channels and transactions it supports, period
/// by period, with the Pearson correlation of the two series (SPEC "Alongside NPS"): computed over
/// the periods where both are known (the NPS with at least the minimum `n`), shown from six.
public struct Alongside: Sendable {
    public struct Point: Sendable, Codable, Hashable {
        public var period: String
        /// 0–100; nil without data.
        @Nullable public var compliance: Double?
        public var nps: NPSFigure
    }

    public var unit: String
    public var name: String
    public var lines: [SupportLine]
    public var points: [Point]
    /// Over the periods where both figures are known; nil with fewer than two or a flat series.
    public var correlation: Correlation?
    /// How many periods had both figures.
    public var pairedPeriods: Int

    /// One per provider with support lines, in the order of `overviews`' providers; `overviews`
    /// are the periods to set side by side, oldest first.
    public static func build(
        _ store: Store,
        overviews: [(ReportSpan, ComplianceOverview)],
        minimumAnswers: Int
    ) async throws -> [Alongside] {
        let map = Dictionary(grouping: try await store.nps.supportMap(), by: \.unit)
        guard !map.isEmpty else { return [] }
        let periods = overviews.compactMap { span, _ -> NPSPeriod? in
            guard case .period(let period) = span else { return nil }
            return NPSPeriod(containing: period.first, period.isQuarter ? .quarter : .month)
        }
        guard periods.count == overviews.count else { return [] }
        var names: [String: String] = [:]
        for (_, overview) in overviews {
            for row in overview.providers { names[row.unit] = row.name }
        }
        var result: [Alongside] = []
        for unit in map.keys.sorted() where names[unit] != nil {
            let tallies = try await store.nps.supportedSeries(unit: unit, periods)
            var points: [Point] = []
            var pairs: [(Double, Double)] = []
            for ((span, overview), tally) in zip(overviews, tallies) {
                let compliance = overview.providers.first { $0.unit == unit }?.compliance.score
                let figure = NPSFigure(tally, minimumAnswers: minimumAnswers)
                points.append(Point(period: span.description, compliance: compliance, nps: figure))
                if let compliance, figure.ranked, let nps = figure.nps { pairs.append((compliance, nps)) }
            }
            result.append(
                Alongside(
                    unit: unit,
                    name: names[unit]!,
                    lines: map[unit]!,
                    points: points,
                    correlation: Correlation(pairs),
                    pairedPeriods: pairs.count
                )
            )
        }
        return result
    }
}
