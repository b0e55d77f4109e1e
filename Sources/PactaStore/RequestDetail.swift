import Foundation
import PactaCore

/// One request as Pacta holds it, and what it counts as for each time commitment of its agreement.
public struct RequestDetail: Sendable {
    public var request: ServiceRequest
    /// The agreement it belongs to, if any, and the terms it is measured on (its latest signed version).
    public var agreement: String?
    public var terms: AgreementTerms?
    /// The evaluation instant (Unix seconds).
    public var evaluatedAt: Int64
    public var evaluations: [Evaluation]

    public struct Evaluation: Sendable {
        public var commitment: Commitment
        public var businessSeconds: Int64
        public var outcome: Outcome
        /// When the target is or was reached, the milestone not having happened by then.
        public var dueAt: Int64?
    }
}

extension Repositories {
    /// The request `externalRef` of `provider`, measured against its agreement's time commitments
    /// (those whose priority filter takes it) as known at `evaluation`; nil when there is none.
    public func requestDetail(provider: String, externalRef: String, at evaluation: Date) async throws -> RequestDetail? {
        guard let (request, code) = try await self.requests.get(provider: provider, externalRef: externalRef) else { return nil }
        let evaluatedAt = Interval.seconds(evaluation)
        var detail = RequestDetail(request: request, agreement: code, terms: nil, evaluatedAt: evaluatedAt, evaluations: [])
        guard let code, let measured = try await self.agreements.get(code, visibleTo: nil)?.measured else { return detail }
        let terms = measured.terms
        detail.terms = terms
        let utc = TimeZone(identifier: "UTC")!
        let opened = LocalDate(Date(timeIntervalSince1970: TimeInterval(request.openedAt)), in: utc)
        var clocks: [String: BusinessClock] = [:]
        for commitment in terms.commitments where commitment.metric.hasGoal && HardIndicators.applies(commitment, to: request.priority) {
            guard let calendarCode = commitment.calendar else { continue }
            if clocks[calendarCode] == nil, let calendar = measured.calendar(calendarCode) {
                // Up to the evaluation and a year on, within five years of the opening: enough for any
                // target, and an evaluation asked for in a far year cannot make the clock huge.
                let through = min(max(opened, LocalDate(evaluation, in: utc)), opened.adding(days: 5 * 366)).adding(days: 400)
                clocks[calendarCode] = try BusinessClock(calendar: calendar, from: opened.adding(days: -2), through: through)
            }
            guard let clock = clocks[calendarCode] else { continue }
            let target = commitment.targetSeconds
            let result = HardIndicators.evaluate(request, metric: commitment.metric, target: target, clock: clock, at: evaluatedAt)
            detail.evaluations.append(
                .init(
                    commitment: commitment,
                    businessSeconds: result.businessSeconds,
                    outcome: result.outcome,
                    dueAt: clock.instant(after: request.openedAt, businessSeconds: target, pauses: request.pauses)
                )
            )
        }
        return detail
    }
}
