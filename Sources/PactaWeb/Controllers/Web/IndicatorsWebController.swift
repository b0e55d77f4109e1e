import Foundation
import Hummingbird
import HummingbirdAuth
import PactaApp
import PactaCore
import PactaStore

/// The hard indicators page of an agreement and its CSV download.
struct IndicatorsWebController: Sendable {
    let services: AppServices
    /// Lines shown on the page; the CSV has them all.
    static let shownLines = 200

    func addRoutes(to group: RouterGroup<AppRequestContext>) {
        let read = group.group("agreements/:code").add(middleware: RequireRoleMiddleware(Role.everyone))
        read.get("indicators", use: self.page)
        read.get("indicators.csv", use: self.csv)
        group.group("agreements/:code").add(middleware: RequireRoleMiddleware(Role.editors)).post("indicators/manual", use: self.setManual)
    }

    /// Records a manual value from the form, then shows the period again.
    @Sendable func setManual(_ request: Request, context: AppRequestContext) async throws -> Response {
        let code = try context.parameters.require("code")
        let form = context.form
        let period = try IndicatorsAPIController.period(form.text("period"), today: self.services.today)
        let target = "/agreements/\(code)/indicators?period=\(period)"
        do {
            guard let value = AgreementForm.number(form.text("value")) else {
                throw ValidationError(field: "value", code: "invalid_number", message: "Type a number.")
            }
            try await self.services.store.manualValues.set(
                agreement: code,
                commitment: form.text("commitment"),
                period: period,
                value: value,
                evidence: form.text("evidence"),
                by: try context.actor,
                at: self.services.now()
            )
            context.flash("flash.manual_saved")
        } catch let error as ValidationError {
            context.flash("errors.\(error.issues.first?.code ?? "invalid")", error: true)
        }
        return redirect(target)
    }

    @Sendable func page(_ request: Request, context: AppRequestContext) async throws -> HTML {
        let code = try context.parameters.require("code")
        let period = try IndicatorsAPIController.period(request.uri.queryParameters.get("period"), today: self.services.today)
        let report = try await self.services.store.hardIndicators(
            agreement: code,
            period: period,
            at: self.services.now(),
            visibleTo: try context.actor
        )
        let messages = self.services.renderer.messages(context.language)
        let commitments = Dictionary(uniqueKeysWithValues: report.terms.commitments.map { ($0.key, $0) })
        let views = AgreementViews(messages: messages, timeZone: self.services.timeZone)
        let measurements: [[String: Any]] = report.measurements.map { measurement in
            let commitment = commitments[measurement.commitment]
            return [
                "key": measurement.commitment, "name": commitment?.name ?? "",
                "metricLabel": messages.text("metrics.\(measurement.metric.rawValue)", or: measurement.metric.rawValue),
                "requests": measurement.requests, "met": measurement.met, "missed": measurement.missed, "pending": measurement.pending,
                "value": Self.format(measurement.value, metric: measurement.metric, messages: messages),
                "target": commitment.map { views.commitment($0) }.map { labels in
                    // "97 % · 24 business hours": the share required, then within what.
                    [labels["goalLabel"] as? String ?? "", labels["targetLabel"] as? String ?? ""].filter { !$0.isEmpty }.joined(separator: " · ")
                } ?? "",
                "statusLabel": messages.text("indicators.statuses.\(measurement.status.rawValue)", or: measurement.status.rawValue),
                "statusClass": Self.badge(measurement.status),
                "isManual": measurement.metric == .manual,
                "evidence": report.manualValues[measurement.commitment].map { "\($0.evidence) — \($0.enteredBy)" } ?? "",
            ]
        }
        // The audit trail a page at a time (`?page=`, from 1); the CSV has it whole.
        let pages = max(1, (report.lines.count + Self.shownLines - 1) / Self.shownLines)
        let pageNumber = min(max(1, request.uri.queryParameters.get("page").flatMap { Int($0) } ?? 1), pages)
        let shown = report.lines.dropFirst((pageNumber - 1) * Self.shownLines).prefix(Self.shownLines)
        func pageHref(_ number: Int) -> String { "/agreements/\(code)/indicators?period=\(report.period)&page=\(number)" }
        let lines: [[String: Any]] = shown.map { line in
            [
                "externalRef": line.externalRef, "href": RequestsWebController.href(provider: report.terms.provider, externalRef: line.externalRef),
                "commitment": line.commitment, "priority": line.priority,
                "openedAt": Format.instant(line.openedAt, in: self.services.timeZone),
                "businessTime": Self.duration(line.businessSeconds),
                "outcomeLabel": messages.text("indicators.outcomes.\(line.outcome.rawValue)", or: line.outcome.rawValue),
                "outcomeClass": Self.badge(line.outcome),
            ]
        }
        let page: [String: Any] = [
            "code": code, "agreementTitle": report.terms.title, "agreementHref": "/agreements/\(code)",
            "period": report.period.description, "formAction": "/agreements/\(code)/indicators",
            "csvHref": "/agreements/\(code)/indicators.csv?period=\(report.period)",
            "evaluatedAt": Format.instant(report.evaluatedAt, in: self.services.timeZone),
            "measurements": measurements, "lines": lines,
            "pager": pages > 1
                ? [
                    "page": pageNumber, "pages": pages,
                    "first": (pageNumber - 1) * Self.shownLines + 1, "last": (pageNumber - 1) * Self.shownLines + shown.count,
                    "total": report.lines.count,
                    "previousHref": pageNumber > 1 ? pageHref(pageNumber - 1) : "", "hasPrevious": pageNumber > 1,
                    "nextHref": pageNumber < pages ? pageHref(pageNumber + 1) : "", "hasNext": pageNumber < pages,
                ] as [String: Any] : false,
            "manualAction": "/agreements/\(code)/indicators/manual",
            "manual": measurements.filter { $0["isManual"] as? Bool == true },
        ]
        return self.services.renderer.render(
            .agreementIndicators,
            titleKey: "indicators.title",
            section: "agreements",
            page: page,
            request: request,
            context: context
        )
    }

    @Sendable func csv(_ request: Request, context: AppRequestContext) async throws -> Response {
        let code = try context.parameters.require("code")
        let period = try IndicatorsAPIController.period(request.uri.queryParameters.get("period"), today: self.services.today)
        let report = try await self.services.store.hardIndicators(
            agreement: code,
            period: period,
            at: self.services.now(),
            visibleTo: try context.actor
        )
        return IndicatorExport.download(report)
    }

    /// The badge class of an outcome.
    static func badge(_ outcome: Outcome) -> String {
        switch outcome {
        case .met: "active"
        case .missed: "terminated"
        case .pending: "pending"
        }
    }

    static func badge(_ status: CommitmentStatus) -> String {
        switch status {
        case .met: "active"
        case .notMet: "terminated"
        case .noData: "expired"
        }
    }

    /// A share as a percentage, a count as is, business seconds as hours and minutes.
    static func format(_ value: Double?, metric: Metric, messages: Messages) -> String {
        guard let value else { return "—" }
        if metric.hasGoal { return "\(Format.number((value * 1000).rounded() / 10)) %" }
        if metric.isBusinessTime { return Self.duration(Int64(value)) }
        return Format.number(value)
    }

    /// `5 h 07 min`.
    static func duration(_ seconds: Int64) -> String {
        let minutes = seconds / 60
        return "\(minutes / 60) h \(minutes % 60 < 10 ? "0" : "")\(minutes % 60) min"
    }
}
