import Foundation

/// The figures of a group of answers (an agreement's, a provider's, a campaign's): SPEC
/// "Perception index" and "Internal NPS". Sums are kept, not means, so that groups add up exactly.
public struct PerceptionFigures: Sendable, Hashable {
    /// A sum of 1–5 ratings and how many there are.
    public struct Tally: Sendable, Hashable {
        public var sum: Int = 0
        public var count: Int = 0

        public init(sum: Int = 0, count: Int = 0) {
            self.sum = sum
            self.count = count
        }

        /// The mean rating, 1–5; nil without ratings.
        public var mean: Double? { self.count > 0 ? Double(self.sum) / Double(self.count) : nil }
    }

    /// How many answers (each rater's answer for one agreement).
    public private(set) var responses = 0
    /// Every 1–5 rating of every attribute.
    public private(set) var ratings = Tally()
    /// The ratings of each attribute, by key.
    public private(set) var attributes: [String: Tally] = [:]
    /// The 0–10 answers.
    public private(set) var nps = NPS()

    public init() {}

    public init(_ answers: some Sequence<SurveyAnswer>) {
        for answer in answers { self.add(answer) }
    }

    public mutating func add(_ answer: SurveyAnswer) {
        self.responses += 1
        for (key, rating) in answer.ratings {
            self.ratings.sum += rating
            self.ratings.count += 1
            self.attributes[key, default: Tally()].sum += rating
            self.attributes[key, default: Tally()].count += 1
        }
        self.nps.add(answer.recommend)
    }

    /// Adds another group's answers to these (a provider's figures from its agreements').
    public mutating func merge(_ other: PerceptionFigures) {
        self.responses += other.responses
        self.ratings.sum += other.ratings.sum
        self.ratings.count += other.ratings.count
        for (key, tally) in other.attributes {
            self.attributes[key, default: Tally()].sum += tally.sum
            self.attributes[key, default: Tally()].count += tally.count
        }
        self.nps.merge(other.nps)
    }

    /// The mean of all 1–5 ratings mapped linearly to 0–100, `(x − 1) / 4 × 100`; nil without ratings.
    public var perceptionIndex: Double? {
        guard self.ratings.count > 0 else { return nil }
        // One division, of exact integers: 100 × (Σx − n) / 4n.
        return Double(100 * (self.ratings.sum - self.ratings.count)) / Double(4 * self.ratings.count)
    }
}

/// The perception-survey side of SPEC "Agreement compliance": a soft commitment measured from
/// the figures of the agreement's campaign for the period.
public struct SoftMeasurement: Sendable, Hashable {
    public var commitment: String
    public var metric: Metric
    /// Answers behind the value (those of the campaign for the agreement and period).
    public var responses: Int
    /// The perception index (0–100) or internal NPS (−100…100); nil when not shown: no campaign,
    /// or fewer than k answers.
    public var value: Double?
    public var status: CommitmentStatus
}

public enum SoftIndicators {
    /// Measures a `perception_index` or `internal_nps` commitment on `figures` (nil: no campaign
    /// for the period). Fewer than `k` answers is `no_data`: the value is not shown, so it counts
    /// for nothing.
    public static func measure(_ commitment: Commitment, figures: PerceptionFigures?, k: Int) -> SoftMeasurement {
        precondition(commitment.kind == .soft, "only soft commitments are measured from surveys")
        let responses = figures?.responses ?? 0
        var measurement = SoftMeasurement(commitment: commitment.key, metric: commitment.metric, responses: responses, value: nil, status: .noData)
        guard let figures, responses >= max(k, 1) else { return measurement }
        // Compared as exact integers: value ≥ target ⇔ numerator ≥ target × denominator.
        let numerator: Int
        let denominator: Int
        switch commitment.metric {
        case .perceptionIndex:
            guard figures.ratings.count > 0 else { return measurement }
            numerator = 100 * (figures.ratings.sum - figures.ratings.count)
            denominator = 4 * figures.ratings.count
            measurement.value = figures.perceptionIndex
        default:
            numerator = 100 * (figures.nps.promoters - figures.nps.detractors)
            denominator = figures.nps.n
            measurement.value = figures.nps.score
        }
        let reaches = Double(numerator) >= commitment.target * Double(denominator)
        let stays = Double(numerator) <= commitment.target * Double(denominator)
        measurement.status = (commitment.effectiveDirection == .atLeast ? reaches : stays) ? .met : .notMet
        return measurement
    }
}
