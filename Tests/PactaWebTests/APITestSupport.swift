import Foundation
import Hummingbird
import HummingbirdTesting
import PactaCore
import PactaStore

@testable import PactaWeb

extension TestApp {
    /// TI-CRED as the API takes it: TI serves CRED in 2026, with one time commitment on the office calendar.
    static let agreement = """
        {"code": "TI-CRED", "title": "Soporte a Crédito", "provider": "TI", "client": "CRED",
         "valid_from": "2026-01-01", "valid_to": "2026-12-31",
         "commitments": [{"name": "Críticos en 8 h", "metric": "resolution_within", "target": 28800, "goal": 0.95,
                          "calendar": "oficina-uio", "priorities": ["P1"]}]}
        """

    /// Creates TI-CRED over the API, sends it for signature and has both sides sign it.
    func activate(_ client: some TestClientProtocol) async throws -> TestResponse {
        _ = try await client.execute(uri: "/api/v1/agreements", method: .post, headers: self.api(.manager), body: TestApp.json(Self.agreement))
        var response = try await client.execute(uri: "/api/v1/agreements/TI-CRED/submit", method: .post, headers: self.api(.manager))
        for role in [Role.manager, .rater] {
            response = try await self.sign(client, as: role, shown: response)
        }
        return response
    }

    /// Signs as `role` the version and hash of the agreement in `shown`, as the API returned it.
    func sign(_ client: some TestClientProtocol, as role: Role, shown: TestResponse, code: String = "TI-CRED") async throws -> TestResponse {
        let agreement = try shown.decode(AgreementJSON.self)
        let body = #"{"version": \#(agreement.version), "sha256": "\#(agreement.sha256)"}"#
        return try await client.execute(
            uri: "/api/v1/agreements/\(code)/signatures",
            method: .post,
            headers: self.api(role),
            body: TestApp.json(body)
        )
    }
}
