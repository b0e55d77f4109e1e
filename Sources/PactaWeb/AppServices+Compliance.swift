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
