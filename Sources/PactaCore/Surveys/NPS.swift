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

    public var n: Int { self.distribution.reduce(0, +) }
    public var promoters: Int { self.distribution[9] + self.distribution[10] }
    public var passives: Int { self.distribution[7] + self.distribution[8] }
    public var detractors: Int { self.distribution[0...6].reduce(0, +) }

    /// −100…100; nil without answers.
    public var score: Double? {
        let n = self.n
        guard n > 0 else { return nil }
        return 100 * Double(self.promoters - self.detractors) / Double(n)
    }

    /// The 95 % margin of error, in NPS points; nil without answers.
    public var marginOfError: Double? {
        let n = self.n
        guard n > 0 else { return nil }
        let p = Double(self.promoters) / Double(n)
        let d = Double(self.detractors) / Double(n)
        // p + d ≥ (p − d)² always; max guards the last bit of rounding.
        return 1.96 * 100 * (max(0, p + d - (p - d) * (p - d)) / Double(n)).squareRoot()
    }
}
