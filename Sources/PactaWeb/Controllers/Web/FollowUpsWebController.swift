import Foundation
import Hummingbird
import HummingbirdAuth
import PactaCore
import PactaStore

/// Detractor follow-ups: the list within the person's reach (`/nps/followups`) and its CSV, one
/// follow-up with its time to contact and history, and the form with which the supporting unit
/// moves it.
struct FollowUpsWebController: Sendable {
    let services: AppServices

    func addRoutes(to group: RouterGroup<AppRequestContext>) {
        let read = group.group("nps").add(middleware: RequireRoleMiddleware(Role.everyone))
        read.get("followups", use: self.list)
        read.get("followups.csv", use: self.csv)
        read.get("followups/:id", use: self.show)
        group.group("nps/followups").add(middleware: RequireRoleMiddleware(Role.editors)).post(":id", use: self.update)
    }

    @Sendable func list(_ request: Request, context: AppRequestContext) async throws -> HTML {
        let query = FollowUpQuery(try FormData.urlEncoded(request.uri.query ?? ""))
        let actor = try context.actor
        let store = self.services.store
        let listed = try await store.followUps.list(
            query.filter(for: actor),
            visibleTo: actor,
            limit: FollowUpsPage.perPage,
            offset: (query.page - 1) * FollowUpsPage.perPage
        )
        let page = FollowUpsPage(
            listed,
            query: query,
            counts: try await store.followUps.counts(unit: query.unit, visibleTo: actor),
            units: try await store.units.list(),
            transactionNames: try await store.nps.transactionNames(),
            timeZone: self.services.timeZone,
            messages: self.services.renderer.messages(context.language)
        )
        return self.services.renderer.render(page, titleKey: "followups.title", section: "nps", request: request, context: context)
    }

    /// Every follow-up the filters select, not only a page of them.
    @Sendable func csv(_ request: Request, context: AppRequestContext) async throws -> Response {
        let query = FollowUpQuery(try FormData.urlEncoded(request.uri.query ?? ""))
        let actor = try context.actor
        let rows = try await self.services.store.followUps.list(query.filter(for: actor), visibleTo: actor, limit: Self.exportLimit).rows
        return Response.csvAttachment(FollowUpsPage.csv(rows), named: "nps-followups.csv")
    }

    /// The most rows an export holds.
    static let exportLimit = 100_000

    @Sendable func show(_ request: Request, context: AppRequestContext) async throws -> HTML {
        try await self.render(try Self.id(context), form: nil, issues: [], request: request, context: context)
    }

    /// A new status, owner or note; the follow-up's request is written at once, so that the
    /// agreement's figures follow.
    @Sendable func update(_ request: Request, context: AppRequestContext) async throws -> Response {
        let id = try Self.id(context)
        let form = context.form
        let fields = (status: form.text("status"), owner: form.text("owner"), note: form["note"] ?? "")
        do {
            guard let status = FollowUpStatus(rawValue: fields.status) else {
                throw ValidationError(field: "status", code: "invalid_status", message: "The status is open, contacted or closed.")
            }
            _ = try await self.services.store.followUps.change(
                id,
                FollowUpChange(status: status, owner: fields.owner, note: fields.note),
                by: try context.actor,
                at: self.services.now()
            )
        } catch let error as ValidationError {
            return try await self.render(id, form: fields, issues: error.issues, request: request, context: context)
                .response(from: request, context: context)
        }
        await self.services.writeFollowUpRequests(logger: context.logger)
        context.flash("flash.followup_saved")
        return redirect("/nps/followups/\(id)")
    }

    private func render(
        _ id: Int64,
        form: (status: String, owner: String, note: String)?,
        issues: [FieldIssue],
        request: Request,
        context: AppRequestContext
    ) async throws -> HTML {
        let actor = try context.actor
        let store = self.services.store
        guard let (followUp, notes) = try await store.followUps.get(id, visibleTo: actor) else { throw NotFoundError("follow-up", "\(id)") }
        let tree = try await store.units.tree()
        let units = try await store.units.list()
        let detail = try await self.services.request(of: followUp, logger: context.logger)
        let page = FollowUpPage(
            followUp,
            notes: notes,
            request: detail,
            touchpointName: try await store.nps.touchpoint(followUp.answer.touchpoint)?.name,
            transactionName: try await store.nps.transaction(followUp.answer.transaction)?.name,
            unitNames: Dictionary(uniqueKeysWithValues: units.map { ($0.code, $0.name) }),
            people: try await store.users.list().filter { $0.active && tree.isWithin($0.unit, followUp.unit) },
            canEdit: Role.editors.contains(actor.role) && actor.reaches(followUp.unit, in: tree),
            form: form,
            errors: self.services.renderer.fieldErrors(issues, language: context.language, form: "followups"),
            timeZone: self.services.timeZone,
            messages: self.services.renderer.messages(context.language)
        )
        return self.services.renderer.render(
            page,
            titleKey: "followups.title",
            section: "nps",
            request: request,
            context: context,
            status: issues.isEmpty ? .ok : .unprocessableContent
        )
    }

    static func id(_ context: AppRequestContext) throws -> Int64 {
        let text = try context.parameters.require("id")
        guard let id = Int64(text) else { throw NotFoundError("follow-up", text) }
        return id
    }
}
