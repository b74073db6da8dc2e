import LLMRouterBackgroundWriter
import LLMRouterCore
import Logging
import PostgresNIO
import Synchronization

/// The backend's work off the request path: the connection pool, the batched writes, and the
/// housekeeping between them (migration, a clear the database missed, other instances' clears,
/// expired rows).
extension PostgresCacheBackend {
    /// Runs the connections and writes queued entries until graceful shutdown (or cancellation),
    /// then the rest, and stops. Never throws: a database that is away is waited out.
    public func run() async {
        var chores = Chores()
        // Detached, so out of the graceful shutdown's reach: PostgresClient.run() would stop at
        // once, and the writer's last batch needs the connections. Cancelled once it is written.
        let connections = Task.detached { [client] in await client.run() }
        await writes.run(write: { await self.write($0) }, between: { await self.housekeeping(&chores) })
        connections.cancel()
        await connections.value
        await thread.shutdown()
    }

    /// When each periodic chore last ran.
    struct Chores {
        var clearCheck: ContinuousClock.Instant?
        var prune: ContinuousClock.Instant?
        var reportedDrops = 0
    }

    func write(_ batch: [Pending]) async {
        let bytes = batch.reduce(0) { $0 + $1.answer.byteCount }
        defer {
            queuedBytes.wrappingSubtract(bytes, ordering: .relaxed)
            finishedWrites.wrappingAdd(batch.count, ordering: .relaxed)
        }
        let floor = clearedAt.load(ordering: .relaxed)
        let live = batch.filter { $0.answer.storedAt > floor }.map { (key: $0.key, answer: $0.answer) }
        counters.dropped(.cleared, count: batch.count - live.count)
        guard !live.isEmpty else { return }
        do {
            let written = try await operation { [client, logger] in try await ResponseCacheSQL.store(live, client: client, logger: logger) }
            counters.written(written)
        } catch {
            counters.dropped(.writeFailed, count: live.count)
        }
    }

    func housekeeping(_ chores: inout Chores) async {
        // Nothing else is tried until the schema is there (its first run makes it).
        if !schemaReady.load(ordering: .relaxed) {
            guard (try? await operation { () }) != nil else { return }
        }
        if let pending = pendingClear.withLock({ $0 }) {
            guard (try? await operation { [client, logger] in try await ResponseCacheSQL.clear(now: pending, client: client, logger: logger) }) != nil
            else { return }
            pendingClear.withLock { if $0 == pending { $0 = nil } }
            logger.notice("response cache database cleared, as asked while it was away")
        }
        let now = ContinuousClock.now
        if chores.clearCheck.map({ now - $0 >= settings.clearCheckInterval }) ?? true {
            chores.clearCheck = now
            await adoptClear()
        }
        if chores.prune.map({ now - $0 >= settings.pruneInterval }) ?? true {
            chores.prune = now
            if let deleted = await deleteExpired(now: Self.wallNow()), deleted > 0 {
                logger.debug("expired cache rows deleted", metadata: ["llmrouter.rows": "\(deleted)"])
            }
            let dropped = writes.dropped
            if dropped > chores.reportedDrops {
                logger.warning(
                    "response cache database fell behind: entries kept in this instance only",
                    metadata: ["llmrouter.entries": "\(dropped - chores.reportedDrops)"]
                )
                chores.reportedDrops = dropped
            }
        }
    }

    /// Deletes the rows expired at `now` (ms since 1970); `nil` when the database is away.
    func deleteExpired(now: Int64) async -> Int? {
        try? await operation { [client, logger] in try await ResponseCacheSQL.deleteExpired(now: now, client: client, logger: logger) }
    }

    /// Empties this instance's memory when another instance cleared the cache since the last look.
    func adoptClear() async {
        guard let marked = await readClearMark() else { return }
        let known = clearedAt.load(ordering: .relaxed)
        guard marked > known else { return }
        clearedAt.raise(to: marked)
        // Entries here may predate the mark. The first look usually comes before any traffic;
        // at worst (the database was away at start) this instance's entries are dropped once.
        let removed = await memory.removeAll()
        if removed > 0 { logger.info("response cache cleared by another instance", metadata: ["llmrouter.entries": "\(removed)"]) }
    }

    /// The clear mark, `nil` when the database is away: a cheap read that also reopens the gate.
    func readClearMark() async -> Int64? {
        try? await operation { [client, logger] in try await ResponseCacheSQL.clearedAt(client: client, logger: logger) }
    }

    /// Runs `body` against the database, migrating it first (once), bounded by the operation
    /// timeout; the outcome opens or closes the read gate.
    func operation<T: Sendable>(_ body: @escaping @Sendable () async throws -> T) async throws -> T {
        let started = ContinuousClock.now
        do {
            let value = try await withTimeout(settings.operationTimeout) { [self] in
                try await ensureSchema()
                return try await body()
            }
            reached(startedAt: started)
            return value
        } catch {
            if !(error is CancellationError) { unreachable(error, startedAt: started) }
            throw error
        }
    }

    private func ensureSchema() async throws {
        guard !schemaReady.load(ordering: .relaxed) else { return }
        let outcome = try await SharedSchema.migrate(client, logger: logger)
        schemaReady.store(true, ordering: .relaxed)
        if outcome.from != outcome.to {
            logger.notice("shared state schema migrated", metadata: ["llmrouter.from": "\(outcome.from)", "llmrouter.to": "\(outcome.to)"])
        }
    }
}
