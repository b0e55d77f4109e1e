import Foundation
import Hummingbird
import PactaCore
import PactaStore

/// Who may read `/metrics`: Prometheus with the configured `METRICS_TOKEN`, or an administrator's
/// API token. The figures tell how Pacta is used; they are not for everyone on the network.
struct MetricsAccess: Sendable {
    let services: AppServices

    func check(_ request: Request) async throws {
        guard let secret = request.headers.bearerSecret else {
            throw APIError(.unauthorized, code: "unauthorized", message: "Send the metrics token (Authorization: Bearer …).")
        }
        if let token = self.services.metricsToken, CSRFMiddleware.same(secret, token) { return }
        guard let holder = try await self.services.store.tokens.authenticate(secret: secret, at: self.services.now()) else {
            throw APIError(.unauthorized, code: "invalid_token", message: "The token is not the metrics token nor a known API token.")
        }
        guard holder.user.role == .admin else {
            throw APIError(.forbidden, code: "forbidden", message: "Only administrators' API tokens read the metrics.")
        }
    }
}
