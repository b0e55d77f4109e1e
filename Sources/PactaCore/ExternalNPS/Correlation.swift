/// Pearson's correlation coefficient of paired values (SPEC "Alongside NPS": a provider's
/// compliance and the NPS of what it supports, period by period).
public struct Correlation: Sendable, Hashable {
    /// How many pairs it was computed from.
    public let n: Int
    /// −1…1.
    public let coefficient: Double

    /// The fewest periods for which a correlation is shown (SPEC: at least 6).
    public static let minimumPeriods = 6

    /// The correlation of `pairs`; nil with fewer than two pairs or when either series does not
    /// vary (the coefficient is undefined then).
    public init?(_ pairs: [(Double, Double)]) {
        let n = pairs.count
        guard n >= 2 else { return nil }
        let meanX = pairs.reduce(0) { $0 + $1.0 } / Double(n)
        let meanY = pairs.reduce(0) { $0 + $1.1 } / Double(n)
        var covariance = 0.0
        var varianceX = 0.0
        var varianceY = 0.0
        for (x, y) in pairs {
            covariance += (x - meanX) * (y - meanY)
            varianceX += (x - meanX) * (x - meanX)
            varianceY += (y - meanY) * (y - meanY)
        }
        guard varianceX > 0, varianceY > 0 else { return nil }
        self.n = n
        self.coefficient = min(1, max(-1, covariance / (varianceX * varianceY).squareRoot()))
    }

    /// Whether there are enough periods for it to be shown.
    public var isShown: Bool { self.n >= Self.minimumPeriods }
}
