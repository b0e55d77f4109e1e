import Foundation

/// Where an agreement (or a provider, or a client) stands for a period: SPEC "Agreement compliance".
public enum ComplianceStatus: String, Sendable, Hashable, Codable, CaseIterable {
    /// Every commitment known was met.
    case compliant
    /// At or above the at-risk threshold (80 by default), not every commitment met.
    case atRisk = "at_risk"
    /// Below the at-risk threshold.
    case breached
    /// No commitment known: nothing to score, never counted as compliant.
    case noData = "no_data"
}

/// The score from which a figure is `compliant` and `at_risk` (settings; SPEC: 100 and 80).
public struct ComplianceThresholds: Sendable, Hashable {
    public var compliant: Double
    public var atRisk: Double

    public init(compliant: Double = 100, atRisk: Double = 80) {
        self.compliant = compliant
        self.atRisk = atRisk
    }

    public static let standard = ComplianceThresholds()

    /// The status of the score `100 × numerator / denominator`, compared without dividing;
    /// `noData` without a denominator. Values within `tolerance` of a threshold count as on it
    /// (a mean of fractions such as ⅔ is rounded in its 38th digit).
    func status(numerator: Decimal, denominator: Decimal, tolerance: Decimal = 0) -> ComplianceStatus {
        guard denominator > 0 else { return .noData }
        let scaled = 100 * numerator
        if scaled + tolerance * denominator >= Self.decimal(self.compliant) * denominator { return .compliant }
        if scaled + tolerance * denominator >= Self.decimal(self.atRisk) * denominator { return .atRisk }
        return .breached
    }

    /// The decimal a person typed for `value` (`0.1` is one tenth, not its binary neighbour).
    static func decimal(_ value: Double) -> Decimal {
        Decimal(string: "\(value)", locale: Locale(identifier: "en_US_POSIX")) ?? Decimal(value)
    }
}

/// One commitment as it counts in its agreement's compliance.
public struct ScoredCommitment: Sendable, Hashable, Codable {
    public var commitment: String
    public var kind: CommitmentKind
    public var metric: Metric
    public var weight: Double
    public var status: CommitmentStatus

    public init(commitment: String, kind: CommitmentKind, metric: Metric, weight: Double, status: CommitmentStatus) {
        self.commitment = commitment
        self.kind = kind
        self.metric = metric
        self.weight = weight
        self.status = status
    }
}

/// An agreement's compliance for one review period: `100 × Σ weight(met) / Σ weight(met or not_met)`,
/// computed in decimal from the weights as written, so that `1, 1, 1` with one miss is 66.66…
/// and a status never depends on binary rounding.
public struct AgreementCompliance: Sendable, Hashable {
    public var commitments: [ScoredCommitment]
    /// 0–100; nil when no commitment is known.
    public var score: Double?
    public var status: ComplianceStatus
    /// Σ weight of the commitments met, and of those met or not met.
    public var metWeight: Decimal
    public var knownWeight: Decimal

    public init(_ commitments: [ScoredCommitment], thresholds: ComplianceThresholds = .standard) {
        self.commitments = commitments
        var met = Decimal(0)
        var known = Decimal(0)
        for commitment in commitments where commitment.status != .noData {
            let weight = ComplianceThresholds.decimal(commitment.weight)
            known += weight
            if commitment.status == .met { met += weight }
        }
        self.metWeight = met
        self.knownWeight = known
        self.score = known > 0 ? Compliance.double(100 * met / known) : nil
        // Sums of the weights as written are exact: the comparison needs no tolerance.
        self.status = thresholds.status(numerator: met, denominator: known)
    }

    /// The commitments without data: shown next to the figure, so that no one reads `no_data` as met.
    public var withoutData: [String] { self.commitments.filter { $0.status == .noData }.map(\.commitment) }
}

/// A unit's compliance over its agreements' review periods (SPEC: the request-volume-weighted
/// mean; equal weights where no volume).
public struct UnitCompliance: Sendable, Hashable {
    /// One agreement's figure in one review period, with the requests it weighs by.
    public struct Part: Sendable, Hashable {
        public var agreement: String
        public var period: Period
        public var compliance: AgreementCompliance
        /// Requests opened in the period that belong to the agreement.
        public var volume: Int

        public init(agreement: String, period: Period, compliance: AgreementCompliance, volume: Int) {
            self.agreement = agreement
            self.period = period
            self.compliance = compliance
            self.volume = volume
        }
    }

    public var parts: [Part]
    /// 0–100; nil when no part has a score.
    public var score: Double?
    public var status: ComplianceStatus
    /// Whether the mean is weighted by volume (false: equal weights, no scored part had requests).
    public var weightedByVolume: Bool
    /// Requests behind the scored parts.
    public var volume: Int

    /// The mean of the scored parts' scores, weighted by their request volumes; with equal
    /// weights when none of them had a request. Parts without a score (`no_data`) count for
    /// nothing. Computed in decimal from each part's exact fraction.
    public init(_ parts: [Part], thresholds: ComplianceThresholds = .standard) {
        self.parts = parts
        let scored = parts.filter { $0.compliance.knownWeight > 0 }
        let volume = scored.reduce(0) { $0 + $1.volume }
        self.volume = volume
        self.weightedByVolume = volume > 0
        guard !scored.isEmpty else {
            self.score = nil
            self.status = .noData
            return
        }
        // Σ vᵢ × (metᵢ / knownᵢ) / Σ vᵢ, the fractions kept exact as far as Decimal goes.
        var numerator = Decimal(0)
        var denominator = Decimal(0)
        for part in scored {
            let weight = Decimal(volume > 0 ? part.volume : 1)
            numerator += weight * part.compliance.metWeight / part.compliance.knownWeight
            denominator += weight
        }
        self.score = Compliance.double(100 * numerator / denominator)
        self.status = thresholds.status(numerator: numerator, denominator: denominator, tolerance: Compliance.tolerance)
    }
}

public enum Compliance {
    /// How far from a threshold, in score points, a mean of fractions still counts as on it:
    /// far below any difference two real figures can have, far above Decimal's rounding.
    static let tolerance = Decimal(string: "1e-20")!

    /// The double nearest to `value` (NSDecimalNumber's `doubleValue` may be a few units off in
    /// the last place: 44.444444444444436 for 400⁄9).
    static func double(_ value: Decimal) -> Double {
        Double(value.description) ?? NSDecimalNumber(decimal: value).doubleValue
    }
}
