/// One measurable promise inside an agreement.
public struct Commitment: Sendable, Hashable, Codable {
    /// Identifier within the agreement (`C1`, `resolucion-p1`), used in reports.
    public var key: String
    /// What is promised, in words the two units agreed on.
    public var name: String
    public var kind: CommitmentKind
    public var metric: Metric
    /// Business seconds for time metrics; a count, an index or a score otherwise.
    public var target: Double
    /// For `*_within` metrics, the share of requests (0–1] that must meet the target.
    public var goal: Double?
    /// For metrics without a goal, which side of the target is good; defaults by metric.
    public var direction: Direction?
    /// Relative weight in the agreement's compliance (> 0).
    public var weight: Double
    /// Code of the business calendar the clock runs on; required for time metrics.
    public var calendar: String?
    /// Request priorities the commitment applies to; empty means every priority.
    public var priorities: [String]

    public init(
        key: String,
        name: String,
        kind: CommitmentKind? = nil,
        metric: Metric,
        target: Double,
        goal: Double? = nil,
        direction: Direction? = nil,
        weight: Double = 1,
        calendar: String? = nil,
        priorities: [String] = []
    ) {
        self.key = key
        self.name = name
        self.kind = kind ?? metric.kind
        self.metric = metric
        self.target = target
        self.goal = goal
        self.direction = direction
        self.weight = weight
        self.calendar = calendar
        self.priorities = priorities
    }

    /// The longest time target: a year, in seconds.
    public static let longestTarget: Double = 366 * 86_400

    /// The target in whole seconds, for time metrics; clamped, so a stored value can never trap.
    public var targetSeconds: Int64 { Int64(max(0, min(self.target, Self.longestTarget)).rounded(.down)) }

    /// The direction in force: the explicit one or the metric's default.
    public var effectiveDirection: Direction { self.direction ?? self.metric.defaultDirection }

    /// Records every rule this commitment breaks, with field names relative to the commitment.
    public func validate(into validator: inout Validator) {
        Code.validate(self.key, field: "key", into: &validator)
        validator.check(!self.name.trimmed.isEmpty, "name", "required", "Describe the commitment.")
        validator.limit(self.name, TextLimit.name, "name")
        if let calendar = self.calendar, !calendar.isEmpty { Code.validate(calendar, field: "calendar", into: &validator) }
        if self.priorities.count > TextLimit.priorities {
            validator.fail("priorities", "too_many", "A commitment lists at most \(TextLimit.priorities) priorities.")
        }
        validator.check(
            self.kind == self.metric.kind,
            "kind",
            "kind_mismatch",
            "Metric \(self.metric.rawValue) is a \(self.metric.kind.rawValue) metric."
        )
        if !self.target.isFinite || self.target < 0 {
            validator.fail("target", "invalid_target", "The target must be a number at or above zero.")
        } else if self.metric.isBusinessTime && self.target <= 0 {
            validator.fail("target", "invalid_target", "A time target must be more than zero seconds.")
        } else if self.metric.isBusinessTime && self.target > Self.longestTarget {
            validator.fail("target", "invalid_target", "A time target is at most a year of business time (\(Int(Self.longestTarget)) seconds).")
        } else if self.metric == .perceptionIndex && self.target > 100 {
            validator.fail("target", "invalid_target", "A perception index target lies between 0 and 100.")
        }
        if self.metric == .internalNPS, !(-100...100).contains(self.target) {
            validator.fail("target", "invalid_target", "An NPS target lies between -100 and 100.")
        }
        if self.metric.hasGoal {
            if let goal = self.goal {
                validator.check(
                    goal.isFinite && goal > 0 && goal <= 1,
                    "goal",
                    "invalid_goal",
                    "The goal is a share above 0 and at most 1 (0.95 for 95 %)."
                )
            } else {
                validator.fail("goal", "required", "Metric \(self.metric.rawValue) needs a goal share (e.g. 0.95).")
            }
        } else if self.goal != nil {
            validator.fail("goal", "goal_not_allowed", "Only *_within metrics take a goal share.")
        }
        validator.check(self.weight.isFinite && self.weight > 0, "weight", "invalid_weight", "The weight must be above zero.")
        if self.metric.isBusinessTime {
            validator.check(
                !(self.calendar ?? "").isEmpty,
                "calendar",
                "required",
                "Time metrics need a business calendar."
            )
        }
        var seen = Set<String>()
        for (index, priority) in self.priorities.enumerated() {
            if priority.trimmed.isEmpty {
                validator.fail("priorities[\(index)]", "required", "A priority cannot be empty.")
            } else if priority.unicodeScalars.count > TextLimit.priority {
                validator.limit(priority, TextLimit.priority, "priorities[\(index)]")
            } else if !seen.insert(priority).inserted {
                validator.fail("priorities[\(index)]", "duplicate", "Priority '\(priority)' is listed twice.")
            }
        }
    }
}

extension Commitment {
    /// Reads a commitment, with defaults for what a client may leave out: the kind follows the
    /// metric, the weight is 1, no priorities means all; a missing key is filled in by the terms.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        let metric = try container.decode(Metric.self, forKey: .metric)
        self.init(
            key: try container.decodeIfPresent(String.self, forKey: .key) ?? "",
            name: try container.decode(String.self, forKey: .name),
            kind: try container.decodeIfPresent(CommitmentKind.self, forKey: .kind),
            metric: metric,
            target: try container.decode(Double.self, forKey: .target),
            goal: try container.decodeIfPresent(Double.self, forKey: .goal),
            direction: try container.decodeIfPresent(Direction.self, forKey: .direction),
            weight: try container.decodeIfPresent(Double.self, forKey: .weight) ?? 1,
            calendar: try container.decodeIfPresent(String.self, forKey: .calendar),
            priorities: try container.decodeIfPresent([String].self, forKey: .priorities) ?? []
        )
    }
}
