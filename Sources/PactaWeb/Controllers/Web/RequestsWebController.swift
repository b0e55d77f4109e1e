import Foundation
import Hummingbird
import HummingbirdAuth
import PactaCore
import PactaStore

/// Request pages: what came in, what matches no agreement, and the CSV upload.
struct RequestsWebController: Sendable {
    let services: AppServices
    static let shownUnmatched = 200

    func addRoutes(to group: RouterGroup<AppRequestContext>) {
        let read = group.group("requests").add(middleware: RequireRoleMiddleware(Role.everyone))
        read.get(use: self.list)
        read.get("lookup", use: self.lookup)
        read.get(":provider/:ref", use: self.show)
        let edit = group.group("requests/import").add(middleware: RequireRoleMiddleware(Role.editors))
        edit.get(use: self.importForm)
        edit.post(use: self.importCSV)
    }

    @Sendable func list(_ request: Request, context: AppRequestContext) async throws -> HTML {
        let counts = try await self.services.store.requests.counts()
        let rows: [[String: Any]] = try await self.services.store.requests.unmatched(limit: Self.shownUnmatched).map {
            [
                "externalRef": $0.externalRef, "href": Self.href(provider: $0.provider, externalRef: $0.externalRef), "provider": $0.provider,
                "client": $0.client, "service": $0.service, "priority": $0.priority,
                "openedAt": Format.instant($0.openedAt, in: self.services.timeZone),
            ]
        }
        let unit = try context.user.unit
        let providers = try await self.services.store.units.list().map { ["code": $0.code, "name": $0.name, "selected": $0.code == unit] }
        let page: [String: Any] = [
            "total": counts.total, "matched": counts.total - counts.unmatched, "unmatched": counts.unmatched, "rows": rows, "units": providers,
        ]
        return self.services.renderer.render(
            .requests,
            titleKey: "requests.title",
            section: "requests",
            page: page,
            request: request,
            context: context
        )
    }

    /// The request page of `?provider=&ref=`, from the search form.
    @Sendable func lookup(_ request: Request, context: AppRequestContext) async throws -> Response {
        // Read as a form, so that a space typed in the box (sent as +) stays a space.
        let query = FormData(fields: try FormData.urlEncoded(request.uri.query ?? ""))
        let provider = query.text("provider")
        let ref = query.text("ref")
        guard !provider.isEmpty, !ref.isEmpty else { return .redirect(to: "/requests", type: .normal) }
        return .redirect(to: Self.href(provider: provider, externalRef: ref), type: .normal)
    }

    /// One request: its times, its agreement, and what it counts as for each time commitment now.
    @Sendable func show(_ request: Request, context: AppRequestContext) async throws -> HTML {
        let (provider, ref) = try context.requestKey()
        let store = self.services.store
        guard let detail = try await store.requestDetail(provider: provider, externalRef: ref, at: self.services.now()) else {
            throw NotFoundError("request", "\(ref) (\(provider))")
        }
        let zone = self.services.timeZone
        let messages = self.services.renderer.messages(context.language)
        let views = AgreementViews(messages: messages, timeZone: zone)
        let served = detail.request
        let evaluations: [[String: Any]] = detail.evaluations.map { evaluation in
            let labels = views.commitment(evaluation.commitment)
            return [
                "key": evaluation.commitment.key, "name": evaluation.commitment.name,
                "metricLabel": labels.metricLabel, "target": labels.targetLabel,
                "businessTime": Format.duration(evaluation.businessSeconds),
                "dueAt": evaluation.dueAt.map { Format.instant($0, in: zone) } ?? "—",
                "outcomeLabel": messages.text("indicators.outcomes.\(evaluation.outcome.rawValue)", or: evaluation.outcome.rawValue),
                "outcomeClass": Badge.of(evaluation.outcome),
            ]
        }
        let page: [String: Any] = [
            "externalRef": served.externalRef, "service": served.service, "priority": served.priority,
            "provider": served.provider, "providerName": try await store.units.get(served.provider)?.name ?? served.provider,
            "client": served.client, "clientName": try await store.units.get(served.client)?.name ?? served.client,
            "matched": detail.agreement != nil, "agreement": detail.agreement ?? "", "agreementTitle": detail.terms?.title ?? "",
            "agreementHref": detail.agreement.map { "/agreements/\($0)" } ?? "",
            "openedAt": Format.instant(served.openedAt, in: zone),
            "firstResponseAt": served.firstResponseAt.map { Format.instant($0, in: zone) } ?? "—",
            "resolvedAt": served.resolvedAt.map { Format.instant($0, in: zone) } ?? "—",
            "pauses": served.pauses.map { ["start": Format.instant($0.start, in: zone), "end": Format.instant($0.end, in: zone)] },
            "evaluatedAt": Format.instant(detail.evaluatedAt, in: zone),
            "evaluations": evaluations,
        ]
        return self.services.renderer.render(
            .request,
            title: served.externalRef,
            section: "requests",
            page: page,
            request: request,
            context: context
        )
    }

    /// Where the page of a request is; the reference is percent-encoded, as tools put anything in it.
    static func href(provider: String, externalRef: String) -> String {
        var allowed = CharacterSet.urlPathAllowed
        allowed.remove(charactersIn: "/?#%")
        let encode = { (text: String) in text.addingPercentEncoding(withAllowedCharacters: allowed) ?? text }
        return "/requests/\(encode(provider))/\(encode(externalRef))"
    }

    @Sendable func importForm(_ request: Request, context: AppRequestContext) async throws -> HTML {
        self.services.renderer.render(
            .requestsImport,
            titleKey: "requests_import.title",
            section: "requests",
            page: ["csv": "", "skipInvalid": false],
            request: request,
            context: context
        )
    }

    /// Takes the uploaded file, or else the pasted text (the form is limited to 20 MB; the CLI and API stream).
    @Sendable func importCSV(_ request: Request, context: AppRequestContext) async throws -> HTML {
        let upload = ImportUpload(context.form)
        let chunks = AsyncStream<ByteBuffer> { continuation in
            continuation.yield(ByteBuffer(bytes: upload.bytes))
            continuation.finish()
        }
        let report = try await self.services.store.requests.importCSV(
            chunks,
            skipInvalid: upload.skipInvalid,
            by: try context.actor,
            at: self.services.now(),
            timeZone: self.services.timeZone
        )
        return self.services.renderer.render(
            .requestsImport,
            titleKey: "requests_import.title",
            section: "requests",
            page: upload.page(report, messages: self.services.renderer.messages(context.language)),
            request: request,
            context: context,
            status: report.status
        )
    }
}
