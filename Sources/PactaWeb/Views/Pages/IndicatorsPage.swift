import Foundation
import PactaCore
import PactaStore

/// The hard indicators of one agreement in one period: what each commitment measured, the
/// manual values, and the requests behind them a page at a time.
struct IndicatorsPage: PageModel {
    static let template = Template.agreementIndicators
    /// Audit lines shown per page; the CSV has them all.
    static let linesPerPage = 200

    struct Measurement: Sendable {
        var key: String
        var name: String
        var metricLabel: String
        var requests: Int
        var met: Int
        var missed: Int
        var pending: Int
        /// The requests behind each count, listed (nil for a count of none).
        var metHref: String?
        var missedHref: String?
        var pendingHref: String?
        /// `85,2 %`, `5 h 07 min`, `—` without data.
        var value: String
        var target: String
        var statusLabel: String
        var statusClass: String
        var isManual: Bool
        /// Who entered the manual value and on what evidence; empty otherwise.
        var evidence: String
    }

    struct SoftRow: Sendable {
        var key: String
        var name: String
        var metricLabel: String
        var responses: Int
        /// `72,5`, `+30,0`; `—` without data.
        var value: String
        var target: String
        var statusLabel: String
        var statusClass: String
        /// Why there is no value: no campaign, or fewer than k answers.
        var note: String?
    }

    struct Line: Sendable {
        var externalRef: String
        var href: String
        var commitment: String
        var priority: String
        var openedAt: String
        var businessTime: String
        var outcomeLabel: String
        var outcomeClass: String
    }

    var code: String
    var agreementTitle: String
    var agreementHref: String
    var period: String
    var picker: PeriodPicker
    var csvHref: String
    var evaluatedAt: String
    var measurements: [Measurement]
    /// The manual commitments, entered from the page.
    var manual: [Measurement]
    /// The soft commitments, from the period's survey.
    var soft: [SoftRow]
    /// The results of the campaign the soft commitments are measured from.
    var campaignHref: String?
    var campaign: String?
    /// The commitment rows as CSV, hard and soft.
    var commitmentsCSVHref: String
    var manualAction: String
    var lines: [Line]
    /// Nil when every line fits on one page.
    var pager: Pager?

    /// - Parameters:
    ///   - page: the audit page asked for (from 1), clamped to those there are.
    ///   - periodError: why the period asked for was not understood; the page shows `report`'s.
    init(
        _ report: HardIndicatorReport,
        page: Int,
        today: LocalDate,
        periodError: String? = nil,
        messages: Messages,
        timeZone: TimeZone
    ) {
        let code = report.agreement
        let views = AgreementViews(messages: messages, timeZone: timeZone)
        let commitments = Dictionary(uniqueKeysWithValues: report.terms.commitments.map { ($0.key, $0) })
        self.code = code
        self.agreementTitle = report.terms.title
        self.agreementHref = "/agreements/\(code)"
        self.period = report.period.description
        self.picker = PeriodPicker(
            showing: report.period,
            cadence: report.terms.cadence,
            validity: (report.terms.validFrom, report.terms.validTo),
            today: today,
            action: "/agreements/\(code)/indicators",
            error: periodError
        )
        self.csvHref = "/agreements/\(code)/indicators.csv?period=\(report.period)"
        self.evaluatedAt = Format.instant(report.evaluatedAt, in: timeZone)
        self.measurements = report.measurements.map { measurement in
            let commitment = commitments[measurement.commitment]
            func requestsHref(_ outcome: Outcome, count: Int) -> String? {
                guard count > 0, commitment?.metric.hasGoal == true else { return nil }
                return "/requests?agreement=\(code)&period=\(report.period)&commitment=\(measurement.commitment)&outcome=\(outcome.rawValue)"
            }
            return Measurement(
                key: measurement.commitment,
                name: commitment?.name ?? "",
                metricLabel: messages.text("metrics.\(measurement.metric.rawValue)", or: measurement.metric.rawValue),
                requests: measurement.requests,
                met: measurement.met,
                missed: measurement.missed,
                pending: measurement.pending,
                metHref: requestsHref(.met, count: measurement.met),
                missedHref: requestsHref(.missed, count: measurement.missed),
                pendingHref: requestsHref(.pending, count: measurement.pending),
                value: Self.format(measurement.value, metric: measurement.metric, messages: messages),
                target: commitment.map { views.commitment($0).goalAndTarget } ?? "",
                statusLabel: messages.text("indicators.statuses.\(measurement.status.rawValue)", or: measurement.status.rawValue),
                statusClass: Badge.of(measurement.status),
                isManual: measurement.metric == .manual,
                evidence: report.manualValues[measurement.commitment].map { "\($0.evidence) — \($0.enteredBy)" } ?? ""
            )
        }
        self.manual = self.measurements.filter(\.isManual)
        self.commitmentsCSVHref = "/agreements/\(code)/indicators.csv?period=\(report.period)&rows=commitments"
        self.campaign = report.campaign
        self.campaignHref = report.campaign.map { "/campaigns/\($0)" }
        self.soft = report.soft.map { measurement in
            let commitment = commitments[measurement.commitment]
            let value = measurement.value.map { value in
                let text = messages.number((value * 10).rounded() / 10)
                return measurement.metric == .internalNPS && value > 0 ? "+" + text : text
            }
            return SoftRow(
                key: measurement.commitment,
                name: commitment?.name ?? "",
                metricLabel: messages.text("metrics.\(measurement.metric.rawValue)", or: measurement.metric.rawValue),
                responses: measurement.responses,
                value: value ?? "—",
                target: commitment.map { views.commitment($0).goalAndTarget } ?? "",
                statusLabel: messages.text("indicators.statuses.\(measurement.status.rawValue)", or: measurement.status.rawValue),
                statusClass: Badge.of(measurement.status),
                note: measurement.value != nil
                    ? nil : messages.text(measurement.responses > 0 ? "indicators.soft_few" : "indicators.soft_none", or: "")
            )
        }
        self.manualAction = "/agreements/\(code)/indicators/manual"

        let pages = max(1, (report.lines.count + Self.linesPerPage - 1) / Self.linesPerPage)
        let page = min(max(1, page), pages)
        let shown = report.lines.dropFirst((page - 1) * Self.linesPerPage).prefix(Self.linesPerPage)
        self.lines = shown.map { line in
            Line(
                externalRef: line.externalRef,
                href: RequestsWebController.href(provider: report.terms.provider, externalRef: line.externalRef),
                commitment: line.commitment,
                priority: line.priority,
                openedAt: Format.instant(line.openedAt, in: timeZone),
                businessTime: Format.duration(line.businessSeconds),
                outcomeLabel: messages.text("indicators.outcomes.\(line.outcome.rawValue)", or: line.outcome.rawValue),
                outcomeClass: Badge.of(line.outcome)
            )
        }
        func href(_ number: Int) -> String { "/agreements/\(code)/indicators?period=\(report.period)&page=\(number)" }
        self.pager = Pager(page: page, size: Self.linesPerPage, total: report.lines.count, shown: shown.count, href: href)
    }

    /// A share as a percentage, a count as is, business seconds as hours and minutes.
    static func format(_ value: Double?, metric: Metric, messages: Messages) -> String {
        guard let value else { return "—" }
        if metric.hasGoal { return messages.percent(value) }
        if metric.isBusinessTime { return Format.duration(Int64(value)) }
        return messages.number(value)
    }
}

/// Picks a review period of an agreement's cadence: a list of its periods in force up to the
/// current one, and the previous and next periods as links.
struct PeriodPicker: Sendable {
    struct Option: Sendable {
        var value: String
        var selected: Bool
    }

    var action: String
    var options: [Option]
    var previousHref: String?
    var previousLabel: String?
    var nextHref: String?
    var nextLabel: String?
    /// Why the period asked for was refused, shown next to the field.
    var error: String?

    /// The periods offered: those of the agreement's validity up to the current one (at most
    /// the last five years of them), and the one shown should it lie outside them.
    init(
        showing period: Period,
        cadence: Cadence,
        validity: (from: LocalDate, to: LocalDate),
        today: LocalDate,
        action: String,
        error: String?
    ) {
        let current = Period.containing(min(today, validity.to), cadence: cadence)
        let fiveYearsBefore = current.advanced(by: cadence == .monthly ? -59 : -19) ?? current
        let earliest = max(Period.containing(validity.from, cadence: cadence), fiveYearsBefore)
        var periods = earliest.through(current)
        if !periods.contains(period) { periods.append(period) }
        self.action = action
        self.options = periods.sorted().reversed().map { Option(value: $0.description, selected: $0 == period) }
        // Links go as far as there is something to measure: not before the agreement, not past today.
        let previous = period.advanced(by: -1).flatMap { $0.last >= validity.from ? $0 : nil }
        let next = period.advanced(by: 1).flatMap { $0.first <= min(today, validity.to) ? $0 : nil }
        self.previousHref = previous.map { "\(action)?period=\($0)" }
        self.previousLabel = previous?.description
        self.nextHref = next.map { "\(action)?period=\($0)" }
        self.nextLabel = next?.description
        self.error = error
    }
}
