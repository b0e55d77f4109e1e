import Foundation
import PactaCore

/// The commitments of one agreement measured over one period: the hard ones with the audit trail
/// behind them, and the soft ones from the period's perception survey.
public struct HardIndicatorReport: Sendable {
    public var agreement: String
    /// The terms measured: those of the latest version both sides signed (the current ones while never signed).
    public var terms: AgreementTerms
    public var period: Period
    /// The evaluation instant (Unix seconds): milestones after it have not happened yet.
    public var evaluatedAt: Int64
    public var measurements: [HardMeasurement]
    /// The soft commitments, measured from the campaign that rated the agreement in the period.
    public var soft: [SoftMeasurement]
    /// That campaign's code; nil when none rated it (or it has no soft commitment).
    public var campaign: String?
    /// Values entered for the period's `manual` commitments, by commitment key.
    public var manualValues: [String: ManualValue]
    /// One line per request × time commitment: what each request counted as, and why.
    public var lines: [Line]
    /// Requests opened in the period in the organisation's zone, when read from the tallies.
    var volume: Int? = nil

    public struct Line: Sendable, Hashable {
        public var externalRef: String
        public var commitment: String
        public var priority: String
        public var openedAt: Int64
        public var businessSeconds: Int64
        public var outcome: Outcome
    }

    /// What each request counted as over the report's time commitments, or only `commitment`'s:
    /// `missed` when any commitment missed it, `pending` when one is still unknown and none
    /// missed it, `met` when all were met. Requests no time commitment counts are absent.
    public func outcomes(commitment: String? = nil) -> [String: Outcome] {
        func severity(_ outcome: Outcome) -> Int {
            switch outcome {
            case .met: 0
            case .pending: 1
            case .missed: 2
            }
        }
        var outcomes: [String: Outcome] = [:]
        for line in self.lines where commitment == nil || line.commitment == commitment {
            if let known = outcomes[line.externalRef], severity(known) >= severity(line.outcome) { continue }
            outcomes[line.externalRef] = line.outcome
        }
        return outcomes
    }
}

extension Repositories {
    /// Measures every hard commitment of agreement `code` over `period`, as known at `evaluation`,
    /// on the terms and calendars of its latest version both sides signed. Each commitment counts
    /// the requests opened in the period in its calendar's time zone.
    /// - Parameter actor: who asks; a private agreement they may not see is not found.
    /// - Parameter minimumAnswers: the fewest survey answers a soft commitment is measured on (k).
    public func hardIndicators(
        agreement code: String,
        period: Period,
        at evaluation: Date,
        visibleTo actor: Actor? = nil,
        minimumAnswers: Int = 3
    ) async throws -> HardIndicatorReport {
        guard let record = try await self.agreements.get(code, visibleTo: actor) else { throw NotFoundError("agreement", code) }
        return try await self.hardIndicators(of: record, period: period, at: evaluation, minimumAnswers: minimumAnswers)
    }

    /// The same for an agreement already read (and found visible) by the caller.
    /// - Parameter withLines: whether to list each request's outcome (the audit trail); scores
    ///   need only the measurements.
    public func hardIndicators(
        of record: AgreementRecord,
        period: Period,
        at evaluation: Date,
        minimumAnswers: Int = 3,
        withLines: Bool = true
    ) async throws -> HardIndicatorReport {
        let code = record.agreement.code
        let measured = record.measured
        let evaluatedAt = Interval.seconds(evaluation)
        let commitments = measured.terms.commitments.filter { $0.kind == .hard }
        let manualValues =
            commitments.contains { $0.metric == .manual } ? try await self.manualValues.values(agreement: code, period: period) : [:]
        let clocks = try PeriodClocks(commitments, of: measured, period: period, at: evaluation)
        let utc = TimeZone(identifier: "UTC")!
        // Requests of the period in any of the zones involved; each commitment then keeps its own.
        let span = period.instants(in: utc)
        var measurements: [HardMeasurement] = []
        var lines: [HardIndicatorReport.Line] = []
        // Without the audit trail, the tallies and the requests still waiting serve when they can.
        let tallied =
            withLines || !RequestTallyReading.isEnabled
            ? nil
            : try await self.requests.measure(commitments, of: record, period: period, clocks: clocks, manualValues: manualValues, at: evaluatedAt)
        let requests = tallied != nil ? [] : try await self.requests.list(agreement: code, openedFrom: span.start - 86_400, to: span.end + 86_400)
        for commitment in commitments where tallied == nil {
            let clock = try commitment.calendar.map { try clocks.clock($0) }
            let zone = commitment.calendar.flatMap { clocks.zones[$0] } ?? utc
            let window = period.instants(in: zone)
            let inPeriod = requests.filter { window.start <= $0.openedAt && $0.openedAt < window.end }
            if commitment.metric == .manual {
                measurements.append(HardIndicators.measure(commitment, value: manualValues[commitment.key]?.value))
                continue
            }
            measurements.append(HardIndicators.measure(commitment, requests: inPeriod, clock: clock, at: evaluatedAt))
            guard withLines, commitment.metric.hasGoal, let clock else { continue }
            for request in inPeriod where HardIndicators.applies(commitment, to: request.priority) {
                let evaluation = HardIndicators.evaluate(
                    request,
                    metric: commitment.metric,
                    target: commitment.targetSeconds,
                    clock: clock,
                    at: evaluatedAt
                )
                lines.append(
                    .init(
                        externalRef: request.externalRef,
                        commitment: commitment.key,
                        priority: request.priority,
                        openedAt: request.openedAt,
                        businessSeconds: evaluation.businessSeconds,
                        outcome: evaluation.outcome
                    )
                )
            }
        }
        if let tallied { measurements = tallied.measurements }
        let softCommitments = measured.terms.commitments.filter { $0.kind == .soft }
        let rating = softCommitments.isEmpty ? nil : try await self.campaigns.rating(agreement: code, period: period)
        let (campaign, figures) = (rating?.campaign, rating?.figures)
        return HardIndicatorReport(
            agreement: code,
            terms: measured.terms,
            period: period,
            evaluatedAt: evaluatedAt,
            measurements: measurements,
            soft: softCommitments.map { SoftIndicators.measure($0, figures: figures, k: minimumAnswers) },
            campaign: campaign,
            manualValues: manualValues,
            lines: lines,
            volume: tallied?.volume
        )
    }
}

/// The business clocks of an agreement's calendars for measuring one period, built when first
/// asked for: reading the tallies of a closed period usually needs none.
private final class PeriodClocks {
    private let calendars: [String: BusinessCalendar]
    private let days: (from: LocalDate, through: LocalDate)
    private var clocks: [String: BusinessClock] = [:]
    /// Each calendar's zone, by code.
    let zones: [String: TimeZone]

    init(_ commitments: [Commitment], of document: AgreementDocument, period: Period, at evaluation: Date) throws {
        var calendars: [String: BusinessCalendar] = [:]
        for code in Set(commitments.compactMap(\.calendar)) {
            guard let calendar = document.calendar(code) else { throw NotFoundError("calendar", code) }
            calendars[code] = calendar
        }
        self.calendars = calendars
        self.zones = calendars.compactMapValues { TimeZone(identifier: $0.timeZone) }
        // A report's clock covers two days before the period to 400 days after it, or after the evaluation.
        let evaluationDay = LocalDate(evaluation, in: TimeZone(identifier: "UTC")!)
        self.days = (period.first.adding(days: -2), max(evaluationDay, period.last).adding(days: 400))
    }

    func clock(_ code: String) throws -> BusinessClock {
        if let clock = self.clocks[code] { return clock }
        guard let calendar = self.calendars[code] else { throw NotFoundError("calendar", code) }
        let clock = try BusinessClock(calendar: calendar, from: self.days.from, through: self.days.through)
        self.clocks[code] = clock
        return clock
    }
}

extension RequestRepository {
    /// Measures `commitments` of `record` over `period` from the tallies and the requests still
    /// waiting, as measuring every request would; nil when the tallies cannot tell (counted on
    /// other terms, or `evaluation` comes before a milestone they counted).
    fileprivate func measure(
        _ commitments: [Commitment],
        of record: AgreementRecord,
        period: Period,
        clocks: PeriodClocks,
        manualValues: [String: ManualValue],
        at evaluation: Int64
    ) async throws -> (measurements: [HardMeasurement], volume: Int)? {
        guard let basis = Self.tallyBasis(record),
            let tallies = try await self.tallies(agreement: record.agreement.code, basis: basis, period: period)
        else { return nil }
        let utc = TimeZone(identifier: "UTC")!
        let waiting = try await self.requests(ids: Set(tallies.waiting.values.joined()))
        var measurements: [HardMeasurement] = []
        for commitment in commitments {
            if commitment.metric == .manual {
                measurements.append(HardIndicators.measure(commitment, value: manualValues[commitment.key]?.value))
                continue
            }
            let window = period.instants(in: commitment.calendar.flatMap { clocks.zones[$0] } ?? utc)
            let left = (tallies.waiting[commitment.key] ?? []).compactMap { waiting[$0] }
                .filter { window.start <= $0.openedAt && $0.openedAt < window.end }
            guard
                let measurement = HardIndicators.measure(
                    commitment,
                    tally: tallies.commitments[commitment.key] ?? HardTally(),
                    waiting: left,
                    clock: left.isEmpty ? nil : try commitment.calendar.map { try clocks.clock($0) },
                    at: evaluation
                )
            else { return nil }
            measurements.append(measurement)
        }
        return (measurements, tallies.volume)
    }
}
