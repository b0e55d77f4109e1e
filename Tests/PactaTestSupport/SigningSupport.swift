import Foundation
import PactaCore
import PactaStore

extension AgreementRepository {
    /// Signs the current version as the signer reads it: its number and hash as stored now.
    @discardableResult
    public func signCurrentVersion(_ code: String, by signer: Actor, at instant: Date, today: LocalDate) async throws -> Agreement {
        guard let current = try await self.get(code, visibleTo: nil)?.agreement else { throw NotFoundError("agreement", code) }
        return try await self.sign(code, shown: .init(version: current.version, sha256: current.sha256), by: signer, at: instant, today: today)
    }
}
