import Foundation
import PactaCore

/// A value entered by a manager for a `manual` commitment and period.
public struct ManualValue: Sendable, Hashable {
    public var commitment: String
    public var period: Period
    public var value: Double
    /// What the value rests on: a report, a minute, a link.
    public var evidence: String
    public var enteredBy: String
    public var enteredAt: Date
}

/// Values of `manual` commitments; entering one again for the same period replaces it. The
/// provider measures itself: a manager enters values only for agreements their unit (or one
/// below it) provides.
public struct ManualValueRepository: Sendable {
    let db: any DatabaseExecutor

    /// Records `value` for commitment `key` of agreement `code` in `period`; for a period ended
    /// by `today`, the change to its figures is recorded too.
    public func set(
        agreement code: String,
        commitment key: String,
        period: Period,
        value: Double,
        evidence: String,
        by actor: Actor,
        at instant: Date,
        today: LocalDate
    ) async throws {
        var validator = Validator()
        validator.check(value.isFinite, "value", "invalid_number", "The value must be a number.")
        validator.check(!evidence.trimmed.isEmpty, "evidence", "required", "Say what the value rests on.")
        validator.limit(evidence, TextLimit.text, "evidence")
        try validator.finish()
        try await self.db.transaction { db in
            let tree = try await UnitRepository(db: db).tree()
            guard let loaded = try await AgreementRepository(db: db).load(code, lock: false), loaded.isVisible(to: actor, in: tree) else {
                throw NotFoundError("agreement", code)
            }
            let (id, agreement) = (loaded.id, loaded.agreement)
            guard actor.reaches(agreement.terms.provider, in: tree) else {
                throw ScopeError(
                    "Values of agreement \(code) are entered by its provider, \(agreement.terms.provider); \(actor.username) acts for \(actor.unit)."
                )
            }
            guard let commitment = agreement.terms.commitments.first(where: { $0.key == key }) else {
                throw ValidationError(field: "commitment", code: "unknown_commitment", message: "Agreement \(code) has no commitment \(key).")
            }
            guard commitment.metric == .manual else {
                throw ValidationError(
                    field: "commitment",
                    code: "not_manual",
                    message: "Commitment \(key) is measured from \(commitment.metric.kind == .hard ? "requests" : "surveys"), not entered by hand."
                )
            }
            try await db.execute(
                """
                INSERT INTO manual_values (agreement_id, commitment, period, value, evidence, entered_by, entered_at)
                VALUES (\(id), \(key), \(period.description), \(value), \(evidence.trimmed), \(actor.username), \(instant))
                ON CONFLICT (agreement_id, commitment, period) DO UPDATE SET value = excluded.value,
                evidence = excluded.evidence, entered_by = excluded.entered_by, entered_at = excluded.entered_at
                """
            )
            try await FigureChangeRepository(db: db).record(
                agreement: id,
                months: period.months,
                FigureChangeReason(cause: .manualValue, actor: actor.username, detail: key, instant: instant, today: today)
            )
        }
    }

    /// The values entered for agreement `code` in `period`, by commitment key.
    public func values(agreement code: String, period: Period) async throws -> [String: ManualValue] {
        let rows = try await self.db.query(
            """
            SELECT m.commitment, m.value, m.evidence, m.entered_by, m.entered_at
            FROM manual_values m JOIN agreements a ON a.id = m.agreement_id
            WHERE a.code = \(code) AND m.period = \(period.description)
            """
        )
        var result: [String: ManualValue] = [:]
        for row in rows {
            let (commitment, number, evidence, enteredBy, enteredAt) = try row.decode((String, Double, String, String, Date).self)
            let value = ManualValue(
                commitment: commitment,
                period: period,
                value: number,
                evidence: evidence,
                enteredBy: enteredBy,
                enteredAt: enteredAt
            )
            result[value.commitment] = value
        }
        return result
    }
}
