import Foundation
import Hummingbird
import HummingbirdAuth
import PactaCore
import PactaStore

/// Request pages: what came in, what matches no agreement, and the CSV upload.
struct RequestsWebController: Sendable {
    let services: AppServices

    func addRoutes(to group: RouterGroup<AppRequestContext>) {
        let read = group.group("requests").add(middleware: RequireRoleMiddleware(Role.everyone))
        read.get(use: self.list)
        read.get("lookup", use: self.lookup)
        read.get(":provider/:ref", use: self.show)
        let edit = group.group("requests/import").add(middleware: RequireRoleMiddleware(Role.editors))
        edit.get(use: self.importForm)
        edit.post(use: self.importCSV)
    }

    /// The requests, filtered by the query and paginated; a filter that cannot be read is an
    /// error next to its field.
    @Sendable func list(_ request: Request, context: AppRequestContext) async throws -> HTML {
        // Read as a form, so that a space typed in a box (sent as +) stays a space.
        var query = RequestsPage.Query(try FormData.urlEncoded(request.uri.query ?? ""))
        let store = self.services.store
        let actor = try context.actor
        let counts = try await store.requests.counts()
        let listed: (rows: [BrowsedRequest], total: Int)?
        var issue: FieldIssue?
        var filter: RequestFilter?
        switch query.filter(in: self.services.timeZone) {
        case .success(var read):
            if query.measuresOutcome {
                issue = try await self.narrowByOutcome(&read, query: &query, actor: actor)
            }
            filter = issue == nil ? read : nil
        case .failure(let problem):
            issue = problem.issues.first
        }
        if let filter {
            listed = try await store.requests.browse(
                filter,
                limit: RequestsPage.perPage,
                offset: (query.page - 1) * RequestsPage.perPage,
                // Without filters, the counters above already counted them all.
                total: filter == RequestFilter() ? counts.total : nil
            )
        } else {
            listed = nil
        }
        let page = RequestsPage(
            query: query,
            counts: counts,
            units: try await store.units.list(),
            agreementCodes: try await store.agreements.list(visibleTo: actor).map(\.code).sorted(),
            listed: listed,
            issue: issue,
            messages: self.services.renderer.messages(context.language),
            timeZone: self.services.timeZone
        )
        return self.services.renderer.render(
            page,
            titleKey: "requests.title",
            section: "requests",
            request: request,
            context: context,
            status: issue == nil ? .ok : .badRequest
        )
    }

    /// Keeps in `filter` the requests of the query's agreement that counted as its outcome (for
    /// its commitment, or all its time commitments) in the period, as the indicators page
    /// measures them now. Without a period, the agreement's current one, which the form then shows.
    /// - Returns: the field that cannot be used, or nil.
    private func narrowByOutcome(
        _ filter: inout RequestFilter,
        query: inout RequestsPage.Query,
        actor: Actor
    ) async throws -> FieldIssue? {
        let store = self.services.store
        guard let code = query.agreementCode, let record = try await store.agreements.get(code, visibleTo: actor) else {
            return FieldIssue(field: "agreement", code: "not_found", message: "No such agreement.")
        }
        // The filter read the period already: it is one, or empty.
        let period = Period(query.period) ?? Period.current(of: record.agreement.terms, today: self.services.today)
        let report = try await store.hardIndicators(of: record, period: period, at: self.services.now())
        let commitment = query.commitment.isEmpty ? nil : query.commitment
        if let commitment, !report.terms.commitments.contains(where: { $0.key == commitment && $0.metric.hasGoal }) {
            return FieldIssue(field: "outcome", code: "unknown_commitment", message: "The agreement has no such time commitment.")
        }
        let wanted = Outcome(rawValue: query.outcome)
        filter.references = report.outcomes(commitment: commitment).filter { wanted == nil || $0.value == wanted }.map(\.key).sorted()
        // The report counts each commitment's period in its calendar's zone: its requests are the list.
        filter.opened = nil
        query.period = period.description
        return nil
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
        let units = [detail.request.provider, detail.request.client]
        var names: [String: String] = [:]
        for code in units { names[code] = try await store.units.get(code)?.name }
        let page = RequestPage(
            detail,
            unitNames: names,
            messages: self.services.renderer.messages(context.language),
            timeZone: self.services.timeZone
        )
        return self.services.renderer.render(
            RequestPage.template,
            title: detail.request.externalRef,
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
            page: ImportPage(timesHelp: self.services.timesHelp(context.language)),
            request: request,
            context: context
        )
    }

    /// How times are written, naming the organisation's zone, in which times without offset are read.
    /// Takes the uploaded file, or else the pasted text (the form is limited to 20 MB; the CLI and API stream).
    @Sendable func importCSV(_ request: Request, context: AppRequestContext) async throws -> HTML {
        let upload = ImportUpload(context.form)
        let report = try await self.services.store.requests.importCSV(
            upload.chunks,
            skipInvalid: upload.skipInvalid,
            by: try context.actor,
            at: self.services.now(),
            timeZone: self.services.timeZone
        )
        return self.services.renderer.render(
            .requestsImport,
            titleKey: "requests_import.title",
            section: "requests",
            page: ImportPage(
                upload,
                report: report,
                timesHelp: self.services.timesHelp(context.language),
                messages: self.services.renderer.messages(context.language)
            ),
            request: request,
            context: context,
            status: report.status
        )
    }
}
