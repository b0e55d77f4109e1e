import Foundation
import PactaApp
import PactaCore
import PactaStore

/// External NPS as management reads it, for one period and filter: the figure with its margin of
/// error and `n`, the trend with the margin as a band, channels, transaction types, the lowest and
/// highest touchpoints, those that fell most, and the latest detractors' comments. Groups below the
/// minimum `n` are greyed and never ranked; every row drills into the same page filtered.
struct NPSPage: PageModel {
    static let template = Template.nps

    /// An NPS figure in words.
    struct Figure: Sendable {
        /// `+32,4`, or `—` without answers.
        var nps: String
        /// `± 3,1`.
        var margin: String
        var n: Int
        /// Shares, `45,0 %`.
        var promoters: String
        var passives: String
        var detractors: String
        var ranked: Bool
        /// `nps-good`, `nps-mid`, `nps-bad`: the colour of the figure.
        var tone: String
    }

    struct Row: Sendable {
        var rank: Int?
        var key: String
        var name: String
        var channel: String
        var figure: Figure
        var href: String
        /// For fallers: `−12,5` and the previous figure.
        var change: String?
        var previous: Figure?
    }

    struct Option: Sendable {
        var value: String
        var label: String
        var selected: Bool
    }

    struct Link: Sendable {
        var label: String
        var href: String
        var current: Bool
    }

    struct Comment: Sendable {
        var answeredAt: String
        var score: Int
        var kindClass: String
        var touchpoint: String
        var channel: String
        var transaction: String
        var text: String
        var href: String
    }

    /// One table of groups, shown by the `nps-groups` partial.
    struct GroupTable: Sendable {
        var heading: String
        /// Whether rows show their code after their name (touchpoints).
        var showKey: Bool
        var showChannel: Bool
        /// Whether the promoters' and detractors' shares have columns (wide tables).
        var showShares: Bool
        var rows: [Row]
        var csvHref: String?
        /// What an empty table says instead.
        var emptyText: String
    }

    struct TrendRow: Sendable {
        var period: String
        var figure: Figure
        var href: String
    }

    var period: String
    /// Why the period asked for could not be read (this month is shown instead).
    var periodError: String?
    var granularities: [Link]
    var previousHref: String
    var nextHref: String?
    var channelOptions: [Option]
    var transactionOptions: [Option]
    var granularity: String
    var touchpoint: String?
    var touchpointName: String?
    var clearTouchpointHref: String
    var hasAnswers: Bool
    var total: Figure
    var previousPeriod: String
    /// `▲ 4,2 frente a 2026-10`; nil without figures to compare.
    var change: String?
    var changeClass: String
    var minimumNote: String
    var trendChart: String
    var trend: [TrendRow]
    var channelTable: GroupTable
    var transactionTable: GroupTable
    var lowestTable: GroupTable
    var highestTable: GroupTable
    /// Touchpoints with answers but fewer than the minimum; nil when none.
    var unranked: Int?
    var fallers: [Row]
    var comments: [Comment]
    var commentsHref: String
    var csvTouchpoints: String
    var csvTrend: String

    init(
        _ dashboard: NPSDashboard,
        comments: [NPSComment],
        touchpointName: String?,
        today: LocalDate,
        timeZone: TimeZone,
        messages: Messages
    ) {
        let period = dashboard.period
        let filter = dashboard.filter
        func query(period: NPSPeriod? = nil, channel: String?? = .none, transaction: String?? = .none, touchpoint: String?? = .none) -> String {
            var parts = ["period=\((period ?? dashboard.period).description)"]
            if let channel = channel ?? filter.channel { parts.append("channel=\(channel)") }
            if let transaction = transaction ?? filter.transaction { parts.append("transaction=\(transaction)") }
            if let touchpoint = touchpoint ?? filter.touchpoint { parts.append("touchpoint=\(PageRenderer.percentEncode(touchpoint))") }
            return parts.joined(separator: "&")
        }
        let figure = { (figure: NPSFigure) in Self.figure(figure, messages: messages) }
        self.period = period.description
        self.periodError = nil
        self.granularity = period.granularity.rawValue
        // Another length keeps to the period shown: the one holding its last day that has come.
        let within = min(period.last, today)
        self.granularities = NPSPeriod.Granularity.allCases.map { granularity in
            Link(
                label: messages.text("nps.granularity.\(granularity.rawValue)", or: granularity.rawValue),
                href: "/nps?" + query(period: granularity == period.granularity ? period : NPSPeriod(containing: within, granularity)),
                current: granularity == period.granularity
            )
        }
        self.previousHref = "/nps?" + query(period: period.advanced(by: -1))
        self.nextHref = period.advanced(by: 1).first <= today ? "/nps?" + query(period: period.advanced(by: 1)) : nil
        let channels = (Touchpoint.standardChannels + dashboard.channels.map(\.key)).reduce(into: [String]()) {
            if !$0.contains($1) { $0.append($1) }
        }
        self.channelOptions = channels.map { Option(value: $0, label: Self.channel($0, messages: messages), selected: $0 == filter.channel) }
        self.transactionOptions = dashboard.transactions.map { Option(value: $0.key, label: $0.name, selected: $0.key == filter.transaction) }
        if let chosen = filter.transaction, !self.transactionOptions.contains(where: { $0.value == chosen }) {
            self.transactionOptions.append(Option(value: chosen, label: chosen, selected: true))
        }
        self.touchpoint = filter.touchpoint
        self.touchpointName = touchpointName
        self.clearTouchpointHref = "/nps?" + query(touchpoint: .some(nil))
        self.hasAnswers = dashboard.total.n > 0
        self.total = figure(dashboard.total)
        self.previousPeriod = period.advanced(by: -1).description
        if let now = dashboard.total.nps, let then = dashboard.previous.nps {
            let delta = now - then
            self.change = messages.text(delta >= 0 ? "nps.change_up" : "nps.change_down", or: "{change} {period}")
                .replacingOccurrences(of: "{change}", with: messages.number((abs(delta) * 10).rounded() / 10))
                .replacingOccurrences(of: "{period}", with: self.previousPeriod)
            self.changeClass = delta >= 0 ? "change-up" : "change-down"
            // A change within the margin of the difference may be chance: said so, not coloured.
            if let margin = dashboard.total.tally.changeMargin(from: dashboard.previous.tally), abs(delta) <= margin {
                self.change! +=
                    " "
                    + messages.text("nps.change_within", or: "(± {margin})")
                    .replacingOccurrences(of: "{margin}", with: messages.number(margin.rounded()))
                self.changeClass = "change-flat"
            }
        } else {
            self.change = nil
            self.changeClass = ""
        }
        self.minimumNote = messages.text("nps.minimum_note", or: "").replacingOccurrences(of: "{n}", with: String(dashboard.minimumAnswers))
        self.trend = dashboard.trend.map { point in
            TrendRow(period: point.period, figure: figure(point.figure), href: "/nps?" + query(period: NPSPeriod(point.period)))
        }
        self.trendChart = Self.chart(dashboard.trend, label: messages.text("nps.trend_label", or: "NPS"))
        /// Rows for `groups`, ranked from `firstRank` (the ranked ones come first).
        func rows(_ groups: some Collection<NPSGroupRow>, firstRank: Int = 1, drill: (String) -> String) -> [Row] {
            var rank = firstRank - 1
            return groups.map { group in
                if group.figure.ranked { rank += 1 }
                return Row(
                    rank: group.figure.ranked ? rank : nil,
                    key: group.key,
                    name: group.name,
                    channel: group.channel.isEmpty ? "" : Self.channel(group.channel, messages: messages),
                    figure: figure(group.figure),
                    href: "/nps?" + drill(group.key)
                )
            }
        }
        let channelRows = rows(dashboard.channels) { query(channel: $0) }.map { row in
            var row = row
            row.name = Self.channel(row.key, messages: messages)
            row.channel = ""
            return row
        }
        let csv = "/nps.csv?" + query()
        self.channelTable = GroupTable(
            heading: messages.text("nps.channel", or: ""),
            showKey: false,
            showChannel: false,
            showShares: true,
            rows: channelRows,
            csvHref: csv + "&table=channel",
            emptyText: messages.text("nps.no_groups", or: "")
        )
        self.transactionTable = GroupTable(
            heading: messages.text("nps.transaction", or: ""),
            showKey: false,
            showChannel: false,
            showShares: true,
            rows: rows(dashboard.transactions) { query(transaction: $0) },
            csvHref: csv + "&table=transaction",
            emptyText: messages.text("nps.no_groups", or: "")
        )
        // Only the rows shown are made: a quarter can rank tens of thousands of touchpoints.
        let ranked = dashboard.rankedTouchpoints
        let lowest = rows(ranked.prefix(NPSDashboard.touchpointsShown)) { query(touchpoint: $0) }
        let highestCount = max(0, min(NPSDashboard.touchpointsShown, ranked.count - lowest.count))
        let highest = Array(rows(ranked.suffix(highestCount), firstRank: ranked.count - highestCount + 1) { query(touchpoint: $0) }.reversed())
        // An empty list says why: no answers, none enough to rank, or every one ranked in the other list.
        let noneRanked = messages.text(dashboard.touchpoints.isEmpty ? "nps.no_groups" : "nps.none_ranked", or: "")
        func touchpointTable(_ rows: [Row], emptyText: String) -> GroupTable {
            GroupTable(
                heading: messages.text("nps.touchpoint", or: ""),
                showKey: true,
                showChannel: false,
                showShares: false,
                rows: rows,
                csvHref: nil,
                emptyText: emptyText
            )
        }
        self.lowestTable = touchpointTable(lowest, emptyText: noneRanked)
        self.highestTable = touchpointTable(highest, emptyText: ranked.isEmpty ? noneRanked : messages.text("nps.all_in_lowest", or: ""))
        let unranked = dashboard.touchpoints.count - ranked.count
        self.unranked = unranked > 0 ? unranked : nil
        self.fallers = dashboard.fallers.map { fall in
            Row(
                rank: nil,
                key: fall.touchpoint.key,
                name: fall.touchpoint.name,
                channel: Self.channel(fall.touchpoint.channel, messages: messages),
                figure: figure(fall.touchpoint.figure),
                href: "/nps?" + query(touchpoint: fall.touchpoint.key),
                change: "−" + messages.number((abs(fall.change) * 10).rounded() / 10),
                previous: figure(fall.previous)
            )
        }
        self.comments = comments.map { Self.comment($0, transactionNames: dashboard.transactionNames, timeZone: timeZone, messages: messages) }
        self.commentsHref = "/nps/comments?" + query() + "&kind=detractor"
        self.csvTouchpoints = csv + "&table=touchpoint"
        self.csvTrend = csv + "&table=trend"
    }

    static func figure(_ figure: NPSFigure, messages: Messages) -> Figure {
        func share(_ count: Int) -> String { figure.n > 0 ? messages.percent(Double(count) / Double(figure.n)) : "—" }
        let nps = figure.nps.map { (($0 * 10).rounded() / 10) }
        return Figure(
            nps: nps.map { ($0 > 0 ? "+" : $0 < 0 ? "−" : "") + messages.number(abs($0)) } ?? "—",
            margin: figure.marginOfError.map { "± " + messages.number(($0 * 10).rounded() / 10) } ?? "",
            n: figure.n,
            promoters: share(figure.promoters),
            passives: share(figure.passives),
            detractors: share(figure.detractors),
            ranked: figure.ranked,
            tone: nps.map { $0 >= 50 ? "nps-good" : $0 >= 0 ? "nps-mid" : "nps-bad" } ?? ""
        )
    }

    static func channel(_ code: String, messages: Messages) -> String {
        messages.text("nps.channels.\(code)", or: code)
    }

    static func comment(_ comment: NPSComment, transactionNames: [String: String], timeZone: TimeZone, messages: Messages) -> Comment {
        Comment(
            answeredAt: Format.instant(comment.answeredAt, in: timeZone),
            score: comment.score,
            kindClass: "score-\(NPSKind(score: comment.score).rawValue)",
            touchpoint: comment.touchpoint,
            channel: Self.channel(comment.channel, messages: messages),
            transaction: transactionNames[comment.transaction] ?? comment.transaction,
            text: comment.comment,
            href:
                "/nps?period=\(NPSPeriod(containing: LocalDate(comment.answeredAt, in: timeZone), .month))&touchpoint=\(PageRenderer.percentEncode(comment.touchpoint))"
        )
    }

    /// NPS period by period as a line, its 95 % margin of error as a band around it; periods
    /// without answers leave a gap, those below the minimum `n` are hollow points. Drawn from numbers only.
    static func chart(_ trend: [NPSTrendPoint], label: String) -> String {
        let (width, height, left, bottom) = (640, 200, 40, 24)
        let known = trend.compactMap { point in point.figure.nps.map { ($0, point.figure.marginOfError ?? 0) } }
        // The scale covers every band, in steps of 25, within −100…100.
        let low = max(-100, (((known.map { $0.0 - $0.1 }.min() ?? 0) / 25).rounded(.down) * 25))
        let high = min(100, (((known.map { $0.0 + $0.1 }.max() ?? 50) / 25).rounded(.up) * 25))
        let span = max(high - low, 25)
        let step = trend.count > 1 ? Double(width - left - 48) / Double(trend.count - 1) : 0
        func x(_ index: Int) -> Double { Double(left) + 24 + Double(index) * step }
        func y(_ value: Double) -> Double { Double(height - bottom) - (value - low) / span * Double(height - bottom - 10) }
        func number(_ value: Double) -> String { String(format: "%.1f", value) }
        var svg = "<svg class=\"trend-chart\" viewBox=\"0 0 \(width) \(height)\" role=\"img\" aria-label=\"\(label)\">"
        var tick = low
        while tick <= low + span + 0.1 {
            let stroke = tick == 0 ? "#8a94a3" : "#d3d8df"
            svg +=
                "<line x1=\"\(left)\" x2=\"\(width)\" y1=\"\(number(y(tick)))\" y2=\"\(number(y(tick)))\" stroke=\"\(stroke)\" stroke-width=\"1\"/>"
            svg += "<text x=\"\(left - 4)\" y=\"\(number(y(tick) + 4))\" text-anchor=\"end\" font-size=\"10\" fill=\"#4a5261\">\(Int(tick))</text>"
            tick += 25
        }
        // The band and the line, one segment per run of periods with answers.
        var runs: [[(Int, Double, Double)]] = [[]]
        for (index, point) in trend.enumerated() {
            let year = index == 0 || trend[index - 1].period.prefix(4) != point.period.prefix(4)
            let text = year ? point.period : String(point.period.dropFirst(5))
            svg += "<text x=\"\(number(x(index)))\" y=\"\(height - 6)\" text-anchor=\"middle\" font-size=\"10\" fill=\"#4a5261\">\(text)</text>"
            if let nps = point.figure.nps {
                runs[runs.count - 1].append((index, nps, point.figure.marginOfError ?? 0))
            } else if !(runs.last?.isEmpty ?? true) {
                runs.append([])
            }
        }
        for run in runs where !run.isEmpty {
            let upper = run.map { "\(number(x($0.0))),\(number(y(min(100, $0.1 + $0.2))))" }
            let lower = run.reversed().map { "\(number(x($0.0))),\(number(y(max(-100, $0.1 - $0.2))))" }
            svg += "<polygon points=\"\((upper + lower).joined(separator: " "))\" fill=\"#dbe7f5\" stroke=\"none\"/>"
            svg +=
                "<polyline points=\"\(run.map { "\(number(x($0.0))),\(number(y($0.1)))" }.joined(separator: " "))\" fill=\"none\" stroke=\"#1f4f86\" stroke-width=\"2\"/>"
        }
        for (index, point) in trend.enumerated() {
            guard let nps = point.figure.nps else { continue }
            let fill = point.figure.ranked ? "#1f4f86" : "#ffffff"
            svg += "<circle cx=\"\(number(x(index)))\" cy=\"\(number(y(nps)))\" r=\"3.5\" fill=\"\(fill)\" stroke=\"#1f4f86\" stroke-width=\"1.5\"/>"
        }
        return svg + "</svg>"
    }
}

/// The comments of a period, newest first, filtered by kind (detractors by default from the dashboard) and paginated.
struct NPSCommentsPage: PageModel {
    static let template = Template.npsComments
    static let perPage = 50

    var period: String
    var periodError: String?
    var kinds: [NPSPage.Link]
    var comments: [NPSPage.Comment]
    var filterNote: String?
    var previousHref: String?
    var nextHref: String?
    var backHref: String
    var csvHref: String

    init(
        _ comments: [NPSComment],
        period: NPSPeriod,
        filter: NPSFilter,
        kind: NPSKind?,
        page: Int,
        transactionNames: [String: String],
        timeZone: TimeZone,
        messages: Messages
    ) {
        var base = "period=\(period)"
        if let channel = filter.channel { base += "&channel=\(channel)" }
        if let transaction = filter.transaction { base += "&transaction=\(transaction)" }
        if let touchpoint = filter.touchpoint { base += "&touchpoint=\(PageRenderer.percentEncode(touchpoint))" }
        self.period = period.description
        let order: [NPSKind?] = [nil, .detractor, .passive, .promoter]
        self.kinds = order.map { option in
            NPSPage.Link(
                label: messages.text("nps_comments.kind.\(option?.rawValue ?? "all")", or: option?.rawValue ?? "all"),
                href: "/nps/comments?\(base)" + (option.map { "&kind=\($0.rawValue)" } ?? ""),
                current: option == kind
            )
        }
        self.comments = comments.prefix(Self.perPage).map {
            NPSPage.comment($0, transactionNames: transactionNames, timeZone: timeZone, messages: messages)
        }
        let parts = [
            filter.channel.map { NPSPage.channel($0, messages: messages) }, filter.transaction.map { transactionNames[$0] ?? $0 }, filter.touchpoint,
        ]
        .compactMap { $0 }
        self.filterNote = parts.isEmpty ? nil : parts.joined(separator: " · ")
        let kindQuery = kind.map { "&kind=\($0.rawValue)" } ?? ""
        self.previousHref = page > 1 ? "/nps/comments?\(base)\(kindQuery)&page=\(page - 1)" : nil
        self.nextHref = comments.count > Self.perPage ? "/nps/comments?\(base)\(kindQuery)&page=\(page + 1)" : nil
        self.backHref = "/nps?\(base)"
        self.csvHref = "/api/v1/nps/comments?\(base)\(kindQuery)&format=csv"
    }
}

/// The registry: touchpoints by code with their channel, region and whether they are reviewed,
/// searchable and paginated; administrators load touchpoints and transaction types by CSV.
struct NPSTouchpointsPage: PageModel {
    static let template = Template.npsTouchpoints
    static let perPage = 50

    struct Query: Sendable {
        var search: String
        var channel: String?
        var unreviewed: Bool
        var page: Int
    }

    struct Row: Sendable {
        var code: String
        var name: String
        var channel: String
        var region: String
        var active: Bool
        var reviewed: Bool
        var href: String
        var posterHref: String
    }

    var search: String
    var channelOptions: [NPSPage.Option]
    var unreviewedOnly: Bool
    var rows: [Row]
    var total: Int
    /// Touchpoints registered by answers and not reviewed yet; nil when none.
    var unreviewed: Int?
    var unreviewedHref: String
    var transactions: [TransactionType]
    var previousHref: String?
    var nextHref: String?
    var canImport: Bool
    var touchpointsImport: ImportPage
    var transactionsImport: ImportPage
    var emptyNote: String

    init(
        query: Query,
        touchpoints: [Touchpoint],
        total: Int,
        transactions: [TransactionType],
        unreviewed: Int,
        canImport: Bool,
        imported: (kind: String, page: ImportPage)?,
        messages: Messages
    ) {
        self.search = query.search
        self.channelOptions = Touchpoint.standardChannels.map {
            NPSPage.Option(value: $0, label: NPSPage.channel($0, messages: messages), selected: $0 == query.channel)
        }
        self.unreviewedOnly = query.unreviewed
        self.rows = touchpoints.map {
            Row(
                code: $0.code,
                name: $0.name,
                channel: NPSPage.channel($0.channel, messages: messages),
                region: $0.region,
                active: $0.active,
                reviewed: $0.reviewed,
                href: "/nps?touchpoint=\(PageRenderer.percentEncode($0.code))",
                posterHref: "/nps/touchpoints/\(PageRenderer.percentEncode($0.code))/poster"
            )
        }
        self.total = total
        self.unreviewed = unreviewed > 0 ? unreviewed : nil
        self.unreviewedHref = "/nps/touchpoints?unreviewed=1"
        self.transactions = transactions
        var base = "q=\(PageRenderer.percentEncode(query.search))"
        if let channel = query.channel { base += "&channel=\(channel)" }
        if query.unreviewed { base += "&unreviewed=1" }
        self.previousHref = query.page > 1 ? "/nps/touchpoints?\(base)&page=\(query.page - 1)" : nil
        self.nextHref = query.page * Self.perPage < total ? "/nps/touchpoints?\(base)&page=\(query.page + 1)" : nil
        self.canImport = canImport
        self.touchpointsImport = imported?.kind == "touchpoints" ? imported!.page : ImportPage()
        self.transactionsImport = imported?.kind == "transactions" ? imported!.page : ImportPage()
        let filtered = !query.search.isEmpty || query.channel != nil || query.unreviewed
        self.emptyNote = messages.text(filtered ? "nps_touchpoints.empty_filtered" : "nps_touchpoints.empty", or: "")
    }
}

/// The support map: which provider units support which channels and transaction types, with its
/// CSV (administrators replace it whole by uploading one).
struct SupportMapPage: PageModel {
    static let template = Template.npsSupport

    struct Row: Sendable {
        var unit: String
        var name: String
        var supports: [String]
    }

    var rows: [Row]
    var canImport: Bool
    var imported: ImportPage

    init(lines: [SupportLine], units: [OrgUnit], transactionNames: [String: String], canImport: Bool, imported: ImportPage, messages: Messages) {
        let names = Dictionary(uniqueKeysWithValues: units.map { ($0.code, $0.name) })
        let any = messages.text("nps_support.any", or: "any")
        self.rows = Dictionary(grouping: lines, by: \.unit).sorted { $0.key < $1.key }.map { unit, lines in
            Row(
                unit: unit,
                name: names[unit] ?? unit,
                supports: lines.map { line in
                    let covered =
                        "\(line.channel.isEmpty ? any : NPSPage.channel(line.channel, messages: messages)) · \(line.transaction.isEmpty ? any : transactionNames[line.transaction] ?? line.transaction)"
                    return line.client.isEmpty ? covered : "\(covered) → \(names[line.client] ?? line.client)"
                }
            )
        }
        self.canImport = canImport
        self.imported = imported
    }

    static func csv(_ lines: [SupportLine]) -> String {
        SupportLine.columns.joined(separator: ",") + "\r\n"
            + lines.map { [$0.unit, $0.channel, $0.transaction, $0.client].map(CSVField.escape).joined(separator: ",") + "\r\n" }.joined()
    }
}
