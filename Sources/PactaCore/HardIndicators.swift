/// What became of one request for one time commitment.
public enum Outcome: String, Sendable, Hashable, Codable {
    /// The milestone happened within the target.
    case met
    /// The milestone happened late, or has not happened and the target is already exceeded.
    case missed
    /// Not known yet: the milestone has not happened and the target is not exceeded.
    case pending
}

/// Whether a commitment is met in a period.
public enum CommitmentStatus: String, Sendable, Hashable, Codable {
    case met
    case notMet = "not_met"
    /// Nothing to measure yet: shown, never counted as met.
    case noData = "no_data"
}

/// One request measured for one time commitment: the audit line a provider and its client argue over.
public struct RequestEvaluation: Sendable, Hashable {
    public var request: ServiceRequest
    /// Business seconds to the milestone, or until the evaluation instant when it has not happened.
    public var businessSeconds: Int64
    public var outcome: Outcome
}

/// A hard commitment measured over a period.
public struct HardMeasurement: Sendable, Hashable {
    public var commitment: String
    public var metric: Metric
    public var met: Int
    public var missed: Int
    public var pending: Int
    /// Requests the commitment applies to (after the priority filter).
    public var requests: Int
    /// The measured value: a share (0–1) for `*_within`, a count for volume, business seconds for
    /// the median and the 90th percentile; nil when nothing could be measured.
    public var value: Double?
    public var status: CommitmentStatus
}

/// The rules of SPEC "Time commitment" and the other hard metrics, free of storage.
public enum HardIndicators {
    /// The outcome of `request` for a `*_within` commitment with target `target` business seconds,
    /// as known at `evaluation` (a milestone after it has not happened yet).
    public static func evaluate(
        _ request: ServiceRequest,
        metric: Metric,
        target: Int64,
        clock: BusinessClock,
        at evaluation: Int64
    ) -> RequestEvaluation {
        let milestone = Milestone(metric)
        if let instant = request.instant(of: milestone), instant <= evaluation,
            let seconds = request.businessSeconds(to: milestone, on: clock)
        {
            return RequestEvaluation(request: request, businessSeconds: seconds, outcome: seconds <= target ? .met : .missed)
        }
        let seconds = clock.elapsed(from: request.openedAt, to: evaluation, pauses: request.pauses)
        return RequestEvaluation(request: request, businessSeconds: seconds, outcome: seconds > target ? .missed : .pending)
    }

    /// Whether the commitment applies to a request of `priority`: one its filter names; without a
    /// filter, every priority but that of detractor follow-ups (``FollowUp/priority``), which are
    /// not requests the client sent and count only where an agreement names them.
    public static func applies(_ commitment: Commitment, to priority: String) -> Bool {
        commitment.priorities.isEmpty ? priority != FollowUp.priority : commitment.priorities.contains(priority)
    }

    /// Whether a request of `priority` weighs in its agreement's share of its units' compliance:
    /// every request the client sent, not detractor follow-ups.
    public static func weighs(_ priority: String) -> Bool {
        priority != FollowUp.priority
    }

    /// Measures a hard commitment (not `manual`) over the requests opened in one period: as a
    /// tally that has counted nothing yet, every request left to be measured at `evaluation`.
    /// Without a clock (no calendar), time commitments have no data.
    public static func measure(
        _ commitment: Commitment,
        requests: [ServiceRequest],
        clock: BusinessClock?,
        at evaluation: Int64
    ) -> HardMeasurement {
        let relevant = requests.filter { Self.applies(commitment, to: $0.priority) }
        // Never nil: the tally settled nothing, and requests are left to it only with a clock.
        return Self.measure(
            commitment,
            tally: HardTally(requests: relevant.count),
            waiting: clock == nil ? [] : relevant,
            clock: clock,
            at: evaluation
        )!
    }

    /// Measures a `manual` commitment from the value a manager entered for the period, if any.
    public static func measure(_ commitment: Commitment, value: Double?) -> HardMeasurement {
        HardMeasurement(
            commitment: commitment.key,
            metric: commitment.metric,
            met: 0,
            missed: 0,
            pending: 0,
            requests: 0,
            value: value,
            status: value.map { Self.compare($0, commitment) } ?? .noData
        )
    }

    /// The nearest-rank percentile: the value at rank ⌈p/100 × n⌉ of the sorted values; nil when empty.
    public static func nearestRank(_ values: [Int64], percentile: Int) -> Int64? {
        guard !values.isEmpty else { return nil }
        let sorted = values.sorted()
        let rank = (percentile * sorted.count + 99) / 100
        return sorted[max(rank, 1) - 1]
    }

    /// Whether `value` meets the commitment's target on the good side.
    public static func compare(_ value: Double, _ commitment: Commitment) -> CommitmentStatus {
        switch commitment.effectiveDirection {
        case .atMost: value <= commitment.target ? .met : .notMet
        case .atLeast: value >= commitment.target ? .met : .notMet
        }
    }
}

/// An open request close to (or past) the target of a time commitment.
public struct BreachWarning: Sendable, Hashable {
    public var request: ServiceRequest
    public var commitment: String
    /// Business seconds so far.
    public var elapsed: Int64
    public var target: Int64
    /// When the target is (or was) reached if the milestone does not happen first; nil beyond the clock's days.
    public var dueAt: Int64?
    /// `elapsed / target`: 0.75 at the default threshold, above 1 once breached.
    public var ratio: Double { Double(self.elapsed) / Double(self.target) }
    public var isBreached: Bool { self.elapsed > self.target }
}

extension HardIndicators {
    /// A warning when `request` has not reached the commitment's milestone by `now` and its business
    /// time has passed `threshold` (0–1) of the target.
    public static func warning(
        for request: ServiceRequest,
        commitment: Commitment,
        clock: BusinessClock,
        now: Int64,
        threshold: Double
    ) -> BreachWarning? {
        guard commitment.metric.hasGoal, Self.applies(commitment, to: request.priority) else { return nil }
        if let reached = request.instant(of: Milestone(commitment.metric)), reached <= now { return nil }
        let target = commitment.targetSeconds
        let elapsed = clock.elapsed(from: request.openedAt, to: now, pauses: request.pauses)
        guard Double(elapsed) >= threshold * Double(target) else { return nil }
        let due = clock.instant(after: request.openedAt, businessSeconds: target, pauses: request.pauses)
        return BreachWarning(request: request, commitment: commitment.key, elapsed: elapsed, target: target, dueAt: due)
    }
}
