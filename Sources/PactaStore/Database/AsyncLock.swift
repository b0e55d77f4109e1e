/// A first-come, first-served lock for async code: one holder at a time, waiters resume in order.
/// A waiter may give up after a time limit.
actor AsyncLock {
    private var isLocked = false
    private var waiters: [(id: Int, continuation: CheckedContinuation<Bool, Never>)] = []
    private var nextID = 0

    /// Runs `body` while holding the lock; throws `unavailable` when the lock is not had within `timeout`.
    func withLock<Result: Sendable>(timeout: Duration? = nil, _ body: @Sendable () async throws -> Result) async throws -> Result {
        guard await self.acquire(timeout: timeout) else {
            throw DatabaseError.unavailable("another write has held the database for longer than \(timeout!)")
        }
        do {
            let result = try await body()
            self.release()
            return result
        } catch {
            self.release()
            throw error
        }
    }

    /// Whether the lock was had in time.
    private func acquire(timeout: Duration?) async -> Bool {
        guard self.isLocked else {
            self.isLocked = true
            return true
        }
        let id = self.nextID
        self.nextID += 1
        if let timeout {
            Task {
                try? await Task.sleep(for: timeout)
                self.giveUp(id)
            }
        }
        return await withCheckedContinuation { self.waiters.append((id, $0)) }
    }

    private func giveUp(_ id: Int) {
        guard let index = self.waiters.firstIndex(where: { $0.id == id }) else { return }
        self.waiters.remove(at: index).continuation.resume(returning: false)
    }

    private func release() {
        if self.waiters.isEmpty {
            self.isLocked = false
        } else {
            // Ownership passes straight to the next waiter.
            self.waiters.removeFirst().continuation.resume(returning: true)
        }
    }
}
