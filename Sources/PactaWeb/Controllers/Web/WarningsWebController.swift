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

    /// `?unit=TI` shows one unit's, `?unit=` all of them; by default the person's own unit, or
    /// all of them for administrators and management.
    @Sendable func page(_ request: Request, context: AppRequestContext) async throws -> HTML {
        let user = try context.user
        let unit = request.uri.queryParameters.get("unit").map { String($0) } ?? WarningsPage.defaultUnit(role: user.role, unit: user.unit)
        let warnings = try await self.services.store.breachWarnings(
            at: self.services.now(),
            threshold: self.services.warningThreshold,
            unit: unit.isEmpty ? nil : unit
        )
        let page = WarningsPage(
            warnings,
            unit: unit,
            units: try await self.services.store.units.list(),
            threshold: self.services.warningThreshold,
            messages: self.services.renderer.messages(context.language),
            timeZone: self.services.timeZone
        )
        return self.services.renderer.render(page, titleKey: "warnings.title", section: "warnings", request: request, context: context)
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
