import Foundation
import PactaStore
import PactaTestSupport
import Testing

@Suite struct LoginThrottleTests {
    @Test(arguments: TestDatabase.available)
    func aBurstOfSimultaneousGuessesMeetsTheLimit(database: TestDatabase) async throws {
        try await database.withStore { store in
            let policy = LoginThrottle.Policy()
            let decisions = try await withThrowingTaskGroup(of: LoginThrottle.Decision.self) { group in
                for _ in 1...30 {
                    group.addTask {
                        try await store.loginThrottle.attempt(username: "admin", address: "203.0.113.7", at: Fixtures.now, policy: policy)
                    }
                }
                return try await group.reduce(into: []) { $0.append($1) }
            }
            let allowed = decisions.filter { if case .allowed = $0 { true } else { false } }
            #expect(allowed.count == policy.refuseAccountAt, "only the first five are checked, however they arrive")
        }
    }
}
