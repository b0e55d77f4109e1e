import Foundation
import Hummingbird
import HummingbirdAuth
import PactaCore
import PactaStore

/// Answering surveys: through the single-use link of an invitation (no sign-in), or signed in,
/// from one's list of surveys to answer.
struct SurveysWebController: Sendable {
    let services: AppServices

    func addRoutes(to group: RouterGroup<AppRequestContext>) {
        group.get("s/:token", use: self.linkForm)
        group.post("s/:token", use: self.answerLink)
        let signedIn = group.group("surveys").add(middleware: RequireRoleMiddleware(Role.everyone))
        signedIn.get(use: self.pending)
        signedIn.get(":campaign/:agreement", use: self.invitationForm)
        signedIn.post(":campaign/:agreement", use: self.answerInvitation)
    }

    /// The survey of a link. A browser without a session gets its CSRF token in a cookie.
    @Sendable func linkForm(_ request: Request, context: AppRequestContext) async throws -> Response {
        let token = try context.parameters.require("token")
        var context = context
        let cookie = context.anonymousCSRFCookie(secure: self.services.secureCookies)
        var response = try await self.respond(request, context: context, action: "/s/\(token)") {
            try await self.services.store.campaigns.form(token: token, today: self.services.today)
        } answer: { _ in
        }
        if let cookie { response.setCookie(cookie) }
        return response
    }

    @Sendable func answerLink(_ request: Request, context: AppRequestContext) async throws -> Response {
        let token = try context.parameters.require("token")
        let campaigns = self.services.store.campaigns
        return try await self.respond(request, context: context, action: "/s/\(token)") {
            try await campaigns.form(token: token, today: self.services.today)
        } answer: { answer in
            try await campaigns.answer(token: token, answer, today: self.services.today)
        }
    }

    @Sendable func pending(_ request: Request, context: AppRequestContext) async throws -> HTML {
        self.services.renderer.render(
            PendingSurveysPage(context.pendingSurveys),
            titleKey: "surveys.title",
            section: "toAnswer",
            request: request,
            context: context
        )
    }

    @Sendable func invitationForm(_ request: Request, context: AppRequestContext) async throws -> Response {
        let (campaign, agreement) = try Self.key(context)
        let user = try context.user
        return try await self.respond(request, context: context, action: "/surveys/\(campaign)/\(agreement)") {
            try await self.services.store.campaigns.form(campaign: campaign, agreement: agreement, user: user, today: self.services.today)
        } answer: { _ in
        }
    }

    @Sendable func answerInvitation(_ request: Request, context: AppRequestContext) async throws -> Response {
        let (campaign, agreement) = try Self.key(context)
        let user = try context.user
        let campaigns = self.services.store.campaigns
        return try await self.respond(request, context: context, action: "/surveys/\(campaign)/\(agreement)") {
            try await campaigns.form(campaign: campaign, agreement: agreement, user: user, today: self.services.today)
        } answer: { answer in
            try await campaigns.answer(campaign: campaign, agreement: agreement, user: user, answer, today: self.services.today)
        }
    }

    /// Shows the survey found by `find`; for a post, takes the answer through `take` and thanks,
    /// or shows the form again with every problem. An invitation that cannot be answered (used,
    /// closed, not open yet, unknown) gets a page saying so, with the status that fits.
    private func respond(
        _ request: Request,
        context: AppRequestContext,
        action: String,
        find: () async throws -> SurveyForm,
        answer take: (SurveyAnswer) async throws -> Void
    ) async throws -> Response {
        let messages = self.services.renderer.messages(context.language)
        let renderer = self.services.renderer
        do {
            let form = try await find()
            guard request.method == .post else {
                let page = SurveyPage(form, action: action, typed: nil, errors: FormErrors(), language: context.language, messages: messages)
                return try renderer.render(page, titleKey: "survey.title", request: request, context: context).response(
                    from: request,
                    context: context
                )
            }
            switch SurveyPage.answer(from: context.form, questionnaire: form.questionnaire) {
            case .success(let answer):
                try await take(answer)
                let page = SurveyOutcomePage(thanks: true, reason: nil, signedIn: context.identity != nil, messages: messages)
                return try renderer.render(page, titleKey: "survey.title", request: request, context: context).response(
                    from: request,
                    context: context
                )
            case .failure(let error):
                let page = SurveyPage(
                    form,
                    action: action,
                    typed: context.form,
                    errors: renderer.fieldErrors(error.issues, language: context.language, form: "survey"),
                    language: context.language,
                    messages: messages
                )
                return try renderer.render(page, titleKey: "survey.title", request: request, context: context, status: .unprocessableContent)
                    .response(from: request, context: context)
            }
        } catch let error as SurveyError {
            let page = SurveyOutcomePage(thanks: false, reason: error.reason, signedIn: context.identity != nil, messages: messages)
            return try renderer.render(page, titleKey: "survey.title", request: request, context: context, status: error.status)
                .response(from: request, context: context)
        }
    }

    private static func key(_ context: AppRequestContext) throws -> (String, String) {
        (try context.parameters.require("campaign"), try context.parameters.require("agreement"))
    }
}
