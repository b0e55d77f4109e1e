import Foundation
import Logging
import PactaCore
import PactaStore
import ServiceLifecycle

/// Marks agreements whose validity ended as expired, each with its ledger entry: at start-up
/// (``expireNow()``, once migrations ran), then every hour. Pages already show them expired by date; this makes the stored state and the
/// ledger say so too. Safe with several instances: each change locks its agreement and checks again.
struct AgreementExpiry: Service {
    let services: AppServices
    let logger: Logger
    var interval: Duration = .seconds(3600)

    func run() async throws {
        // Sleeping first leaves start-up (and its migrations) alone; shutdown ends the sleep early.
        while (try? await cancelWhenGracefulShutdown({ try await Task.sleep(for: self.interval) })) != nil {
            await self.expireNow()
        }
    }

    func expireNow() async {
        do {
            let expired = try await self.services.store.agreements.expire(today: self.services.today, at: self.services.now())
            if !expired.isEmpty { self.logger.info("Agreements expired", metadata: ["agreements": "\(expired.joined(separator: ", "))"]) }
        } catch {
            self.logger.warning("Could not expire agreements", metadata: ["error": "\(error)"])
        }
    }
}
