import Foundation
import PactaCore
import PactaStore

/// Management's dashboard for a period: the organisation's compliance and its agreements by
/// status, the ranking of providers, the provider × client heatmap, the trend over the last
/// periods, and, for a provider chosen, its agreements. Every figure links to what it is made of.
struct DashboardPage: PageModel {
    static let template = Template.dashboard

    /// A figure in words: its status badge and its score.
    struct Figure: Sendable {
        var statusLabel: String
        var statusClass: String
        /// `87,5 %`, or `—` without data.
        var score: String
        /// 0–100, for the width of a bar.
        var bar: Int
    }

    struct StatusCount: Sendable {
        var label: String
        var statusClass: String
        var count: Int
    }

    struct RankRow: Sendable {
        var rank: Int?
        var code: String
        var name: String
        var figure: Figure
        var volume: Int
        var agreements: Int
        var noData: Int
        var href: String
        var selected: Bool
    }

    struct HeatCell: Sendable {
        /// False where the provider serves no agreement to the client in the period.
        var present: Bool
        var figure: Figure
        var href: String
        /// `TI → CRED: 87,5 %`, for the cell's title and screen readers.
        var label: String
    }

    struct HeatRow: Sendable {
        var code: String
        var name: String
        var cells: [HeatCell]
    }

    struct AgreementRow: Sendable {
        var code: String
        var title: String
        var clientName: String
        var period: String
        var figure: Figure
        var volume: Int
        var noData: String
        var href: String
    }

    struct TrendPoint: Sendable {
        var period: String
        var href: String
        var figure: Figure
    }

    var period: String
    var isMonth: Bool
    var isQuarter: Bool
    var isYear: Bool
    var monthHref: String
    var quarterHref: String
    var yearHref: String
    var previousHref: String?
    var nextHref: String?
    var provisional: Bool
    /// When the figures were evaluated, in the organisation's zone.
    var evaluatedAt: String
    var organisation: Figure
    var organisationVolume: Int
    var counts: [StatusCount]
    var providers: [RankRow]
    /// How well each client unit is served.
    var clientRanking: [RankRow]
    var clients: [String]
    var heatmap: [HeatRow]
    var hasAgreements: Bool
    /// The provider (or client) drilled into, and its agreements.
    var selectedName: String?
    /// `Acuerdos de`, `Acuerdos que recibe`.
    var selectionTitle: String
    /// The other side's column heading.
    var otherSide: String
    var selectedAgreements: [AgreementRow]
    var trend: [TrendPoint]
    var trendChart: String
    var csvProviders: String
    var csvClients: String
    var csvAgreements: String
    var jsonHref: String
    var thresholdsNote: String
    /// Each provider's compliance next to the NPS of what it supports; nil without a support map.
    var alongside: AlongsideSection?

    init(
        _ overview: ComplianceOverview,
        trend: [(ReportSpan, UnitCompliance)],
        provider selected: String?,
        client selectedClient: String? = nil,
        today: LocalDate,
        evaluatedAt: Date,
        timeZone: TimeZone,
        thresholds: ComplianceThresholds,
        messages: Messages
    ) {
        let period = overview.period
        let query = "period=\(period)"
        func figure(_ status: ComplianceStatus, _ score: Double?) -> Figure {
            let badge = ComplianceBadge(status, score: score, messages: messages)
            return Figure(statusLabel: badge.statusLabel, statusClass: badge.statusClass, score: badge.score, bar: Int((score ?? 0).rounded()))
        }
        self.period = period.description
        let shown: Period? = if case .period(let shown) = period { shown } else { nil }
        self.isMonth = shown.map { !$0.isQuarter } ?? false
        self.isQuarter = shown?.isQuarter ?? false
        self.isYear = period.isYear
        // Another length keeps to the span shown: its month or quarter holding today, or its last.
        let within = min(max(today, period.first), period.last)
        self.monthHref = "/dashboard?period=\(self.isMonth ? period.description : Period.containing(within, cadence: .monthly).description)"
        self.quarterHref = "/dashboard?period=\(self.isQuarter ? period.description : Period.containing(within, cadence: .quarterly).description)"
        self.yearHref = "/dashboard?period=\(period.first.year)"
        self.previousHref = period.advanced(by: -1).map { "/dashboard?period=\($0)" }
        self.nextHref = period.advanced(by: 1).flatMap { $0.first <= today ? "/dashboard?period=\($0)" : nil }
        self.provisional = overview.provisional
        self.evaluatedAt = Format.instant(evaluatedAt, in: timeZone)
        self.organisation = figure(overview.organisation.status, overview.organisation.score)
        self.organisationVolume = overview.organisation.volume
        let counts = overview.statusCounts
        self.counts = ComplianceStatus.allCases.map { status in
            StatusCount(
                label: ComplianceBadge.label(status, messages: messages),
                statusClass: ComplianceBadge.cssClass(status),
                count: counts[status, default: 0]
            )
        }
        func ranking(_ rows: [ComplianceOverview.UnitRow], side: String, selected: String?) -> [RankRow] {
            var rank = 0
            return rows.map { row in
                let scored = row.compliance.score != nil
                if scored { rank += 1 }
                return RankRow(
                    rank: scored ? rank : nil,
                    code: row.unit,
                    name: row.name,
                    figure: figure(row.compliance.status, row.compliance.score),
                    volume: row.compliance.volume,
                    agreements: row.compliance.parts.count,
                    noData: row.compliance.parts.filter { $0.compliance.status == .noData }.count,
                    href: "/dashboard?\(query)&\(side)=\(row.unit)#selection",
                    selected: row.unit == selected
                )
            }
        }
        self.providers = ranking(overview.providers, side: "provider", selected: selected)
        self.clientRanking = ranking(overview.clients, side: "client", selected: selectedClient)
        let clients = overview.clients.map(\.unit).sorted()
        self.clients = clients
        let names = Dictionary(overview.agreements.map { ($0.client, $0.clientName) }, uniquingKeysWith: { first, _ in first })
        self.heatmap = overview.providers.map { provider in
            let own = overview.agreements.filter { $0.provider == provider.unit }
            return HeatRow(
                code: provider.unit,
                name: provider.name,
                cells: clients.map { client in
                    let parts = own.filter { $0.client == client }
                    guard !parts.isEmpty else {
                        return HeatCell(present: false, figure: figure(.noData, nil), href: "", label: "")
                    }
                    let compliance = UnitCompliance(
                        parts.map { UnitCompliance.Part(agreement: $0.agreement, period: $0.period, compliance: $0.compliance, volume: $0.volume) },
                        thresholds: thresholds
                    )
                    let shown = figure(compliance.status, compliance.score)
                    let agreements = Set(parts.map(\.agreement))
                    return HeatCell(
                        present: true,
                        figure: shown,
                        href: agreements.count == 1
                            ? "/agreements/\(parts[0].agreement)#compliance-title" : "/dashboard?\(query)&provider=\(provider.unit)#selection",
                        label: "\(provider.unit) → \(names[client] ?? client): \(shown.score) (\(shown.statusLabel))"
                    )
                }
            )
        }
        self.hasAgreements = !overview.agreements.isEmpty
        let chosenProvider = selected.flatMap { code in overview.providers.first { $0.unit == code } }
        let chosenClient = chosenProvider == nil ? selectedClient.flatMap { code in overview.clients.first { $0.unit == code } } : nil
        let chosen = chosenProvider ?? chosenClient
        self.selectedName = chosen.map { "\($0.name) (\($0.unit))" }
        self.selectionTitle = messages.text(chosenClient == nil ? "dashboard.provider_title" : "dashboard.client_title", or: "")
        self.selectedAgreements = overview.agreements.filter {
            (chosenProvider != nil && $0.provider == chosenProvider?.unit) || (chosenClient != nil && $0.client == chosenClient?.unit)
        }.map { part in
            AgreementRow(
                code: part.agreement,
                title: part.title,
                clientName: chosenClient == nil ? part.clientName : part.providerName,
                period: part.period.description,
                figure: figure(part.compliance.status, part.compliance.score),
                volume: part.volume,
                noData: part.compliance.withoutData.joined(separator: ", "),
                href: "/agreements/\(part.agreement)/indicators?period=\(part.period)"
            )
        }
        self.otherSide = messages.text(chosenClient == nil ? "dashboard.client" : "dashboard.provider", or: "")
        self.trend = trend.map { period, compliance in
            TrendPoint(period: period.description, href: "/dashboard?period=\(period)", figure: figure(compliance.status, compliance.score))
        }
        self.trendChart = Self.chart(trend, thresholds: thresholds, label: messages.text("dashboard.trend_label", or: "trend"))
        self.csvProviders = "/dashboard.csv?\(query)&by=provider"
        self.csvClients = "/dashboard.csv?\(query)&by=client"
        self.csvAgreements = "/dashboard.csv?\(query)&by=agreement"
        self.jsonHref = "/dashboard.json?\(query)"
        self.alongside = nil
        self.thresholdsNote = messages.text("dashboard.thresholds", or: "")
            .replacingOccurrences(of: "{compliant}", with: messages.number(thresholds.compliant))
            .replacingOccurrences(of: "{at_risk}", with: messages.number(thresholds.atRisk))
    }

    /// The organisation's score period by period as a line over bands for the statuses; periods
    /// without data leave a gap. Drawn from numbers only.
    static func chart(_ trend: [(ReportSpan, UnitCompliance)], thresholds: ComplianceThresholds, label: String) -> String {
        let (width, height, left, bottom) = (640, 180, 36, 24)
        // Room either side for the labels under the first and last points.
        let step = trend.count > 1 ? Double(width - left - 48) / Double(trend.count - 1) : 0
        func y(_ score: Double) -> Double { Double(height - bottom) - score / 100 * Double(height - bottom - 8) }
        func number(_ value: Double) -> String { String(format: "%.1f", value) }
        var svg = "<svg class=\"trend-chart\" viewBox=\"0 0 \(width) \(height)\" role=\"img\" aria-label=\"\(label)\">"
        // Bands: breached below at-risk, at risk below compliant.
        svg +=
            "<rect x=\"\(left)\" y=\"\(number(y(thresholds.atRisk)))\" width=\"\(width - left)\" height=\"\(number(y(0) - y(thresholds.atRisk)))\" fill=\"#fdf1f0\"/>"
        svg +=
            "<rect x=\"\(left)\" y=\"\(number(y(thresholds.compliant)))\" width=\"\(width - left)\" height=\"\(number(y(thresholds.atRisk) - y(thresholds.compliant)))\" fill=\"#fff8e6\"/>"
        for tick in [0, 50, 80, 100] {
            svg +=
                "<line x1=\"\(left)\" x2=\"\(width)\" y1=\"\(number(y(Double(tick))))\" y2=\"\(number(y(Double(tick))))\" stroke=\"#d3d8df\" stroke-width=\"1\"/>"
            svg += "<text x=\"\(left - 4)\" y=\"\(number(y(Double(tick)) + 4))\" text-anchor=\"end\" font-size=\"10\" fill=\"#4a5261\">\(tick)</text>"
        }
        var path = ""
        for (index, point) in trend.enumerated() {
            let x = Double(left) + 24 + Double(index) * step
            // The year only where it changes, so that twelve labels fit: 2026-01, 02, 03…
            let year = index == 0 || trend[index - 1].0.first.year != point.0.first.year
            let text = year ? point.0.description : String(point.0.description.dropFirst(5))
            svg += "<text x=\"\(number(x))\" y=\"\(height - 6)\" text-anchor=\"middle\" font-size=\"10\" fill=\"#4a5261\">\(text)</text>"
            guard let score = point.1.score else {
                path += " "
                continue
            }
            path += (path.isEmpty || path.hasSuffix(" ") ? "M" : "L") + "\(number(x)),\(number(y(score)))"
            svg += "<circle cx=\"\(number(x))\" cy=\"\(number(y(score)))\" r=\"3.5\" fill=\"#1f4f86\"/>"
        }
        let segments = path.split(separator: " ").filter { !$0.isEmpty }
        for segment in segments { svg += "<path d=\"\(segment)\" fill=\"none\" stroke=\"#1f4f86\" stroke-width=\"2\"/>" }
        return svg + "</svg>"
    }
}
