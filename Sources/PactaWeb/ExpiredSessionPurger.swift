import Foundation
import Logging
import PactaStore
import ServiceLifecycle

/// Deletes expired sessions and spent login-throttle counters once an hour, so the tables only hold live ones.
struct ExpiredSessionPurger: Service {
    let store: Store
    let logger: Logger
    var interval: Duration = .seconds(3600)

    func run() async throws {
        // Sleeping first also leaves start-up (and its migrations) alone; shutdown ends the sleep early.
        while (try? await cancelWhenGracefulShutdown({ try await Task.sleep(for: self.interval) })) != nil {
            do {
                let now = Date()
                try await self.store.keyValues.purgeExpired(now: now)
                try await self.store.loginThrottle.purge(before: now.addingTimeInterval(-3600), now: now)
            } catch {
                self.logger.warning("Could not purge expired sessions", metadata: ["error": "\(error)"])
            }
        }
    }
}
