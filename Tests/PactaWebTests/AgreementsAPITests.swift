import Foundation
import Hummingbird
import HummingbirdTesting
import PactaCore
import PactaStore
import PactaTestSupport
import Testing

@testable import PactaWeb

/// `/api/v1/agreements`, `/api/v1/published` and the verification of what was signed.
@Suite struct AgreementsAPITests {
    @Test(arguments: TestDatabase.available)
    func agreementLifecycleOverJSON(database: TestDatabase) async throws {
        try await TestApp.withApp(database) { app in
            try await app.test { client in
                var response = try await client.execute(
                    uri: "/api/v1/agreements",
                    method: .post,
                    headers: app.api(.manager),
                    body: TestApp.json(TestApp.agreement)
                )
                #expect(response.status == .created)
                let draft = try response.decode(AgreementJSON.self)
                #expect(draft.state == .draft)
                #expect(draft.commitments.first?.key == "C1")

                let pending = try await client.execute(uri: "/api/v1/agreements/TI-CRED/submit", method: .post, headers: app.api(.manager))
                #expect(try pending.decode(AgreementJSON.self).state == .pendingSignatures)
                // A signature must say which version and hash it signs.
                response = try await client.execute(uri: "/api/v1/agreements/TI-CRED/signatures", method: .post, headers: app.api(.manager))
                #expect(response.status == .badRequest)
                // The manager belongs to TI (provider), the rater to CRED (client), the admin to neither.
                response = try await app.sign(client, as: .admin, shown: pending)
                #expect(response.status == .forbidden)
                #expect(try response.apiError().code == "not_a_party")
                response = try await app.sign(client, as: .manager, shown: pending)
                #expect(response.status == .created)
                response = try await app.sign(client, as: .manager, shown: pending)
                #expect(response.status == .conflict)
                response = try await app.sign(client, as: .rater, shown: pending)
                let active = try response.decode(AgreementJSON.self)
                #expect(active.state == .active)
                let signatures = active.signatures
                #expect(signatures.count == 2)
                #expect(signatures.allSatisfy { $0.sha256 == active.sha256 })

                response = try await client.execute(uri: "/api/v1/published", method: .get, headers: app.api(.viewer))
                #expect(try response.decode(PublicationBody.self).items.map(\.code) == ["TI-CRED"])

                let revised = TestApp.agreement.replacingOccurrences(of: "0.95", with: "0.9")
                response = try await client.execute(
                    uri: "/api/v1/agreements/TI-CRED",
                    method: .put,
                    headers: app.api(.manager),
                    body: TestApp.json(revised)
                )
                let revision = try response.decode(AgreementJSON.self)
                #expect(revision.version == 2)
                #expect(revision.state == .pendingSignatures)
                response = try await client.execute(uri: "/api/v1/agreements/TI-CRED/versions/1", method: .get, headers: app.api(.viewer))
                #expect(try response.decode(AgreementDocument.self).terms.commitments.first?.goal == 0.95)
                #expect(Hashing.sha256Hex(response.body.readableBytesView) == signatures.first?.sha256, "the bytes signed")

                response = try await client.execute(uri: "/api/v1/verify", method: .get, headers: app.api(.viewer))
                let report = try response.decode(VerificationReport.self)
                #expect(report.checkedSignatures == 2)
                #expect(report.issues.isEmpty)
            }
        }
    }
}
