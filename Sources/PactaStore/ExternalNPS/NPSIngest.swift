import Foundation
import PactaCore

/// Takes answers one at a time, as customers give them, and writes those that arrive together at
/// once (group commit: one statement on PostgreSQL, one transaction on SQLite): each caller waits
/// for the commit that holds its answer, so an acknowledgement always means durable, while the
/// database commits once per batch instead of once per answer. At most `writers` batches are
/// written at a time; an answer sent twice in one batch waits for the next, so that each batch
/// writes an `external_ref` once.
public actor NPSIngest {
    public nonisolated let store: Store
    public nonisolated let unknown: UnknownCodes
    public nonisolated let timeZone: TimeZone
    /// Batches written at once. One by default: every batch adds to the same few count rows (a
    /// day's channels and transaction types), so a second batch would only wait for the first's
    /// row locks; one writer instead takes everything that arrived while the previous commit ran.
    public nonisolated let writers: Int
    /// The most answers in one transaction.
    public nonisolated let batchLimit: Int

    private var pending: [Waiting] = []
    private var running = 0

    private struct Waiting {
        var answer: NPSAnswer
        var continuation: CheckedContinuation<NPSWriteOutcome, any Error>
    }

    public init(store: Store, unknown: UnknownCodes, timeZone: TimeZone, writers: Int = 1, batchLimit: Int = 1000) {
        self.store = store
        self.unknown = unknown
        self.timeZone = timeZone
        self.writers = max(1, writers)
        self.batchLimit = max(1, batchLimit)
    }

    /// Stores `answer` and returns once it is committed (or refused).
    public func submit(_ answer: NPSAnswer) async throws -> NPSWriteOutcome {
        try await withCheckedThrowingContinuation { continuation in
            self.pending.append(Waiting(answer: answer, continuation: continuation))
            if self.running < self.writers {
                self.running += 1
                // Ahead of the requests: every answer waiting is held up while the writer waits
                // for a thread behind them.
                Task(priority: .high) { await self.drain() }
            }
        }
    }

    /// Writes batches until nothing waits.
    private func drain() async {
        while !self.pending.isEmpty {
            let batch = self.nextBatch()
            let answers = batch.map(\.answer)
            do {
                let outcomes = try await NPSAnswerWriter.commit(answers, to: self.store, unknown: self.unknown, timeZone: self.timeZone, at: Date())
                for (waiting, outcome) in zip(batch, outcomes) { waiting.continuation.resume(returning: outcome) }
            } catch {
                for waiting in batch { waiting.continuation.resume(throwing: error) }
            }
        }
        self.running -= 1
    }

    /// The oldest waiting answers, each `external_ref` once, up to the limit.
    private func nextBatch() -> [Waiting] {
        var batch: [Waiting] = []
        var refs = Set<String>()
        var rest: [Waiting] = []
        for waiting in self.pending {
            if batch.count < self.batchLimit, refs.insert(waiting.answer.externalRef).inserted {
                batch.append(waiting)
            } else {
                rest.append(waiting)
            }
        }
        self.pending = rest
        return batch
    }
}
