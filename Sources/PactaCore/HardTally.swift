/// What one hard commitment counted over the requests of one stretch of time (a month, as
/// stored), kept up to date as requests arrive so that reports add months up instead of
/// measuring every request again.
///
/// Counted at an instant (when the requests last changed), only what can no longer change is
/// counted as met or missed: a request whose milestone has happened, and one still waiting whose
/// business time had already passed the target (whenever its milestone comes, it is late). A
/// request waiting within its target is counted among the `requests` only; a report measures
/// it at its own evaluation instant (``HardIndicators/measure(_:tally:waiting:clock:at:)``), and
/// the store keeps which ones they are (``HardIndicators/isWaiting(_:for:clock:at:)``).
public struct HardTally: Sendable, Hashable {
    /// Requests the commitment applies to (after the priority filter), waiting ones included.
    public var requests: Int
    /// Requests whose milestone happened within the target, and late or not yet and already
    /// past the target (`*_within` commitments).
    public var met: Int
    public var missed: Int
    /// The latest instant a counted outcome rests on (Unix seconds): a milestone, or the instant
    /// of counting when a waiting request was counted missed. A report evaluated before it could
    /// see those outcomes otherwise, so it cannot use the tally; ``Int64/max`` marks a tally no
    /// report may use.
    public var settledThrough: Int64
    /// Business seconds to each resolution, ascending (median and 90th-percentile commitments).
    public var durations: [Int64]

    public init(requests: Int = 0, met: Int = 0, missed: Int = 0, settledThrough: Int64 = .min, durations: [Int64] = []) {
        self.requests = requests
        self.met = met
        self.missed = missed
        self.settledThrough = settledThrough
        self.durations = durations
    }

    /// Two stretches of time together: a quarter is the sum of its months.
    public static func + (lhs: HardTally, rhs: HardTally) -> HardTally {
        HardTally(
            requests: lhs.requests + rhs.requests,
            met: lhs.met + rhs.met,
            missed: lhs.missed + rhs.missed,
            settledThrough: max(lhs.settledThrough, rhs.settledThrough),
            durations: Self.merge(lhs.durations, rhs.durations)
        )
    }

    private static func merge(_ a: [Int64], _ b: [Int64]) -> [Int64] {
        if a.isEmpty { return b }
        if b.isEmpty { return a }
        var merged: [Int64] = []
        merged.reserveCapacity(a.count + b.count)
        var i = 0
        var j = 0
        while i < a.count && j < b.count {
            if a[i] <= b[j] {
                merged.append(a[i])
                i += 1
            } else {
                merged.append(b[j])
                j += 1
            }
        }
        merged.append(contentsOf: a[i...])
        merged.append(contentsOf: b[j...])
        return merged
    }
}

extension HardIndicators {
    /// Milestones this long after the opening are not counted ahead: a report's clock covers
    /// 400 days past its period, and the tally must agree with it to the second.
    static let longestSettled: Int64 = 365 * 86_400

    /// Tallies a hard commitment (not `manual`) over `requests`, those opened in the stretch of
    /// time the tally stands for, as known at `instant`. `clock` must cover their days as a
    /// report's would (at least from two days before the stretch to 400 days after it).
    public static func tally(_ commitment: Commitment, requests: [ServiceRequest], clock: BusinessClock?, at instant: Int64) -> HardTally {
        var tally = HardTally()
        for request in requests where Self.applies(commitment, to: request.priority) {
            tally.requests += 1
            guard let clock else { continue }
            switch commitment.metric {
            case .resolutionWithin, .firstResponseWithin:
                let milestone = Milestone(commitment.metric)
                // A milestone after `instant` had not happened yet (a ticket tool's clock ahead of ours).
                guard let reached = request.instant(of: milestone), reached <= instant else {
                    // Still waiting: missed for good once past the target; measured by reports until then.
                    if clock.elapsed(from: request.openedAt, to: instant, pauses: request.pauses) > commitment.targetSeconds {
                        tally.missed += 1
                        tally.settledThrough = max(tally.settledThrough, instant)
                    }
                    continue
                }
                guard reached - request.openedAt <= Self.longestSettled, let seconds = request.businessSeconds(to: milestone, on: clock) else {
                    tally.settledThrough = .max
                    continue
                }
                if seconds <= commitment.targetSeconds { tally.met += 1 } else { tally.missed += 1 }
                tally.settledThrough = max(tally.settledThrough, reached)
            case .medianResolution, .p90Resolution:
                guard let resolved = request.resolvedAt, resolved <= instant else { continue }
                guard resolved - request.openedAt <= Self.longestSettled, let seconds = request.businessSeconds(to: .resolution, on: clock) else {
                    tally.settledThrough = .max
                    continue
                }
                tally.durations.append(seconds)
                tally.settledThrough = max(tally.settledThrough, resolved)
            case .volume, .manual, .perceptionIndex, .internalNPS:
                break
            }
        }
        tally.durations.sort()
        return tally
    }

    /// Whether a tally counted at `instant` leaves `request` to the report: for a `*_within`
    /// commitment, its milestone had not happened by then and the target was not yet passed; for
    /// a percentile, it was resolved after `instant`.
    public static func isWaiting(_ request: ServiceRequest, for commitment: Commitment, clock: BusinessClock?, at instant: Int64) -> Bool {
        guard let clock, Self.applies(commitment, to: request.priority) else { return false }
        switch commitment.metric {
        case .resolutionWithin, .firstResponseWithin:
            if let reached = request.instant(of: Milestone(commitment.metric)), reached <= instant { return false }
            return clock.elapsed(from: request.openedAt, to: instant, pauses: request.pauses) <= commitment.targetSeconds
        case .medianResolution, .p90Resolution:
            return request.resolvedAt.map { $0 > instant } ?? false
        case .volume, .manual, .perceptionIndex, .internalNPS:
            return false
        }
    }

    /// Measures a hard commitment from its tally over a period and the requests the tally left
    /// waiting (``isWaiting(_:for:clock:at:)``; any others among `waiting` are ignored), as
    /// ``measure(_:requests:clock:at:)`` measures all of the period's requests; nil when the
    /// tally cannot tell: `evaluation` comes before an outcome it counted. `clock` is needed
    /// for the waiting requests only (a tally counted without a calendar left none).
    public static func measure(
        _ commitment: Commitment,
        tally: HardTally,
        waiting: [ServiceRequest],
        clock: BusinessClock?,
        at evaluation: Int64
    ) -> HardMeasurement? {
        guard evaluation >= tally.settledThrough else { return nil }
        var measurement = HardMeasurement(
            commitment: commitment.key,
            metric: commitment.metric,
            met: 0,
            missed: 0,
            pending: 0,
            requests: tally.requests,
            value: nil,
            status: .noData
        )
        switch commitment.metric {
        case .resolutionWithin, .firstResponseWithin:
            measurement.met = tally.met
            measurement.missed = tally.missed
            for request in waiting where Self.applies(commitment, to: request.priority) {
                guard let clock else { return nil }
                switch Self.evaluate(request, metric: commitment.metric, target: commitment.targetSeconds, clock: clock, at: evaluation).outcome {
                case .met: measurement.met += 1
                case .missed: measurement.missed += 1
                case .pending: measurement.pending += 1
                }
            }
            let known = measurement.met + measurement.missed
            guard known > 0 else { return measurement }
            let share = Double(measurement.met) / Double(known)
            measurement.value = share
            measurement.status = share >= (commitment.goal ?? 1) ? .met : .notMet
        case .volume:
            measurement.value = Double(tally.requests)
            measurement.status = Self.compare(Double(tally.requests), commitment)
        case .medianResolution, .p90Resolution:
            var durations = tally.durations
            // Resolutions the tally had not seen yet, as a report sees them.
            for request in waiting where Self.applies(commitment, to: request.priority) {
                guard let resolved = request.resolvedAt, resolved <= evaluation else { continue }
                guard let clock else { return nil }
                if let seconds = request.businessSeconds(to: .resolution, on: clock) { durations.append(seconds) }
            }
            guard let value = Self.nearestRank(durations, percentile: commitment.metric == .medianResolution ? 50 : 90) else {
                return measurement
            }
            measurement.value = Double(value)
            measurement.status = Self.compare(Double(value), commitment)
        case .manual, .perceptionIndex, .internalNPS:
            break
        }
        return measurement
    }
}

extension Period {
    /// The months of the period: itself for a month, three for a quarter.
    public var months: [Period] {
        guard self.isQuarter else { return [self] }
        return (0..<3).compactMap { Period.month(self.first.year, self.first.month + $0) }
    }
}
