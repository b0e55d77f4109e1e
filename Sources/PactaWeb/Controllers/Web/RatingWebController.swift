import Foundation
import Hummingbird
import HummingbirdAuth
import PactaApp
import PactaCore
import PactaStore

/// `/r/{touchpoint}`: the public rating page a customer reaches from a poster's QR code or a
/// link after a transaction (`?t=deposito`). Anonymous, without JavaScript, phone-sized; one answer
/// per device and touchpoint within the cooldown. Answers go through the same group commit as the API.
struct RatingWebController: Sendable {
    let services: AppServices
    /// The cookie telling one device from another for the cooldown: random, nothing else.
    static let deviceCookie = "pacta_device"

    func addRoutes(to group: RouterGroup<AppRequestContext>) {
        group.get("r/:touchpoint", use: self.form)
        group.post("r/:touchpoint", use: self.rate)
    }

    @Sendable func form(_ request: Request, context: AppRequestContext) async throws -> Response {
        var context = context
        let csrf = context.anonymousCSRFCookie(secure: self.services.secureCookies)
        let touchpoint = try await self.touchpoint(context)
        let transactions = try await self.services.store.nps.transactions().filter(\.active)
        let page = RatingPage(
            touchpoint: touchpoint,
            transactions: transactions,
            chosen: request.uri.queryParameters.get("t"),
            typed: nil,
            errors: [:],
            messages: self.services.renderer.messages(context.language)
        )
        var response = try self.page(page, request: request, context: context)
        if let csrf { response.setCookie(csrf) }
        if request.cookies[Self.deviceCookie] == nil {
            response.setCookie(
                Cookie(
                    name: Self.deviceCookie,
                    value: WebSession.makeToken(),
                    maxAge: 365 * 86_400,
                    path: "/r",
                    secure: self.services.secureCookies,
                    httpOnly: true,
                    sameSite: .lax
                )
            )
        }
        return response
    }

    /// A page of the rating flow: the customer's, so without anything of the tool around it
    /// (the layout's `rating` section).
    private func page(
        _ model: some PageModel,
        status: HTTPResponse.Status = .ok,
        request: Request,
        context: AppRequestContext
    ) throws -> Response {
        try self.services.renderer.render(model, titleKey: "rating.title", section: "rating", request: request, context: context, status: status)
            .response(from: request, context: context)
    }

    @Sendable func rate(_ request: Request, context: AppRequestContext) async throws -> Response {
        let touchpoint = try await self.touchpoint(context)
        let messages = self.services.renderer.messages(context.language)
        let transactions = try await self.services.store.nps.transactions().filter(\.active)
        let form = context.form
        var errors: [String: String] = [:]
        let score = form["score"].flatMap(Int.init).flatMap { (0...10).contains($0) ? $0 : nil }
        if score == nil { errors["score"] = messages.text("rating.score_required", or: "") }
        let transaction = form["transaction"] ?? ""
        if !transactions.contains(where: { $0.code == transaction }) { errors["transaction"] = messages.text("rating.transaction_required", or: "") }
        let comment = (form["comment"] ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
        if comment.count > NPSAnswer.commentLimit { errors["comment"] = messages.text("rating.comment_too_long", or: "") }
        guard errors.isEmpty, let score else {
            let page = RatingPage(
                touchpoint: touchpoint,
                transactions: transactions,
                chosen: transaction,
                typed: form,
                errors: errors,
                messages: messages
            )
            return try self.page(page, status: .unprocessableContent, request: request, context: context)
        }
        let now = self.services.now()
        let device = request.cookies[Self.deviceCookie]?.value ?? context.anonymousCSRF ?? context.sessions.session?.csrf ?? ""
        let key = Hashing.sha256Hex("\(device)\u{0}\(touchpoint.code)".utf8)
        let nps = self.services.store.nps
        guard try await nps.claimCooldown(key, until: now.addingTimeInterval(self.services.npsRatingCooldown), now: now) else {
            let page = RatingDonePage(touchpoint: touchpoint, thanks: false, messages: messages)
            return try self.page(page, status: .tooManyRequests, request: request, context: context)
        }
        let answer = NPSAnswer(
            externalRef: "web-" + WebSession.makeToken().prefix(32),
            answeredAt: Int64(now.timeIntervalSince1970),
            channel: touchpoint.channel,
            touchpoint: touchpoint.code,
            transaction: transaction,
            score: score,
            comment: comment
        )
        do {
            _ = try await self.services.npsIngest.submit(answer)
        } catch {
            try? await nps.releaseCooldown(key)
            throw error
        }
        return try self.page(
            RatingDonePage(touchpoint: touchpoint, thanks: true, messages: messages),
            status: .created,
            request: request,
            context: context
        )
    }

    /// The touchpoint of the path; an unknown or inactive one is a page saying so.
    private func touchpoint(_ context: AppRequestContext) async throws -> Touchpoint {
        let code = try context.parameters.require("touchpoint")
        guard let touchpoint = try await self.services.store.nps.touchpoint(code), touchpoint.active else {
            throw HTTPError(.notFound, message: self.services.renderer.messages(context.language).text("rating.unknown", or: "Not found"))
        }
        return touchpoint
    }
}
