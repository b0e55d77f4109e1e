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
        group.group("requests").add(middleware: RequireRoleMiddleware(Role.everyone)).get(use: self.list)
        let edit = group.group("requests/import").add(middleware: RequireRoleMiddleware(Role.editors))
        edit.get(use: self.importForm)
        edit.post(use: self.importCSV)
    }

    @Sendable func list(_ request: Request, context: AppRequestContext) async throws -> HTML {
        let counts = try await self.services.store.requests.counts()
        let rows: [[String: Any]] = try await self.services.store.requests.unmatched(limit: Self.shownUnmatched).map {
            [
                "externalRef": $0.externalRef, "provider": $0.provider, "client": $0.client, "service": $0.service, "priority": $0.priority,
                "openedAt": Format.instant(Date(timeIntervalSince1970: TimeInterval($0.openedAt)), in: self.services.timeZone),
            ]
        }
        let page: [String: Any] = ["total": counts.total, "matched": counts.total - counts.unmatched, "unmatched": counts.unmatched, "rows": rows]
        return self.services.renderer.render("requests", titleKey: "requests.title", section: "requests", page: page, request: request, context: context)
    }

    @Sendable func importForm(_ request: Request, context: AppRequestContext) async throws -> HTML {
        self.services.renderer.render(
            "requests-import", titleKey: "requests_import.title", section: "requests", page: ["csv": "", "skipInvalid": false],
            request: request, context: context
        )
    }

    /// Takes the uploaded file, or else the pasted text (the form is limited to 20 MB; the CLI and API stream).
    @Sendable func importCSV(_ request: Request, context: AppRequestContext) async throws -> HTML {
        let upload = ImportUpload(context.form)
        let chunks = AsyncStream<ByteBuffer> { continuation in
            continuation.yield(ByteBuffer(string: upload.csv))
            continuation.finish()
        }
        let report = try await self.services.store.requests.importCSV(
            chunks, skipInvalid: upload.skipInvalid, at: self.services.now(), timeZone: self.services.timeZone
        )
        return self.services.renderer.render(
            "requests-import", titleKey: "requests_import.title", section: "requests",
            page: upload.page(report, messages: self.services.renderer.messages(context.language)), request: request, context: context,
            status: report.committed ? .ok : .unprocessableContent
        )
    }
}
