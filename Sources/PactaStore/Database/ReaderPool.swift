/// A fixed set of connections lent one at a time; callers wait, first come first served, when all are out.
actor ReaderPool<Connection: Sendable> {
    private var idle: [Connection]
    private var waiters: [CheckedContinuation<Connection, Never>] = []
    private let size: Int

    init(_ connections: [Connection]) {
        self.idle = connections
        self.size = connections.count
    }

    /// Lends a connection to `body` and takes it back afterwards, whatever happens.
    nonisolated func withConnection<Result: Sendable>(_ body: @Sendable (Connection) async throws -> Result) async throws -> Result {
        let connection = await self.acquire()
        do {
            let result = try await body(connection)
            await self.release(connection)
            return result
        } catch {
            await self.release(connection)
            throw error
        }
    }

    /// Takes every connection back, once none is lent, to close them.
    func drain() async -> [Connection] {
        var all: [Connection] = []
        for _ in 0..<self.size { all.append(await self.acquire()) }
        return all
    }

    private func acquire() async -> Connection {
        if let connection = self.idle.popLast() { return connection }
        return await withCheckedContinuation { self.waiters.append($0) }
    }

    private func release(_ connection: Connection) {
        if self.waiters.isEmpty {
            self.idle.append(connection)
        } else {
            self.waiters.removeFirst().resume(returning: connection)
        }
    }
}
