import Foundation
import Hummingbird
import HummingbirdAuth
import PactaCore
import PactaStore

/// `/api/v1/agreements` and `/api/v1/published`: the agreement lifecycle over JSON. Every change
/// is made by the caller within their unit's reach; drafts of other units do not exist for them.
struct AgreementsAPIController: Sendable {
    let services: AppServices

    func addRoutes(to group: RouterGroup<AppRequestContext>) {
        let read = group.group().add(middleware: RequireRoleMiddleware(Role.everyone))
        read.get("published", use: self.published)
        read.get("agreements", use: self.list)
        read.get("agreements/:code", use: self.show)
        read.get("agreements/:code/versions/:version", use: self.version)
        let write = group.group("agreements").add(middleware: RequireRoleMiddleware(Role.editors))
        write.post(use: self.create)
        write.put(":code", use: self.update)
        write.post(":code/submit", use: self.submit)
        write.post(":code/terminate", use: self.terminate)
        group.group("agreements").add(middleware: RequireRoleMiddleware(Role.signers))
            .post(":code/signatures", use: self.sign)
    }

    /// `?state=active&unit=TI` filter the list.
    @Sendable func list(_ request: Request, context: AppRequestContext) async throws -> ItemList<AgreementSummaryJSON> {
        let today = self.services.today
        let state = try request.uri.queryParameters.get("state").map { text in
            guard let state = AgreementState(rawValue: text) else {
                throw APIError(.badRequest, code: "invalid_state_filter", message: "Unknown state \(text).", field: "state")
            }
            return state
        }
        let summaries = try await self.services.store.agreements.list(visibleTo: try context.actor, unit: request.uri.queryParameters.get("unit"))
        return ItemList(
            items: summaries.filter { state == nil || $0.state(on: today) == state }.map { AgreementSummaryJSON($0, today: today) }
        )
    }

    /// The agreements in force with their commitments and signatures (the intranet publication),
    /// those signed and starting later, those withheld for an integrity problem, and the ledger's head.
    @Sendable func published(_ request: Request, context: AppRequestContext) async throws -> PublishedJSON {
        let today = self.services.today
        let publication = try await self.services.store.agreements.published(on: today)
        func json(_ published: [PublishedAgreement]) -> [AgreementJSON] {
            published.map { AgreementJSON($0.agreement, providerName: $0.providerName, clientName: $0.clientName, today: today) }
        }
        return PublishedJSON(
            items: json(publication.inForce),
            upcoming: json(publication.upcoming),
            withheld: publication.withheld,
            ledgerHead: try await self.services.store.ledger.head()
        )
    }

    @Sendable func show(_ request: Request, context: AppRequestContext) async throws -> AgreementJSON {
        try await self.record(try context.parameters.require("code"), context: context)
    }

    /// The exact bytes of one version, as signed: their SHA-256 is the signatures' hash.
    @Sendable func version(_ request: Request, context: AppRequestContext) async throws -> Response {
        let code = try context.parameters.require("code")
        guard let number = Int(try context.parameters.require("version")) else {
            throw APIError(.badRequest, code: "bad_request", message: "The version must be a number.", field: "version")
        }
        guard let stored = try await self.services.store.agreements.version(code, number, visibleTo: try context.actor) else {
            throw NotFoundError("version", "\(code) v\(number)")
        }
        return CanonicalDocument.response(stored, code: code, attachment: false)
    }

    @Sendable func create(_ request: Request, context: AppRequestContext) async throws -> EditedResponse<AgreementJSON> {
        let input = try await request.decodeJSON(as: AgreementInput.self, context: context)
        guard let code = input.code else { throw ValidationError(field: "code", code: "required", message: "A code is required.") }
        _ = try await self.services.store.agreements.create(code: code, terms: input.terms, by: try context.actor, at: self.services.now())
        return EditedResponse(
            status: .created,
            headers: [.location: "/api/v1/agreements/\(code)"],
            response: try await self.record(code, context: context)
        )
    }

    @Sendable func update(_ request: Request, context: AppRequestContext) async throws -> AgreementJSON {
        let code = try context.parameters.require("code")
        let input = try await request.decodeJSON(as: AgreementInput.self, context: context)
        if let bodyCode = input.code, bodyCode != code {
            throw ValidationError(
                field: "code",
                code: "code_mismatch",
                message: "The code in the body (\(bodyCode)) differs from the URL (\(code)); codes never change."
            )
        }
        _ = try await self.services.store.agreements.revise(
            code,
            terms: input.terms,
            by: try context.actor,
            at: self.services.now(),
            today: self.services.today
        )
        return try await self.record(code, context: context)
    }

    @Sendable func submit(_ request: Request, context: AppRequestContext) async throws -> AgreementJSON {
        let code = try context.parameters.require("code")
        _ = try await self.services.store.agreements.submit(code, by: try context.actor, at: self.services.now(), today: self.services.today)
        return try await self.record(code, context: context)
    }

    @Sendable func terminate(_ request: Request, context: AppRequestContext) async throws -> AgreementJSON {
        struct Body: Codable { var reason: String }
        let code = try context.parameters.require("code")
        let body = try await request.decodeJSON(as: Body.self, context: context)
        _ = try await self.services.store.agreements.terminate(
            code,
            reason: body.reason,
            by: try context.actor,
            at: self.services.now(),
            today: self.services.today
        )
        return try await self.record(code, context: context)
    }

    /// The caller signs, for their unit, the version and hash they read (`{"version": 2, "sha256": "…"}`);
    /// if the agreement changed since, nothing is signed and the answer (409) gives the current ones.
    @Sendable func sign(_ request: Request, context: AppRequestContext) async throws -> EditedResponse<AgreementJSON> {
        struct Body: Codable {
            var version: Int
            var sha256: String
        }
        let code = try context.parameters.require("code")
        let body = try await request.decodeJSON(as: Body.self, context: context)
        _ = try await self.services.store.agreements.sign(
            code,
            shown: Agreement.Shown(version: body.version, sha256: body.sha256),
            by: try context.actor,
            at: self.services.now(),
            today: self.services.today
        )
        return EditedResponse(status: .created, response: try await self.record(code, context: context))
    }

    private func record(_ code: String, context: AppRequestContext) async throws -> AgreementJSON {
        guard let record = try await self.services.store.agreements.get(code, visibleTo: try context.actor) else {
            throw NotFoundError("agreement", code)
        }
        return AgreementJSON(record, today: self.services.today)
    }
}

/// The publication as the API returns it.
struct PublishedJSON: ResponseEncodable, Sendable {
    /// In force today.
    var items: [AgreementJSON]
    /// Signed by both sides, in force from a later day.
    var upcoming: [AgreementJSON]
    /// Codes of agreements left out because their stored records fail a check; `pacta verify` says why.
    var withheld: [String]
    /// Keep it outside the database: `pacta verify --head` proves nothing up to it was rewritten.
    var ledgerHead: LedgerHead
}

/// A row of the agreements list: ``AgreementJSON``'s leading fields under the same names, on their
/// own because the list is read from the agreements table alone (``AgreementSummary``), without
/// loading or parsing any stored document.
struct AgreementSummaryJSON: Codable, Sendable {
    var code: String
    var title: String
    var state: AgreementState
    var version: Int
    var provider: String
    var providerName: String
    var client: String
    var clientName: String
    var validFrom: LocalDate
    var validTo: LocalDate

    init(_ summary: AgreementSummary, today: LocalDate) {
        self.code = summary.code
        self.title = summary.title
        self.state = summary.state(on: today)
        self.version = summary.version
        self.provider = summary.provider
        self.providerName = summary.providerName
        self.client = summary.client
        self.clientName = summary.clientName
        self.validFrom = summary.validFrom
        self.validTo = summary.validTo
    }
}
