import Foundation
import PactaCore

/// A warning with the agreement it belongs to.
public struct AgreementWarning: Sendable, Hashable {
    public var agreement: String
    public var agreementTitle: String
    public var commitmentName: String
    public var warning: BreachWarning
}

extension Repositories {
    /// Open requests of active agreements whose business time has passed `threshold` of a time
    /// commitment's target, the most urgent first; optionally only those a unit provides or receives.
    public func breachWarnings(at now: Date, threshold: Double, unit: String? = nil) async throws -> [AgreementWarning] {
        let open = try await self.requests.open()
        var clocks: [String: BusinessClock] = [:]
        let utc = TimeZone(identifier: "UTC")!
        let today = LocalDate(now, in: utc)
        // One clock per calendar, covering the oldest open request of any agreement.
        let oldest = open.values.joined().map(\.openedAt).min().map { LocalDate(Date(timeIntervalSince1970: TimeInterval($0)), in: utc) } ?? today
        var warnings: [AgreementWarning] = []
        for (code, requests) in open {
            guard let measured = try? await self.agreements.get(code, visibleTo: nil)?.measured else { continue }
            if let unit, measured.terms.provider != unit, measured.terms.client != unit { continue }
            for commitment in measured.terms.commitments where commitment.metric.hasGoal {
                guard let calendarCode = commitment.calendar, let calendar = measured.calendar(calendarCode) else { continue }
                // Versions may hold the same calendar as it was at different times: one clock per rules.
                let key = "\(calendarCode)-\(calendar.fingerprint)"
                if clocks[key] == nil {
                    // Far enough ahead to say when the longest targets fall due.
                    clocks[key] = try BusinessClock(calendar: calendar, from: min(oldest, today).adding(days: -2), through: today.adding(days: 120))
                }
                guard let clock = clocks[key] else { continue }
                for request in requests {
                    if let warning = HardIndicators.warning(
                        for: request,
                        commitment: commitment,
                        clock: clock,
                        now: Interval.seconds(now),
                        threshold: threshold
                    ) {
                        warnings.append(
                            AgreementWarning(agreement: code, agreementTitle: measured.terms.title, commitmentName: commitment.name, warning: warning)
                        )
                    }
                }
            }
        }
        return warnings.sorted { ($0.warning.ratio, $0.agreement) > ($1.warning.ratio, $1.agreement) }
    }
}
