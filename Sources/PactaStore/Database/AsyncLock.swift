/// A first-come, first-served lock for async code: one holder at a time, waiters resume in order.
actor AsyncLock {
    private var isLocked = false
    private var waiters: [CheckedContinuation<Void, Never>] = []

    /// Runs `body` while holding the lock.
    func withLock<Result: Sendable>(_ body: @Sendable () async throws -> Result) async throws -> Result {
        await self.acquire()
        do {
            let result = try await body()
            self.release()
            return result
        } catch {
            self.release()
            throw error
        }
    }

    private func acquire() async {
        if self.isLocked {
            await withCheckedContinuation { self.waiters.append($0) }
        } else {
            self.isLocked = true
        }
    }

    private func release() {
        if self.waiters.isEmpty {
            self.isLocked = false
        } else {
            // Ownership passes straight to the next waiter.
            self.waiters.removeFirst().resume()
        }
    }
}
