import Foundation
import PactaCore

/// One agreement's compliance in one of its review periods (SPEC "Agreement compliance"), with
/// what it is made of: each commitment's status and weight, the requests behind it, the survey
/// answers behind its soft commitments.
public struct AgreementPeriodCompliance: Sendable, Hashable {
    public var agreement: String
    public var title: String
    public var provider: String
    public var providerName: String
    public var client: String
    public var clientName: String
    public var period: Period
    public var compliance: AgreementCompliance
    /// Requests of the agreement opened in the period (in the organisation's zone): its weight in
    /// its provider's and its client's compliance.
    public var volume: Int
    /// Survey answers its soft commitments rest on.
    public var responses: Int
    /// The instant outcomes were evaluated at.
    public var evaluatedAt: Date
    /// Whether the period is still running: its figures may change.
    public var provisional: Bool
    /// Changes to its figures made after the period ended, newest first: when, why, by whom.
    public var changes: [FigureChange]
}

/// Compliance for a period across the agreements the reader may see: each agreement's review
/// periods within it, each provider's and each client's volume-weighted mean, and the whole
/// organisation's.
public struct ComplianceOverview: Sendable, Hashable {
    public struct UnitRow: Sendable, Hashable {
        public var unit: String
        public var name: String
        public var compliance: UnitCompliance
    }

    public var period: ReportSpan
    /// Oldest review period first, then by agreement code.
    public var agreements: [AgreementPeriodCompliance]
    /// Best first; units without data last.
    public var providers: [UnitRow]
    public var clients: [UnitRow]
    public var organisation: UnitCompliance
    public var provisional: Bool

    /// How many agreement periods have each status.
    public var statusCounts: [ComplianceStatus: Int] {
        Dictionary(grouping: self.agreements, by: \.compliance.status).mapValues(\.count)
    }
}

extension Repositories {
    /// The compliance of `record` in `period` as known at `evaluation`; provisional while the
    /// period runs on `today`.
    /// - Parameter changes: the agreement's recorded ``FigureChange``s by month, when the caller
    ///   read them already; read here otherwise.
    public func compliance(
        of record: AgreementRecord,
        period: Period,
        at evaluation: Date,
        today: LocalDate,
        minimumAnswers: Int,
        thresholds: ComplianceThresholds,
        changes: [Period: [FigureChange]]? = nil
    ) async throws -> AgreementPeriodCompliance {
        let changes = if let changes { changes } else { try await self.figureChanges.list(agreement: record.agreement.code) }
        let utc = TimeZone(identifier: "UTC")!
        let report = try await self.hardIndicators(of: record, period: period, at: evaluation, minimumAnswers: minimumAnswers, withLines: false)
        let commitments = Dictionary(report.terms.commitments.map { ($0.key, $0) }, uniquingKeysWith: { first, _ in first })
        // Hard commitments as measured from the requests, soft ones from the period's survey.
        let statuses =
            report.measurements.map { ($0.commitment, CommitmentKind.hard, $0.status) }
            + report.soft.map { ($0.commitment, CommitmentKind.soft, $0.status) }
        let scored = statuses.compactMap { key, kind, status in
            commitments[key].map { ScoredCommitment(commitment: key, kind: kind, metric: $0.metric, weight: $0.weight, status: status) }
        }
        let agreement = record.agreement
        // Read with the tallies when they served, counted otherwise.
        let volume = if let counted = report.volume { counted } else { try await self.requests.volume(agreement: agreement.code, period: period) }
        return AgreementPeriodCompliance(
            agreement: agreement.code,
            title: report.terms.title,
            provider: report.terms.provider,
            providerName: record.providerName,
            client: report.terms.client,
            clientName: record.clientName,
            period: period,
            compliance: AgreementCompliance(scored, thresholds: thresholds),
            volume: volume,
            responses: report.soft.map(\.responses).max() ?? 0,
            evaluatedAt: evaluation,
            provisional: period.last >= today,
            changes: FigureChange.newestFirst(period.months.flatMap { changes[$0] ?? [] }.filter { LocalDate($0.changedAt, in: utc) > period.last })
        )
    }

    /// Agreement `code`'s compliance in each review period of its validity up to the current one,
    /// newest first, at most `limit` of them; only once a version is signed.
    public func complianceHistory(
        agreement code: String,
        visibleTo actor: Actor?,
        at evaluation: Date,
        today: LocalDate,
        minimumAnswers: Int,
        thresholds: ComplianceThresholds,
        limit: Int = 12
    ) async throws -> [AgreementPeriodCompliance] {
        guard let record = try await self.agreements.get(code, visibleTo: actor) else { throw NotFoundError("agreement", code) }
        guard record.agreement.signedVersion != nil else { return [] }
        let terms = record.measured.terms
        let first = Period.containing(terms.validFrom, cadence: terms.cadence)
        let last = Period.containing(min(terms.validTo, today), cadence: terms.cadence)
        let changes = try await self.figureChanges.list(agreement: code)
        return try await self.concurrently(Array(first.through(last).reversed().prefix(limit))) { period in
            try await self.compliance(
                of: record,
                period: period,
                at: evaluation,
                today: today,
                minimumAnswers: minimumAnswers,
                thresholds: thresholds,
                changes: changes
            )
        }
    }

    /// Compliance in `period` over the signed agreements `actor` may see.
    public func compliance(
        for period: Period,
        visibleTo actor: Actor?,
        at evaluation: Date,
        today: LocalDate,
        minimumAnswers: Int,
        thresholds: ComplianceThresholds
    ) async throws -> ComplianceOverview {
        try await self.compliance(
            over: .period(period),
            visibleTo: actor,
            at: evaluation,
            today: today,
            minimumAnswers: minimumAnswers,
            thresholds: thresholds
        )
    }

    /// Compliance over `span` (a month, a quarter or a year) over the signed agreements `actor`
    /// may see: each agreement's review periods that lie within it (``ReportSpan/reviews(cadence:)``)
    /// and have begun by `today`, in force for at least a day of them.
    public func compliance(
        over span: ReportSpan,
        visibleTo actor: Actor?,
        at evaluation: Date,
        today: LocalDate,
        minimumAnswers: Int,
        thresholds: ComplianceThresholds
    ) async throws -> ComplianceOverview {
        let changes = try await self.figureChanges.list(within: span)
        let summaries = try await self.agreements.list(visibleTo: actor).filter {
            $0.signedVersion != nil && $0.validFrom <= span.last && $0.validTo >= span.first
        }
        var agreements = try await self.concurrently(summaries) { summary -> [AgreementPeriodCompliance] in
            guard let record = try await self.agreements.get(summary.code, visibleTo: actor) else { return [] }
            let terms = record.measured.terms
            var periods: [AgreementPeriodCompliance] = []
            // Review periods still to come have nothing to show yet: they are left out, not counted as without data.
            for review in span.reviews(cadence: terms.cadence)
            where review.first <= today && terms.validFrom <= review.last && terms.validTo >= review.first {
                periods.append(
                    try await self.compliance(
                        of: record,
                        period: review,
                        at: evaluation,
                        today: today,
                        minimumAnswers: minimumAnswers,
                        thresholds: thresholds,
                        changes: changes[summary.code] ?? [:]
                    )
                )
            }
            return periods
        }.flatMap { $0 }
        agreements.sort { ($0.period, $0.agreement) < ($1.period, $1.agreement) }
        func rows(
            _ key: KeyPath<AgreementPeriodCompliance, String>,
            _ name: KeyPath<AgreementPeriodCompliance, String>
        ) -> [ComplianceOverview.UnitRow] {
            Dictionary(grouping: agreements, by: { $0[keyPath: key] }).map { unit, parts in
                ComplianceOverview.UnitRow(
                    unit: unit,
                    name: parts[0][keyPath: name],
                    compliance: UnitCompliance(parts.map(\.part), thresholds: thresholds)
                )
            }.sorted { ($0.compliance.score ?? -1, $1.unit) > ($1.compliance.score ?? -1, $0.unit) }
        }
        return ComplianceOverview(
            period: span,
            agreements: agreements,
            providers: rows(\.provider, \.providerName),
            clients: rows(\.client, \.clientName),
            organisation: UnitCompliance(agreements.map(\.part), thresholds: thresholds),
            provisional: span.last >= today
        )
    }
}

extension AgreementPeriodCompliance {
    /// This figure as a part of a unit's mean.
    var part: UnitCompliance.Part {
        UnitCompliance.Part(agreement: self.agreement, period: self.period, compliance: self.compliance, volume: self.volume)
    }
}

extension RequestRepository {
    /// Requests of agreement `code` opened in `period`, in the organisation's zone (as stored at import).
    public func volume(agreement code: String, period: Period) async throws -> Int {
        guard let id = try await self.db.first("SELECT id FROM agreements WHERE code = \(code)").map({ try $0.decode(Int64.self) }) else { return 0 }
        if RequestTallyReading.isEnabled,
            let counted = try await self.db.first(
                """
                SELECT (SELECT CAST(COALESCE(SUM(t.requests), 0) AS BIGINT) FROM request_tallies t WHERE t.agreement_id = b.agreement_id
                AND t.commitment = '' AND t.month >= \(period.months.first!.description) AND t.month <= \(period.months.last!.description))
                FROM request_tally_bases b WHERE b.agreement_id = \(id)
                """
            )
        {
            return try counted.decode(Int.self)
        }
        return try await self.volume(agreementID: id, period: period)
    }

    /// Requests of agreement `id` opened in `period`, in the organisation's zone (as stored at import).
    func volume(agreementID id: Int64, period: Period) async throws -> Int {
        // The instants a day either side of the period's UTC days hold its local days in any zone:
        // the index on (agreement, opened_at) narrows the rows to those, `opened_on` decides.
        let utc = period.instants(in: TimeZone(identifier: "UTC")!)
        return try await self.db.count(
            """
            SELECT COUNT(*) FROM requests WHERE agreement_id = \(id)
            AND opened_at >= \(Self.date(utc.start - 86_400)) AND opened_at < \(Self.date(utc.end + 86_400))
            AND opened_on >= \(period.first) AND opened_on <= \(period.last)
            AND priority <> \(FollowUp.priority)
            """,
            as: Int.self
        )
    }
}

extension Repositories {
    /// `transform` applied to each of `items`, the results in their order: several at once (at
    /// most `width`) over the database's pool, whose reads then overlap; one after the other
    /// inside a transaction, which has one connection.
    func concurrently<Item: Sendable, Result: Sendable>(
        _ items: [Item],
        width: Int = 4,
        _ transform: @escaping @Sendable (Item) async throws -> Result
    ) async throws -> [Result] {
        guard !(self.executor is any OpenTransaction), items.count > 1 else {
            var results: [Result] = []
            for item in items { results.append(try await transform(item)) }
            return results
        }
        return try await withThrowingTaskGroup(of: (Int, Result).self) { group in
            var results: [Result?] = Array(repeating: nil, count: items.count)
            var next = 0
            while next < min(width, items.count) {
                let index = next
                group.addTask { (index, try await transform(items[index])) }
                next += 1
            }
            while let (index, result) = try await group.next() {
                results[index] = result
                if next < items.count {
                    let index = next
                    group.addTask { (index, try await transform(items[index])) }
                    next += 1
                }
            }
            return results.map { $0! }
        }
    }

}
