import Foundation
import PactaCore

/// A change to an agreement's figures for a month that had already ended: when, why and by whom.
/// A closed period's figures change only so, and the change is shown with them.
public struct FigureChange: Sendable, Hashable {
    public enum Cause: String, Sendable, Hashable, Codable, CaseIterable {
        /// Requests of the month arrived, changed, or moved to or from the agreement.
        case requests
        /// A revision was signed: every period is measured on its terms.
        case revision
        /// A value of a `manual` commitment was entered.
        case manualValue = "manual_value"
        /// Survey answers were imported, or the campaign rating the month closed.
        case surveyAnswers = "survey_answers"
    }

    public var month: Period
    public var changedAt: Date
    public var cause: Cause
    /// Who did it (a username).
    public var actor: String
    /// What changed: a version, a commitment, a campaign; empty for requests.
    public var detail: String

    /// `changes` newest first, one for each event: a change recorded for several months of a
    /// quarter is one change to the quarter.
    static func newestFirst(_ changes: [FigureChange]) -> [FigureChange] {
        var seen: Set<[String]> = []
        return changes.sorted { $0.changedAt > $1.changedAt }.filter {
            seen.insert(["\($0.changedAt.timeIntervalSince1970)", $0.cause.rawValue, $0.actor, $0.detail]).inserted
        }
    }
}

/// Why figures are about to change, for the months that had ended by `today`.
struct FigureChangeReason: Sendable {
    var cause: FigureChange.Cause
    var actor: String
    var detail = ""
    var instant: Date
    var today: LocalDate
    /// The agreement whose revision was signed: every month of it changes.
    var revised: Int64? = nil
}

/// The record of changes to closed months' figures.
public struct FigureChangeRepository: Sendable {
    let db: any DatabaseExecutor

    /// Records `reason` for the months of agreement `id` among `months` that had ended.
    func record(agreement id: Int64, months: some Sequence<Period>, _ reason: FigureChangeReason) async throws {
        let closed = Set(months).filter { $0.last < reason.today }.sorted()
        guard !closed.isEmpty else { return }
        try await self.db.insert(
            into: "figure_changes",
            columns: ["agreement_id", "month", "changed_at", "cause", "actor", "detail"],
            rows: closed.map {
                [
                    .integer(id), .text($0.description), .instant(reason.instant), .text(reason.cause.rawValue), .text(reason.actor),
                    .text(reason.detail),
                ]
            }
        )
    }

    /// Changes to agreement `code`'s figures, by month, newest first within each.
    public func list(agreement code: String) async throws -> [Period: [FigureChange]] {
        let rows = try await self.db.query(
            """
            SELECT f.month, f.changed_at, f.cause, f.actor, f.detail
            FROM figure_changes f JOIN agreements a ON a.id = f.agreement_id
            WHERE a.code = \(code) ORDER BY f.changed_at DESC, f.id DESC
            """
        )
        return Dictionary(grouping: try rows.map { try Self.change($0) }, by: \.month)
    }

    /// Changes to every agreement's figures for months within `span`, by agreement code and month.
    public func list(within span: ReportSpan) async throws -> [String: [Period: [FigureChange]]] {
        let rows = try await self.db.query(
            """
            SELECT a.code, f.month, f.changed_at, f.cause, f.actor, f.detail
            FROM figure_changes f JOIN agreements a ON a.id = f.agreement_id
            WHERE f.month >= \(Self.month(span.first)) AND f.month <= \(Self.month(span.last))
            ORDER BY f.changed_at DESC, f.id DESC
            """
        )
        var changes: [String: [Period: [FigureChange]]] = [:]
        for row in rows {
            let code = try row.decode(String.self)
            let change = try Self.change(row.dropFirst(1))
            changes[code, default: [:]][change.month, default: []].append(change)
        }
        return changes
    }

    private static func month(_ day: LocalDate) -> String {
        Period.containing(day, cadence: .monthly).description
    }

    private static func change(_ row: DatabaseRow) throws -> FigureChange {
        let (month, changedAt, cause, actor, detail) = try row.decode((Period, Date, FigureChange.Cause, String, String).self)
        return FigureChange(month: month, changedAt: changedAt, cause: cause, actor: actor, detail: detail)
    }
}

extension Repositories {
    public var figureChanges: FigureChangeRepository { FigureChangeRepository(db: self.executor) }
}

extension FigureChange.Cause: DatabaseValueConvertible {}
