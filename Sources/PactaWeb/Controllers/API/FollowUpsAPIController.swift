import Foundation
import Hummingbird
import HummingbirdAuth
import PactaCore
import PactaStore

/// `/api/v1/nps/followups`: detractor follow-ups within the caller's reach, one with its history
/// and what its time to contact counts as, and changes by the supporting unit.
struct FollowUpsAPIController: Sendable {
    let services: AppServices

    func addRoutes(to group: RouterGroup<AppRequestContext>) {
        let read = group.group("nps/followups").add(middleware: RequireRoleMiddleware(Role.everyone))
        read.get(use: self.list)
        read.get(":id", use: self.show)
        group.group("nps/followups").add(middleware: RequireRoleMiddleware(Role.editors)).post(":id", use: self.update)
    }

    struct FollowUpJSON: Codable, Sendable {
        var id: Int64
        var status: FollowUpStatus
        var unit: String
        @Nullable var client: String?
        @Nullable var owner: String?
        var externalRef: String
        var answeredAt: String
        var channel: String
        var touchpoint: String
        var transaction: String
        var score: Int
        var comment: String
        @Nullable var contactedAt: String?
        @Nullable var closedAt: String?
        /// The request it is (`NPS-<id>` of the supporting unit); null without a client.
        @Nullable var requestRef: String?

        init(_ followUp: FollowUp) {
            self.id = followUp.id
            self.status = followUp.status
            self.unit = followUp.unit
            self.client = followUp.client.isEmpty ? nil : followUp.client
            self.owner = followUp.owner
            self.externalRef = followUp.answer.externalRef
            self.answeredAt = Timestamp.format(followUp.answer.answeredAt)
            self.channel = followUp.answer.channel
            self.touchpoint = followUp.answer.touchpoint
            self.transaction = followUp.answer.transaction
            self.score = followUp.answer.score
            self.comment = followUp.answer.comment
            self.contactedAt = followUp.contactedAt.map(Timestamp.format)
            self.closedAt = followUp.closedAt.map(Timestamp.format)
            self.requestRef = followUp.client.isEmpty ? nil : followUp.requestRef
        }
    }

    struct ListJSON: ResponseEncodable {
        var total: Int
        var items: [FollowUpJSON]
    }

    /// `?status=open|contacted|closed`, `?unit=` (with the units below it), `?owner=`, `?limit=`
    /// (100, at most 1000), `?offset=`; `?format=csv` for every row the filters select.
    @Sendable func list(_ request: Request, context: AppRequestContext) async throws -> Response {
        let format = try IndicatorsAPIController.format(request)
        let parameters = request.uri.queryParameters
        var filter = FollowUpFilter(unit: parameters.get("unit").flatMap { $0.isEmpty ? nil : $0 })
        filter.owner = parameters.get("owner").flatMap { $0.isEmpty ? nil : $0 }
        if let status = parameters.get("status"), !status.isEmpty {
            guard let parsed = FollowUpStatus(rawValue: status) else {
                throw APIError(.badRequest, code: "invalid_status", message: "status is open, contacted or closed, not '\(status)'.", field: "status")
            }
            filter.status = parsed
        }
        let actor = try context.actor
        let followUps = self.services.store.followUps
        if format == "csv" {
            let rows = try await followUps.list(filter, visibleTo: actor, limit: FollowUpsWebController.exportLimit).rows
            return Response.csvAttachment(FollowUpsPage.csv(rows), named: "nps-followups.csv")
        }
        let (rows, total) = try await followUps.list(
            filter,
            visibleTo: actor,
            limit: min(max(Int(parameters.get("limit") ?? "") ?? 100, 1), 1000),
            offset: max(Int(parameters.get("offset") ?? "") ?? 0, 0)
        )
        return try ListJSON(total: total, items: rows.map(FollowUpJSON.init)).response(from: request, context: context)
    }

    struct DetailJSON: ResponseEncodable {
        struct Evaluation: Codable, Sendable {
            var agreement: String
            var commitment: String
            var targetSeconds: Int64
            var businessSeconds: Int64
            var outcome: String
            @Nullable var dueAt: String?
        }

        var followUp: FollowUpJSON
        var notes: [FollowUpNoteJSON]
        /// What its time to contact counts as in each time commitment of its agreement that takes priority NPS.
        var evaluations: [Evaluation]
    }

    struct FollowUpNoteJSON: Codable, Sendable {
        var at: String
        var author: String
        @Nullable var status: FollowUpStatus?
        @Nullable var owner: String?
        var text: String
    }

    @Sendable func show(_ request: Request, context: AppRequestContext) async throws -> DetailJSON {
        let id = try FollowUpsWebController.id(context)
        let store = self.services.store
        guard let (followUp, notes) = try await store.followUps.get(id, visibleTo: try context.actor) else {
            throw NotFoundError("follow-up", "\(id)")
        }
        var evaluations: [DetailJSON.Evaluation] = []
        if let detail = try await self.services.request(of: followUp, logger: context.logger), let agreement = detail.agreement {
            evaluations = detail.evaluations.map {
                DetailJSON.Evaluation(
                    agreement: agreement,
                    commitment: $0.commitment.key,
                    targetSeconds: $0.commitment.targetSeconds,
                    businessSeconds: $0.businessSeconds,
                    outcome: $0.outcome.rawValue,
                    dueAt: $0.dueAt.map(Timestamp.format)
                )
            }
        }
        return DetailJSON(
            followUp: FollowUpJSON(followUp),
            notes: notes.map { FollowUpNoteJSON(at: Timestamp.format($0.at), author: $0.author, status: $0.status, owner: $0.owner, text: $0.text) },
            evaluations: evaluations
        )
    }

    struct ChangeJSON: Codable, Sendable {
        var status: FollowUpStatus?
        /// A username of the supporting unit; empty to leave it without owner.
        var owner: String?
        var note: String?
    }

    /// Any of a new status, owner and note; 200 with the follow-up as it now is.
    @Sendable func update(_ request: Request, context: AppRequestContext) async throws -> FollowUpJSON {
        let id = try FollowUpsWebController.id(context)
        let body = try await request.decodeJSON(as: ChangeJSON.self, context: context)
        let changed = try await self.services.store.followUps.change(
            id,
            FollowUpChange(status: body.status, owner: body.owner, note: body.note ?? ""),
            by: try context.actor,
            at: self.services.now()
        )
        await self.services.writeFollowUpRequests(logger: context.logger)
        return FollowUpJSON(changed)
    }
}

extension FollowUpStatus: ResponseEncodable {}
extension FollowUpsAPIController.FollowUpJSON: ResponseEncodable {}
