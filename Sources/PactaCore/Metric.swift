/// What a commitment measures. Hard metrics come from request statistics, soft ones from surveys.
public enum Metric: String, Sendable, Hashable, Codable, CaseIterable {
    /// Share of requests resolved within a target of business time.
    case resolutionWithin = "resolution_within"
    /// Share of requests first answered within a target of business time.
    case firstResponseWithin = "first_response_within"
    /// Number of requests opened in the period.
    case volume
    /// Median business time to resolve.
    case medianResolution = "median_resolution"
    /// 90th percentile (nearest rank) of business time to resolve.
    case p90Resolution = "p90_resolution"
    /// A value entered by a manager for the period, with its evidence.
    case manual
    /// Perception index (0–100) from the internal clients' survey.
    case perceptionIndex = "perception_index"
    /// Internal NPS (−100…100) from the internal clients' survey.
    case internalNPS = "internal_nps"

    /// Whether the metric is measured from requests (hard) or from surveys (soft).
    public var kind: CommitmentKind {
        switch self {
        case .resolutionWithin, .firstResponseWithin, .volume, .medianResolution, .p90Resolution, .manual: .hard
        case .perceptionIndex, .internalNPS: .soft
        }
    }

    /// Whether the target is an amount of business time, in seconds, measured on a calendar.
    public var isBusinessTime: Bool {
        switch self {
        case .resolutionWithin, .firstResponseWithin, .medianResolution, .p90Resolution: true
        default: false
        }
    }

    /// Whether the commitment is a share of requests that must meet the target (`goal`).
    public var hasGoal: Bool { self == .resolutionWithin || self == .firstResponseWithin }

    /// Which side of the target is good when the metric carries no goal share.
    public var defaultDirection: Direction {
        switch self {
        case .medianResolution, .p90Resolution: .atMost
        default: .atLeast
        }
    }
}

/// Hard (request statistics) or soft (perception surveys).
public enum CommitmentKind: String, Sendable, Hashable, Codable, CaseIterable {
    case hard
    case soft
}

/// Whether a measured value meets its target by staying at or below it, or at or above it.
public enum Direction: String, Sendable, Hashable, Codable, CaseIterable {
    case atMost = "at_most"
    case atLeast = "at_least"
}

/// How often an agreement's compliance is reviewed.
public enum Cadence: String, Sendable, Hashable, Codable, CaseIterable {
    case monthly
    case quarterly
}
