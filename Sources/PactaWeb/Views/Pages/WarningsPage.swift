import Foundation
import PactaCore
import PactaStore

/// Open requests about to breach a time commitment, most urgent first, for one unit or all.
struct WarningsPage: PageModel {
    static let template = Template.warnings

    struct Row: Sendable {
        var agreement: String
        var agreementHref: String
        var agreementTitle: String
        var commitment: String
        var commitmentName: String
        var externalRef: String
        var href: String
        var priority: String
        var openedAt: String
        var elapsed: String
        var target: String
        var dueAt: String
        /// `82 %` of the target consumed.
        var ratio: String
        var breached: Bool
    }

    struct Option: Sendable {
        var code: String
        var name: String
        var selected: Bool
    }

    var rows: [Row]
    var threshold: String
    var units: [Option]
    var allSelected: Bool
    /// What an empty list says: nothing anywhere, or nothing for the unit chosen.
    var emptyTitle: String
    /// The link to every unit's warnings, when one unit is chosen.
    var allUnitsHref: String?

    /// The unit shown by default: a person's own unit, or every unit for those who oversee the
    /// whole organisation (administrators and management).
    static func defaultUnit(role: Role, unit: String) -> String {
        role == .admin || role == .viewer ? "" : unit
    }

    /// - Parameter unit: the unit whose warnings are shown; empty for all.
    init(_ warnings: [AgreementWarning], unit: String, units: [OrgUnit], threshold: Double, messages: Messages, timeZone: TimeZone) {
        self.rows = warnings.map { item in
            let warning = item.warning
            return Row(
                agreement: item.agreement,
                agreementHref: "/agreements/\(item.agreement)",
                agreementTitle: item.agreementTitle,
                commitment: warning.commitment,
                commitmentName: item.commitmentName,
                externalRef: warning.request.externalRef,
                href: RequestsWebController.href(provider: warning.request.provider, externalRef: warning.request.externalRef),
                priority: warning.request.priority,
                openedAt: Format.instant(warning.request.openedAt, in: timeZone),
                elapsed: Format.duration(warning.elapsed),
                target: Format.duration(warning.target),
                dueAt: warning.dueAt.map { Format.instant($0, in: timeZone) } ?? "—",
                ratio: "\(Int((warning.ratio * 100).rounded())) %",
                breached: warning.isBreached
            )
        }
        self.threshold = "\(Int((threshold * 100).rounded())) %"
        self.units = units.map { Option(code: $0.code, name: $0.name, selected: $0.code == unit) }
        self.allSelected = unit.isEmpty
        let name = units.first { $0.code == unit }.map { "\($0.name) (\($0.code))" } ?? unit
        self.emptyTitle =
            unit.isEmpty
            ? messages.text("warnings.empty", or: "")
            : messages.text("warnings.empty_unit", or: "{unit}").replacingOccurrences(of: "{unit}", with: name)
        self.allUnitsHref = unit.isEmpty ? nil : "/warnings?unit="
    }
}
