#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import LLMRouterBackgroundWriter
public import LLMRouterCore
public import Logging
public import Metrics
import PostgresNIO
public import ServiceLifecycle
import Synchronization

/// The response cache shared by every instance on one PostgreSQL database
/// (`LLMROUTER_CACHE=postgres`, `LLMROUTER_DATABASE_URL`): exact entries in
/// `llmrouter_response_cache`, under the key every instance computes alike.
///
/// The request path never waits long on the database:
/// - an in-memory LRU (``MemoryCacheBackend``, `LLMROUTER_CACHE_MAX_BYTES`) answers first, and a
///   local hit never touches the database;
/// - a local miss reads the table once, bounded by ``Settings/readTimeout``; a timeout or an
///   error is a plain miss (counted), and then for ``Settings/retryAfter`` local misses do not
///   ask at all (``DatabaseReadGate``); an entry found is kept in memory;
/// - a store keeps the entry in memory and only queues it: ``run()`` writes the queue in batches
///   (one statement each) on its own niced thread, as the SQLite backend does; a full queue
///   drops the write (counted; the entry stays in memory).
///
/// A clear (``removeAll()``) deletes the table's rows and marks the time: the database refuses
/// entries stored before it from any instance's writer, and every instance drops its memory
/// when it sees the mark move (within ``Settings/clearCheckInterval``). The router decides what
/// is stored and for how long; this backend keeps and serves it until `expiresAt`, and deletes
/// expired rows every ``Settings/pruneInterval``.
public final class PostgresCacheBackend: ResponseCacheBackend, Service {
    public struct Settings: Sendable {
        public var url: DatabaseURL
        /// The bound of the in-memory front (`LLMROUTER_CACHE_MAX_BYTES`).
        public var maxBytes: Int
        /// The longest a local miss waits for the database. A miss goes on to an upstream
        /// (hundreds of milliseconds), so this bounds the added wait at a fraction of that, while
        /// leaving a busy database room: a spurious timeout costs an upstream call.
        public var readTimeout: Duration = .milliseconds(50)
        /// After a failed read or write, local misses stop asking for this long.
        public var retryAfter: Duration = .seconds(1)
        /// The longest a write, a clear or the migration may take (off the request path).
        public var operationTimeout: Duration = .seconds(5)
        /// Entries waiting to be written; beyond it new entries stay in memory only.
        public var queueCapacity = 4096
        /// Bytes of entries waiting to be written; beyond it new entries stay in memory only.
        public var queueBytes = 16 << 20
        /// Entries per statement; a full batch wakes the writer at once.
        public var batchSize = 64
        /// Longest wait before a new entry is written: how late other instances may see it.
        public var flushInterval: Duration = .milliseconds(200)
        /// How often the clear mark is read, so a clear on another instance empties this memory.
        public var clearCheckInterval: Duration = .seconds(1)
        /// How often expired rows are deleted.
        public var pruneInterval: Duration = .seconds(60)
        /// Connections kept open, so a local miss does not wait for one to be made (of at most 6).
        public var minimumConnections = 2

        public init(url: DatabaseURL, maxBytes: Int) {
            self.url = url
            self.maxBytes = maxBytes
        }
    }

    /// One entry waiting for the writer.
    struct Pending: Sendable {
        var key: CacheKey
        var answer: CachedAnswer
    }

    public let settings: Settings
    let memory: MemoryCacheBackend
    let client: PostgresClient
    let writes: BatchWriter<Pending>
    let thread: BackgroundWriterThread
    let counters: SharedCacheCounters
    let logger: Logger
    private let gate: Mutex<DatabaseReadGate<ContinuousClock.Instant>>
    let schemaReady = Atomic(false)
    let queuedBytes = Atomic(0)
    /// The latest clear known here (made here or read from the mark), ms since 1970: entries
    /// stored before it are not written.
    let clearedAt = Atomic<Int64>(0)
    /// Entries handed to the writer, and those it has finished with (written, refused or
    /// failed), since start: all is written when they are equal.
    let enqueuedWrites = Atomic(0)
    let finishedWrites = Atomic(0)
    /// A clear made here that the database has not taken yet (it was away), retried by the writer.
    let pendingClear = Mutex<Int64?>(nil)

    public init(settings: Settings, logger: Logger, metrics: any MetricsFactory = MetricsSystem.factory) {
        self.settings = settings
        self.logger = logger
        memory = MemoryCacheBackend(maxBytes: settings.maxBytes)
        counters = SharedCacheCounters(factory: metrics)
        gate = Mutex(DatabaseReadGate(retryAfter: settings.retryAfter))
        thread = BackgroundWriterThread(name: "cache-postgres")
        writes = BatchWriter(capacity: settings.queueCapacity, batchSize: settings.batchSize, flushInterval: settings.flushInterval, thread: thread)
        var configuration = settings.url.clientConfiguration
        configuration.options.minimumConnections = settings.minimumConnections
        configuration.options.maximumConnections = max(6, settings.minimumConnections)
        // The driver's own logs stay quiet below warnings: they would name every connection.
        var driverLogger = logger
        driverLogger.logLevel = max(logger.logLevel, .warning)
        client = PostgresClient(configuration: configuration, backgroundLogger: driverLogger)
    }

    // MARK: ResponseCacheBackend

    public func entry(for key: CacheKey, now: Int64) async -> CachedAnswer? {
        if let local = await memory.entry(for: key, now: now) { return local }
        guard schemaReady.load(ordering: .relaxed), gate.withLock({ $0.admits(now: .now) }) else {
            counters.read(.skipped)
            return nil
        }
        let started = ContinuousClock.now
        do {
            let found = try await withTimeout(settings.readTimeout) { [client, logger] in
                try await ResponseCacheSQL.entry(key, now: now, client: client, logger: logger)
            }
            reached(startedAt: started)
            counters.read(found == nil ? .miss : .hit)
            guard let found, found.storedAt > clearedAt.load(ordering: .relaxed) else { return nil }
            await memory.store(found, for: key)
            return found
        } catch is CancellationError {
            // The request went away: says nothing about the database.
            return nil
        } catch {
            counters.read(error is TimedOut ? .timeout : .error)
            unreachable(error, startedAt: started)
            return nil
        }
    }

    @discardableResult
    public func store(_ entry: CachedAnswer, for key: CacheKey) async -> Int {
        let evicted = await memory.store(entry, for: key)
        let bytes = entry.byteCount
        if queuedBytes.wrappingAdd(bytes, ordering: .relaxed).newValue > settings.queueBytes {
            queuedBytes.wrappingSubtract(bytes, ordering: .relaxed)
            counters.dropped(.queueFull)
        } else if writes.append(Pending(key: key, answer: entry)) {
            enqueuedWrites.wrappingAdd(1, ordering: .relaxed)
        } else {
            queuedBytes.wrappingSubtract(bytes, ordering: .relaxed)
            counters.dropped(.queueFull)
        }
        return evicted
    }

    /// Forgets every entry here and in the database, for every instance.
    /// - Returns: how many entries the table held; this instance's own count when the database
    ///   is away (the table is then cleared as soon as it is back).
    @discardableResult
    public func removeAll() async -> Int {
        let removedHere = await memory.removeAll()
        let now = Self.wallNow()
        clearedAt.raise(to: now)
        do {
            return try await operation { [client, logger] in try await ResponseCacheSQL.clear(now: now, client: client, logger: logger) }
        } catch {
            pendingClear.withLock { $0 = max($0 ?? 0, now) }
            logger.warning("response cache database away: the shared entries are cleared once it is back")
            return removedHere
        }
    }

    /// This instance's in-memory entries (the table may hold more).
    public func occupancy() async -> CacheOccupancy {
        await memory.occupancy()
    }

    // MARK: The database's state

    /// A read or write begun at `startedAt` reached the database.
    func reached(startedAt: ContinuousClock.Instant) {
        // The gauge is set under the lock, so it ends as the gate does.
        let change = gate.withLock { gate in
            defer { if !gate.isClosed { counters.databaseUp(true) } }
            return gate.succeeded(startedAt: startedAt)
        }
        guard change == .cameBack else { return }
        logger.notice("response cache database back: cached answers shared again", metadata: ["llmrouter.database": "\(settings.url)"])
    }

    /// A read or write begun at `startedAt` failed or timed out.
    func unreachable(_ error: any Error, startedAt: ContinuousClock.Instant) {
        let change = gate.withLock { gate in
            defer { if gate.isClosed { counters.databaseUp(false) } }
            return gate.failed(startedAt: startedAt, now: .now)
        }
        guard change == .wentAway else { return }
        logger.warning(
            "response cache database unavailable: local misses are plain misses and new entries stay in this instance until it is back",
            metadata: [
                "llmrouter.database": "\(settings.url)",
                "llmrouter.error": "\(SharedStateHealth.describe(error, masking: settings.url.secrets))",
            ]
        )
    }

    /// Whether the schema is in place, so local misses ask the database.
    public var isReady: Bool { schemaReady.load(ordering: .relaxed) }

    static func wallNow() -> Int64 {
        Int64((Date().timeIntervalSince1970 * 1000).rounded())
    }
}

extension Atomic where Value == Int64 {
    /// Raises the value to `candidate` when it is larger.
    func raise(to candidate: Int64) {
        var current = load(ordering: .relaxed)
        while current < candidate {
            let (exchanged, original) = compareExchange(expected: current, desired: candidate, ordering: .relaxed)
            if exchanged { return }
            current = original
        }
    }
}
