import Foundation
import Hummingbird
import HummingbirdAuth
import PactaCore
import PactaStore

/// Open requests about to breach a time commitment, so that providers act before the breach.
struct WarningsWebController: Sendable {
    let services: AppServices

    func addRoutes(to group: RouterGroup<AppRequestContext>) {
        group.group("warnings").add(middleware: RequireRoleMiddleware(Role.everyone)).get(use: self.page)
    }

    /// `?unit=TI` shows one unit's; by default the signed-in user's unit, `?unit=` all of them.
    @Sendable func page(_ request: Request, context: AppRequestContext) async throws -> HTML {
        let user = try context.user
        let unit: String = request.uri.queryParameters.get("unit").map { String($0) } ?? user.unit
        let warnings = try await self.services.store.breachWarnings(
            at: self.services.now(),
            threshold: self.services.warningThreshold,
            unit: unit.isEmpty ? nil : unit
        )
        let rows: [[String: Any]] = warnings.map { item in
            let warning = item.warning
            return [
                "agreement": item.agreement, "agreementHref": "/agreements/\(item.agreement)", "agreementTitle": item.agreementTitle,
                "commitment": warning.commitment, "commitmentName": item.commitmentName,
                "externalRef": warning.request.externalRef, "priority": warning.request.priority,
                "href": RequestsWebController.href(provider: warning.request.provider, externalRef: warning.request.externalRef),
                "openedAt": Format.instant(warning.request.openedAt, in: self.services.timeZone),
                "elapsed": Format.duration(warning.elapsed), "target": Format.duration(warning.target),
                "dueAt": warning.dueAt.map { Format.instant($0, in: self.services.timeZone) } ?? "—",
                "ratio": "\(Int((warning.ratio * 100).rounded())) %", "breached": warning.isBreached,
            ]
        }
        let page: [String: Any] = [
            "rows": rows, "unit": unit, "threshold": "\(Int((self.services.warningThreshold * 100).rounded())) %",
            "units": options(
                try await self.services.store.units.list(),
                selected: { $0.code == unit },
                describe: { ["code": $0.code, "name": $0.name] }
            ),
            "allSelected": unit.isEmpty,
        ]
        return self.services.renderer.render(
            .warnings,
            titleKey: "warnings.title",
            section: "warnings",
            page: page,
            request: request,
            context: context
        )
    }
}

/// The warnings as the API returns them.
struct WarningsJSON: ResponseEncodable, Sendable {
    struct Item: Codable, Sendable {
        var agreement: String
        var commitment: String
        var externalRef: String
        var provider: String
        var client: String
        var priority: String
        var openedAt: String
        var businessSeconds: Int64
        var targetSeconds: Int64
        var dueAt: String?
        var ratio: Double
        var breached: Bool
    }
    var items: [Item]

    init(_ warnings: [AgreementWarning]) {
        self.items = warnings.map {
            let warning = $0.warning
            return Item(
                agreement: $0.agreement,
                commitment: warning.commitment,
                externalRef: warning.request.externalRef,
                provider: warning.request.provider,
                client: warning.request.client,
                priority: warning.request.priority,
                openedAt: Timestamp.format(warning.request.openedAt),
                businessSeconds: warning.elapsed,
                targetSeconds: warning.target,
                dueAt: warning.dueAt.map(Timestamp.format),
                ratio: (warning.ratio * 1000).rounded() / 1000,
                breached: warning.isBreached
            )
        }
    }
}
