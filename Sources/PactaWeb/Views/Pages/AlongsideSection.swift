import Foundation
import PactaApp
import PactaCore

/// The dashboard's section setting each provider's compliance next to the NPS of what it supports:
/// a row per provider with the correlation over the periods shown, and for the provider chosen a
/// paired chart of both series.
struct AlongsideSection: Sendable {
    struct Row: Sendable {
        var unit: String
        var name: String
        var supports: String
        var compliance: String
        var nps: NPSPage.Figure
        /// `0,62 (n = 11)`, or why there is none.
        var correlation: String
        var correlationShown: Bool
        var href: String
        var selected: Bool
    }

    var rows: [Row]
    var chartTitle: String?
    var chart: String?

    init?(_ alongside: [Alongside], selected: String?, query: String, transactionNames: [String: String], messages: Messages) {
        guard !alongside.isEmpty else { return nil }
        self.rows = alongside.map { provider in
            let last = provider.points.last
            let correlation: String
            let shown = provider.correlation?.isShown ?? false
            if let value = provider.correlation, shown {
                correlation = "\(messages.number((value.coefficient * 100).rounded() / 100)) (n = \(value.n))"
            } else {
                correlation = messages.text("dashboard.alongside.too_few", or: "—")
                    .replacingOccurrences(of: "{n}", with: String(provider.pairedPeriods))
                    .replacingOccurrences(of: "{minimum}", with: String(Correlation.minimumPeriods))
            }
            return Row(
                unit: provider.unit,
                name: provider.name,
                supports: provider.lines.map { line in
                    [
                        line.channel.isEmpty ? nil : NPSPage.channel(line.channel, messages: messages),
                        line.transaction.isEmpty ? nil : transactionNames[line.transaction] ?? line.transaction,
                    ]
                    .compactMap { $0 }.joined(separator: " · ")
                }.joined(separator: ", "),
                compliance: last?.compliance.map { messages.percent($0 / 100) } ?? "—",
                nps: NPSPage.figure(last?.nps ?? NPSFigure(NPSTally(), minimumAnswers: 1), messages: messages),
                correlation: correlation,
                correlationShown: shown,
                href: "/dashboard?\(query)&provider=\(provider.unit)#alongside-title",
                selected: provider.unit == selected
            )
        }
        let chosen = alongside.first { $0.unit == selected }
        self.chartTitle = chosen.map { "\($0.name) (\($0.unit))" }
        self.chart = chosen.map {
            Self.chart(
                $0.points,
                labels: (messages.text("dashboard.alongside.compliance", or: "Compliance"), messages.text("dashboard.alongside.nps", or: "NPS"))
            )
        }
    }

    /// Compliance (0–100, left scale) and NPS (−100…100, right scale) period by period; an NPS
    /// below the minimum `n` is a hollow point. Drawn from numbers only.
    static func chart(_ points: [Alongside.Point], labels: (compliance: String, nps: String)) -> String {
        let (width, height, left, right, bottom) = (640, 200, 40, 44, 24)
        let step = points.count > 1 ? Double(width - left - right - 24) / Double(points.count - 1) : 0
        func x(_ index: Int) -> Double { Double(left) + 12 + Double(index) * step }
        let plot = Double(height - bottom - 10)
        func yCompliance(_ value: Double) -> Double { Double(height - bottom) - value / 100 * plot }
        // The NPS scale fits its values, in steps of 25 within −100…100, at least 50 points high.
        let values = points.compactMap(\.nps.nps)
        var low = max(-100, (((values.min() ?? 0) - 10) / 25).rounded(.down) * 25)
        var high = min(100, (((values.max() ?? 50) + 10) / 25).rounded(.up) * 25)
        if high - low < 50 {
            high = min(100, low + 50)
            low = high - 50
        }
        func yNPS(_ value: Double) -> Double { Double(height - bottom) - (value - low) / (high - low) * plot }
        func number(_ value: Double) -> String { String(format: "%.1f", value) }
        var svg = "<svg class=\"trend-chart\" viewBox=\"0 0 \(width) \(height)\" role=\"img\" aria-label=\"\(labels.compliance) · \(labels.nps)\">"
        for tick in [0.0, 50, 100] {
            svg +=
                "<line x1=\"\(left)\" x2=\"\(width - right)\" y1=\"\(number(yCompliance(tick)))\" y2=\"\(number(yCompliance(tick)))\" stroke=\"#d3d8df\" stroke-width=\"1\"/>"
            svg +=
                "<text x=\"\(left - 4)\" y=\"\(number(yCompliance(tick) + 4))\" text-anchor=\"end\" font-size=\"10\" fill=\"#1f4f86\">\(Int(tick))</text>"
            let nps = low + (high - low) * tick / 100
            svg += "<text x=\"\(width - right + 4)\" y=\"\(number(yNPS(nps) + 4))\" font-size=\"10\" fill=\"#1d6b3a\">\(Int(nps.rounded()))</text>"
        }
        var compliancePath: [String] = []
        var npsPath: [String] = []
        for (index, point) in points.enumerated() {
            let year = index == 0 || points[index - 1].period.prefix(4) != point.period.prefix(4)
            svg +=
                "<text x=\"\(number(x(index)))\" y=\"\(height - 6)\" text-anchor=\"middle\" font-size=\"10\" fill=\"#4a5261\">\(year ? point.period : String(point.period.dropFirst(5)))</text>"
            if let value = point.compliance {
                compliancePath.append("\(number(x(index))),\(number(yCompliance(value)))")
                svg += "<circle cx=\"\(number(x(index)))\" cy=\"\(number(yCompliance(value)))\" r=\"3.5\" fill=\"#1f4f86\"/>"
            }
            if let value = point.nps.nps {
                npsPath.append("\(number(x(index))),\(number(yNPS(value)))")
                let fill = point.nps.ranked ? "#1d6b3a" : "#ffffff"
                svg +=
                    "<rect x=\"\(number(x(index) - 3.5))\" y=\"\(number(yNPS(value) - 3.5))\" width=\"7\" height=\"7\" fill=\"\(fill)\" stroke=\"#1d6b3a\" stroke-width=\"1.5\"/>"
            }
        }
        svg += "<polyline points=\"\(compliancePath.joined(separator: " "))\" fill=\"none\" stroke=\"#1f4f86\" stroke-width=\"2\"/>"
        svg += "<polyline points=\"\(npsPath.joined(separator: " "))\" fill=\"none\" stroke=\"#1d6b3a\" stroke-width=\"2\" stroke-dasharray=\"5 3\"/>"
        return svg + "</svg>"
    }
}
