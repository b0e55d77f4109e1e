import Foundation

/// A Net Promoter Score of a set of 0–10 answers, with what it is made of (SPEC "NPS"):
/// `100 × (promoters − detractors) / n`, promoters 9–10, detractors 0–6, and the 95 % margin of
/// error `1.96 × 100 × sqrt((p + d − (p − d)²) / n)`, `p` and `d` the promoter and detractor shares.
public struct NPS: Sendable, Hashable {
    /// How many answers of each score, 0 to 10.
    public private(set) var distribution: [Int]

    /// No answers yet.
    public init() {
        self.distribution = Array(repeating: 0, count: 11)
    }

    /// The NPS of `scores`, each 0–10 (others are a programming error).
    public init(scores: some Sequence<Int>) {
        self.init()
        for score in scores { self.add(score) }
    }

    /// Counts one more answer.
    public mutating func add(_ score: Int) {
        precondition((0...10).contains(score), "an NPS answer is 0 to 10")
        self.distribution[score] += 1
    }

    /// Adds another set of answers to these.
    public mutating func merge(_ other: NPS) {
        for score in 0...10 { self.distribution[score] += other.distribution[score] }
    }

    public var n: Int { self.tally.n }
    public var promoters: Int { self.tally.promoters }
    public var passives: Int { self.tally.passives }
    public var detractors: Int { self.tally.detractors }

    /// Promoters, passives and detractors: all an NPS is computed from.
    public var tally: NPSTally {
        NPSTally(
            promoters: self.distribution[9] + self.distribution[10],
            passives: self.distribution[7] + self.distribution[8],
            detractors: self.distribution[0...6].reduce(0, +)
        )
    }

    /// −100…100; nil without answers.
    public var score: Double? { self.tally.score }

    /// The 95 % margin of error, in NPS points; nil without answers.
    public var marginOfError: Double? { self.tally.marginOfError }
}

/// How many promoters (9–10), passives (7–8) and detractors (0–6) a set of answers holds, and the
/// NPS and 95 % margin of error they make (SPEC "NPS").
public struct NPSTally: Sendable, Hashable, Codable {
    public var promoters: Int
    public var passives: Int
    public var detractors: Int

    public init(promoters: Int = 0, passives: Int = 0, detractors: Int = 0) {
        self.promoters = promoters
        self.passives = passives
        self.detractors = detractors
    }

    public var n: Int { self.promoters + self.passives + self.detractors }

    /// `100 × (promoters − detractors) / n`, −100…100; nil without answers.
    public var score: Double? {
        let n = self.n
        guard n > 0 else { return nil }
        return 100 * Double(self.promoters - self.detractors) / Double(n)
    }

    /// `1.96 × 100 × sqrt((p + d − (p − d)²) / n)`, `p` and `d` the promoter and detractor shares;
    /// nil without answers.
    public var marginOfError: Double? {
        let n = self.n
        guard n > 0 else { return nil }
        let p = Double(self.promoters) / Double(n)
        let d = Double(self.detractors) / Double(n)
        // p + d ≥ (p − d)² always; max guards the last bit of rounding.
        return 1.96 * 100 * (max(0, p + d - (p - d) * (p - d)) / Double(n)).squareRoot()
    }

    /// The 95 % margin of error of the change from `earlier` to this tally, two independent
    /// samples: `sqrt(m₁² + m₂²)` of their margins; nil when either has no answers. A change no
    /// larger than it may be chance.
    public func changeMargin(from earlier: NPSTally) -> Double? {
        guard let now = self.marginOfError, let then = earlier.marginOfError else { return nil }
        return (now * now + then * then).squareRoot()
    }

    public static func + (lhs: NPSTally, rhs: NPSTally) -> NPSTally {
        NPSTally(promoters: lhs.promoters + rhs.promoters, passives: lhs.passives + rhs.passives, detractors: lhs.detractors + rhs.detractors)
    }

    public static func += (lhs: inout NPSTally, rhs: NPSTally) {
        lhs = lhs + rhs
    }
}
