import Foundation
import Hummingbird
import HummingbirdAuth
import NIOCore
import PactaApp
import PactaCore
import PactaStore

/// NPS pages: the dashboard (`/nps`) and its CSV, the comments feed, the touchpoint registry and
/// the upload of answers collected elsewhere.
struct NPSWebController: Sendable {
    let services: AppServices

    func addRoutes(to group: RouterGroup<AppRequestContext>) {
        let read = group.group().add(middleware: RequireRoleMiddleware(Role.everyone))
        read.get("nps", use: self.dashboard)
        read.get("nps.csv", use: self.csv)
        read.get("nps/comments", use: self.comments)
        read.get("nps/touchpoints", use: self.touchpoints)
        read.get("nps/touchpoints.csv", use: self.touchpointsCSV)
        read.get("nps/touchpoints/:code/poster", use: self.poster)
        read.get("nps/support", use: self.supportMap)
        read.get("nps/support.csv", use: self.supportMapCSV)
        let edit = group.group("nps/import").add(middleware: RequireRoleMiddleware(Role.editors))
        edit.get(use: self.importForm)
        edit.post(use: self.importAnswers)
        let admin = group.group("nps").add(middleware: RequireRoleMiddleware([.admin]))
        admin.post("touchpoints/import", use: self.importTouchpoints)
        admin.post("transactions/import", use: self.importTransactions)
        admin.post("support", use: self.replaceSupportMap)
    }

    /// The period and filter of the query; a period that cannot be read falls back to this month, said on the page.
    private func query(_ request: Request) -> (NPSPeriod, NPSFilter, periodError: String?) {
        do {
            let (period, filter) = try NPSAPIController.query(request, services: self.services)
            return (period, filter, nil)
        } catch let error as APIError {
            return (NPSPeriod(containing: self.services.today, .month), NPSFilter(), error.message)
        } catch {
            return (NPSPeriod(containing: self.services.today, .month), NPSFilter(), "\(error)")
        }
    }

    @Sendable func dashboard(_ request: Request, context: AppRequestContext) async throws -> HTML {
        let (period, filter, periodError) = self.query(request)
        let store = self.services.store
        let dashboard = try await NPSDashboard.build(store, period: period, filter: filter, minimumAnswers: self.services.npsMinimumAnswers)
        let comments = try await store.nps.comments(period, filter, kinds: [.detractor], timeZone: self.services.timeZone, limit: 6)
        let touchpointName = try await filter.touchpoint.asyncMap { try await store.nps.touchpoint($0)?.name }
        var page = NPSPage(
            dashboard,
            comments: comments,
            touchpointName: touchpointName ?? nil,
            today: self.services.today,
            timeZone: self.services.timeZone,
            messages: self.services.renderer.messages(context.language)
        )
        page.periodError = periodError
        return self.services.renderer.render(
            page,
            titleKey: "nps.title",
            section: "nps",
            request: request,
            context: context,
            status: periodError == nil ? .ok : .badRequest
        )
    }

    /// `?table=channel|transaction|touchpoint|trend`.
    @Sendable func csv(_ request: Request, context: AppRequestContext) async throws -> Response {
        let (period, filter) = try NPSAPIController.query(request, services: self.services)
        let table = request.uri.queryParameters.get("table") ?? "channel"
        let minimum = self.services.npsMinimumAnswers
        if table == "trend" {
            let trend = try await NPSDashboard.trend(self.services.store.nps, ending: period, filter: filter, minimumAnswers: minimum)
            return Response.csvAttachment(NPSExport.csv(trend), named: "nps-trend-\(period).csv")
        }
        guard let dimension = NPSDimension(rawValue: table) else {
            throw APIError(
                .badRequest,
                code: "invalid_table",
                message: "table is channel, transaction, touchpoint or trend, not '\(table)'.",
                field: "table"
            )
        }
        let dashboard = try await NPSDashboard.build(
            self.services.store,
            period: period,
            filter: filter,
            minimumAnswers: minimum,
            namingEvery: dimension == .touchpoint
        )
        let rows =
            switch dimension {
            case .channel: dashboard.channels
            case .transaction: dashboard.transactions
            case .touchpoint: dashboard.touchpoints
            }
        return Response.csvAttachment(NPSExport.csv(rows, dimension: dimension, period: period), named: "nps-\(table)-\(period).csv")
    }

    @Sendable func comments(_ request: Request, context: AppRequestContext) async throws -> HTML {
        let (period, filter, periodError) = self.query(request)
        let kind = request.uri.queryParameters.get("kind").flatMap(NPSKind.init(rawValue:))
        let page = max(Int(request.uri.queryParameters.get("page") ?? "") ?? 1, 1)
        let comments = try await self.services.store.nps.comments(
            period,
            filter,
            kinds: kind.map { [$0] } ?? Set(NPSKind.allCases),
            timeZone: self.services.timeZone,
            limit: NPSCommentsPage.perPage + 1,
            offset: (page - 1) * NPSCommentsPage.perPage
        )
        var model = NPSCommentsPage(
            comments,
            period: period,
            filter: filter,
            kind: kind,
            page: page,
            transactionNames: try await self.services.store.nps.transactionNames(),
            timeZone: self.services.timeZone,
            messages: self.services.renderer.messages(context.language)
        )
        model.periodError = periodError
        return self.services.renderer.render(model, titleKey: "nps_comments.title", section: "nps", request: request, context: context)
    }

    @Sendable func touchpoints(_ request: Request, context: AppRequestContext) async throws -> HTML {
        try await self.renderTouchpoints(request, context: context, report: nil)
    }

    private func renderTouchpoints(
        _ request: Request,
        context: AppRequestContext,
        report: (kind: String, upload: ImportUpload, report: ImportReport)?
    ) async throws -> HTML {
        let parameters = request.uri.queryParameters
        let query = NPSTouchpointsPage.Query(
            search: parameters.get("q") ?? "",
            channel: parameters.get("channel").flatMap { $0.isEmpty ? nil : $0.lowercased() },
            unreviewed: parameters.get("unreviewed") == "1",
            page: max(Int(parameters.get("page") ?? "") ?? 1, 1)
        )
        let nps = self.services.store.nps
        let listed = try await nps.touchpoints(
            channel: query.channel,
            search: query.search,
            unreviewed: query.unreviewed,
            limit: NPSTouchpointsPage.perPage,
            offset: (query.page - 1) * NPSTouchpointsPage.perPage
        )
        let messages = self.services.renderer.messages(context.language)
        let page = NPSTouchpointsPage(
            query: query,
            touchpoints: listed.touchpoints,
            total: listed.total,
            transactions: try await nps.transactions(),
            unreviewed: try await nps.touchpoints(unreviewed: true, limit: 1).total,
            canImport: try context.actor.role == .admin,
            imported: report.map { (kind: $0.kind, page: ImportPage($0.upload, report: $0.report, messages: messages)) },
            messages: messages
        )
        return self.services.renderer.render(
            page,
            titleKey: "nps_touchpoints.title",
            section: "nps",
            request: request,
            context: context,
            status: report?.report.status ?? .ok
        )
    }

    /// A printable poster for a touchpoint: its name, the question, a QR code of its rating page's
    /// link (`?t=` names a transaction) and the link itself.
    @Sendable func poster(_ request: Request, context: AppRequestContext) async throws -> HTML {
        let code = try context.parameters.require("code")
        guard let touchpoint = try await self.services.store.nps.touchpoint(code) else { throw NotFoundError("touchpoint", code) }
        let transaction = try await request.uri.queryParameters.get("t").asyncMap { code in
            try await self.services.store.nps.transaction(code)
        }
        let page = PosterPage(
            touchpoint: touchpoint,
            transaction: transaction ?? nil,
            publicURL: self.services.publicURL,
            messages: self.services.renderer.messages(context.language)
        )
        return self.services.renderer.render(page, titleKey: "poster.title", section: "nps", request: request, context: context)
    }

    @Sendable func touchpointsCSV(_ request: Request, context: AppRequestContext) async throws -> Response {
        var text = Touchpoint.columns.joined(separator: ",") + ",reviewed\r\n"
        var offset = 0
        while true {
            let batch = try await self.services.store.nps.touchpoints(limit: 5000, offset: offset).touchpoints
            for touchpoint in batch {
                text +=
                    [
                        CSVField.escape(touchpoint.code), CSVField.escape(touchpoint.channel), CSVField.escape(touchpoint.name),
                        CSVField.escape(touchpoint.region), String(touchpoint.active), String(touchpoint.reviewed),
                    ].joined(separator: ",") + "\r\n"
            }
            guard batch.count == 5000 else { break }
            offset += 5000
        }
        return Response.csvAttachment(text, named: "touchpoints.csv")
    }

    @Sendable func importTouchpoints(_ request: Request, context: AppRequestContext) async throws -> HTML {
        let upload = ImportUpload(context.form)
        let report = try await self.services.store.nps.importTouchpoints(
            bytes: upload.bytes,
            skipInvalid: upload.skipInvalid,
            at: self.services.now()
        )
        return try await self.renderTouchpoints(request, context: context, report: ("touchpoints", upload, report))
    }

    @Sendable func importTransactions(_ request: Request, context: AppRequestContext) async throws -> HTML {
        let upload = ImportUpload(context.form)
        let report = try await self.services.store.nps.importTransactions(
            bytes: upload.bytes,
            skipInvalid: upload.skipInvalid,
            at: self.services.now()
        )
        return try await self.renderTouchpoints(request, context: context, report: ("transactions", upload, report))
    }

    @Sendable func supportMap(_ request: Request, context: AppRequestContext) async throws -> HTML {
        try await self.renderSupportMap(request, context: context, imported: nil)
    }

    private func renderSupportMap(_ request: Request, context: AppRequestContext, imported: (ImportUpload, ImportReport)?) async throws -> HTML {
        let messages = self.services.renderer.messages(context.language)
        let page = SupportMapPage(
            lines: try await self.services.store.nps.supportMap(),
            units: try await self.services.store.units.list(),
            transactionNames: try await self.services.store.nps.transactionNames(),
            canImport: try context.actor.role == .admin,
            imported: imported.map { ImportPage($0.0, report: $0.1, messages: messages) } ?? ImportPage(),
            messages: messages
        )
        return self.services.renderer.render(
            page,
            titleKey: "nps_support.title",
            section: "nps",
            request: request,
            context: context,
            status: imported?.1.status ?? .ok
        )
    }

    @Sendable func supportMapCSV(_ request: Request, context: AppRequestContext) async throws -> Response {
        Response.csvAttachment(SupportMapPage.csv(try await self.services.store.nps.supportMap()), named: "support-map.csv")
    }

    /// Replaces the whole map with the uploaded CSV.
    @Sendable func replaceSupportMap(_ request: Request, context: AppRequestContext) async throws -> HTML {
        let upload = ImportUpload(context.form)
        let report = try await self.services.store.nps.replaceSupportMap(bytes: upload.bytes, skipInvalid: upload.skipInvalid)
        return try await self.renderSupportMap(request, context: context, imported: (upload, report))
    }

    @Sendable func importForm(_ request: Request, context: AppRequestContext) async throws -> HTML {
        self.services.renderer.render(
            .npsImport,
            titleKey: "nps_import.title",
            section: "nps",
            page: ImportPage(timesHelp: self.services.timesHelp(context.language)),
            request: request,
            context: context
        )
    }

    /// Answers collected elsewhere, as CSV: the uploaded file or the pasted text.
    @Sendable func importAnswers(_ request: Request, context: AppRequestContext) async throws -> HTML {
        let upload = ImportUpload(context.form)
        let report = try await self.services.store.nps.importCSV(
            upload.chunks,
            NPSImportOptions(
                skipInvalid: upload.skipInvalid,
                unknown: self.services.npsIngest.unknown,
                timeZone: self.services.timeZone,
                instant: self.services.now()
            )
        )
        return self.services.renderer.render(
            .npsImport,
            titleKey: "nps_import.title",
            section: "nps",
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

extension Optional {
    /// The wrapped value transformed by an asynchronous function.
    func asyncMap<Result>(_ transform: (Wrapped) async throws -> Result) async rethrows -> Result? {
        guard let value = self else { return nil }
        return try await transform(value)
    }
}
