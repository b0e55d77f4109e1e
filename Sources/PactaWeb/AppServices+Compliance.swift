import Foundation
import PactaCore
import PactaStore

/// Compliance as pages and the API show it: evaluated now, on today, with the server's k and thresholds.
extension AppServices {
    func compliance(over span: ReportSpan, for actor: Actor) async throws -> ComplianceOverview {
        try await self.store.compliance(
            over: span,
            visibleTo: actor,
            at: self.now(),
            today: self.today,
            minimumAnswers: self.surveyMinimumAnswers,
            thresholds: self.complianceThresholds
        )
    }

    /// The overviews of the `count` spans ending with `span` (of its length), oldest first.
    func compliance(ending span: ReportSpan, count: Int, for actor: Actor) async throws -> [(ReportSpan, ComplianceOverview)] {
        var overviews: [(ReportSpan, ComplianceOverview)] = []
        for offset in (0..<count).reversed() {
            guard let earlier = span.advanced(by: -offset) else { continue }
            overviews.append((earlier, try await self.compliance(over: earlier, for: actor)))
        }
        return overviews
    }

    func complianceHistory(of code: String, for actor: Actor) async throws -> [AgreementPeriodCompliance] {
        try await self.store.complianceHistory(
            agreement: code,
            visibleTo: actor,
            at: self.now(),
            today: self.today,
            minimumAnswers: self.surveyMinimumAnswers,
            thresholds: self.complianceThresholds
        )
    }

    func compliance(of record: AgreementRecord, period: Period) async throws -> AgreementPeriodCompliance {
        try await self.store.compliance(
            of: record,
            period: period,
            at: self.now(),
            today: self.today,
            minimumAnswers: self.surveyMinimumAnswers,
            thresholds: self.complianceThresholds
        )
    }
}
