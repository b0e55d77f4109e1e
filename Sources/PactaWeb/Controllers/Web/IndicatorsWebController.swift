import Foundation
import Hummingbird
import HummingbirdAuth
import PactaApp
import PactaCore
import PactaStore

/// The hard indicators page of an agreement and its CSV download.
struct IndicatorsWebController: Sendable {
    let services: AppServices
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
                at: self.services.now(),
                today: self.services.today
            )
            context.flash("flash.manual_saved")
        } catch let error as ValidationError {
            context.flash("errors.\(error.issues.first?.code ?? "invalid")", error: true)
        }
        return redirect(target)
    }

    /// The indicators of one period: by default the agreement's current one, of its cadence. A
    /// period that cannot be read shows the default one, with the reason next to the picker.
    @Sendable func page(_ request: Request, context: AppRequestContext) async throws -> HTML {
        let code = try context.parameters.require("code")
        let actor = try context.actor
        guard let record = try await self.services.store.agreements.get(code, visibleTo: actor) else { throw NotFoundError("agreement", code) }
        let terms = record.agreement.terms
        let today = self.services.today
        var period = Period.current(of: terms, today: today)
        var periodError: String?
        if let text = request.uri.queryParameters.get("period"), !text.isEmpty {
            do {
                period = try IndicatorsAPIController.period(text, today: today)
            } catch let error as APIError {
                periodError = self.services.renderer.messages(context.language).text("errors.\(error.code)", or: error.message)
            }
        }
        let report = try await self.services.store.hardIndicators(
            of: record,
            period: period,
            at: self.services.now(),
            minimumAnswers: self.services.surveyMinimumAnswers
        )
        let page = IndicatorsPage(
            report,
            page: request.uri.queryParameters.get("page").flatMap { Int($0) } ?? 1,
            today: today,
            periodError: periodError,
            messages: self.services.renderer.messages(context.language),
            timeZone: self.services.timeZone
        )
        return self.services.renderer.render(
            page,
            titleKey: "indicators.title",
            section: "agreements",
            request: request,
            context: context,
            status: periodError == nil ? .ok : .badRequest
        )
    }

    @Sendable func csv(_ request: Request, context: AppRequestContext) async throws -> Response {
        let code = try context.parameters.require("code")
        let period = try IndicatorsAPIController.period(request.uri.queryParameters.get("period"), today: self.services.today)
        let report = try await self.services.store.hardIndicators(
            agreement: code,
            period: period,
            at: self.services.now(),
            visibleTo: try context.actor,
            minimumAnswers: self.services.surveyMinimumAnswers
        )
        // `?rows=commitments`: one row per commitment, hard and soft; by default one per request.
        let commitments = request.uri.queryParameters.get("rows") == "commitments"
        return commitments ? IndicatorExport.commitmentsDownload(report) : IndicatorExport.download(report)
    }
}
