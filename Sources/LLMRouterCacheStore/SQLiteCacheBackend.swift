#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
public import LLMRouterBackgroundWriter
public import LLMRouterCore
public import Logging
import NIOCore
import NIOPosix
public import ServiceLifecycle
import SQLiteNIO
import Synchronization

/// The response cache kept in a SQLite file as well as in memory (`LLMROUTER_CACHE=sqlite:PATH`),
/// so answers survive a restart.
///
/// Reads never touch the disk: the live entries are loaded into a ``MemoryCacheBackend`` at
/// startup and served from there. Writes go the usage log's way: a store only queues the entry
/// for a ``BatchWriter``, which ``run()`` writes in batches (one transaction each) on the
/// backend's own ``BackgroundWriterThread`` (`cache-store`), yielding to the event loops while it
/// keeps up (one entry per statement) and writing up to 64 per statement when it falls behind.
/// A full queue (in entries or in bytes) drops the write (the entry stays in memory) and says
/// so in the log. Expired entries are deleted at startup and every ``WriterSettings/pruneInterval``.
/// Entries are appended (``CacheSQL/createTable`` says why): an answer stored again keeps its
/// older row until the next start, which loads the newest and deletes the rest.
public final class SQLiteCacheBackend: ResponseCacheBackend, Service {
    enum Change: Sendable {
        case store(CacheKey, CachedAnswer)
        case clear
    }

    /// How the file is written.
    public struct WriterSettings: Sendable {
        /// Changes waiting to be written; beyond it new entries stay in memory only.
        public var queueCapacity = 10_000
        /// Bytes of answers (``CachedAnswer/byteCount``) waiting to be written; beyond it new
        /// entries stay in memory only. Bounds what the queue holds once the memory bound has
        /// evicted them (an answer may be 1 MiB).
        public var queueBytes = 16 << 20
        /// Changes per transaction; a full batch wakes the writer at once.
        public var batchSize = 256
        /// Longest wait before a new entry is written.
        public var flushInterval: Duration = .seconds(1)
        /// How often expired entries are deleted from the file.
        public var pruneInterval: Duration = .seconds(60)

        public init() {}
    }

    /// Entries per `INSERT` while the writer keeps up: an event loop that wakes on the writer's
    /// CPU waits for at most one; a writer catching up writes up to ``catchUpEntriesPerStatement``.
    static let entriesPerStatement = 1
    static let catchUpEntriesPerStatement = 64
    private static let oneEntry = CacheSQL.insert(rows: 1)

    public let path: String
    /// What the file may hold, as memory may (`LLMROUTER_CACHE_MAX_BYTES`).
    private let maxBytes: Int
    private let memory: MemoryCacheBackend
    private let connection: SQLiteConnection
    private let thread: BackgroundWriterThread
    private let writes: BatchWriter<Change>
    private let settings: WriterSettings
    private let logger: Logger
    private let queuedBytes = Atomic(0)
    private let droppedForBytes = Atomic(0)

    private init(path: String, maxBytes: Int, memory: MemoryCacheBackend, connection: SQLiteConnection, thread: BackgroundWriterThread,
                 settings: WriterSettings, logger: Logger) {
        self.path = path
        self.maxBytes = maxBytes
        self.memory = memory
        self.connection = connection
        self.thread = thread
        self.settings = settings
        self.logger = logger
        writes = BatchWriter(
            capacity: settings.queueCapacity, batchSize: settings.batchSize, flushInterval: settings.flushInterval, thread: thread
        )
    }

    /// Opens (creating it and its folder) the cache file at `path` and loads its live entries,
    /// newest last, up to `maxBytes`.
    /// - Throws: ``CacheStoreError`` naming `path`.
    public static func open(
        path: String, maxBytes: Int, now: Int64, logger: Logger, writer: WriterSettings = .init()
    ) async throws -> SQLiteCacheBackend {
        let folder = URL(fileURLWithPath: path).deletingLastPathComponent().path
        do {
            try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        } catch {
            throw CacheStoreError("\(path): cannot create the folder \(folder) (\(error))")
        }
        let thread = BackgroundWriterThread(name: "cache-store")
        let memory = MemoryCacheBackend(maxBytes: maxBytes)
        let connection: SQLiteConnection
        do {
            connection = try await load(path: path, into: memory, maxBytes: maxBytes, now: now, thread: thread, logger: logger)
        } catch let unusable as UnusableFile {
            // Only a cache: a file a crash left broken (it is written without fsync) is set aside
            // and the cache starts empty, rather than keep the server from starting.
            let aside = path + ".unusable-\(now)"
            do {
                for suffix in ["", "-wal", "-shm"] where FileManager.default.fileExists(atPath: path + suffix) {
                    try FileManager.default.moveItem(atPath: path + suffix, toPath: aside + suffix)
                }
                connection = try await load(path: path, into: memory, maxBytes: maxBytes, now: now, thread: thread, logger: logger)
            } catch {
                await thread.shutdown()
                throw CacheStoreError("\(path): not a usable cache file (\(unusable.cause)), and it could not be set aside (\(error))")
            }
            logger.warning(
                "response cache file was not usable: set aside, starting with an empty cache",
                metadata: ["llmrouter.cache_file": "\(path)", "llmrouter.set_aside": "\(aside)", "llmrouter.error": "\(unusable.cause)"]
            )
        } catch {
            await thread.shutdown()
            throw error
        }
        return SQLiteCacheBackend(path: path, maxBytes: maxBytes, memory: memory, connection: connection, thread: thread, settings: writer, logger: logger)
    }

    /// A file SQLite opened but could not use as the cache's (not a database, or damaged).
    private struct UnusableFile: Error {
        var cause: any Error
    }

    /// Opens the file, prepares it (expired entries and answers stored again since deleted,
    /// trimmed to `maxBytes`) and loads its live entries into `memory`, newest last.
    private static func load(
        path: String, into memory: MemoryCacheBackend, maxBytes: Int, now: Int64, thread: BackgroundWriterThread, logger: Logger
    ) async throws -> SQLiteConnection {
        let connection: SQLiteConnection
        do {
            connection = try await SQLiteConnection.open(
                storage: .file(path: path), threadPool: thread.pool, logger: logger, on: thread.eventLoop
            )
        } catch {
            throw CacheStoreError("\(path): cannot open the cache file (\(error))")
        }
        do {
            try await CacheSQL.open(connection)
            _ = try await connection.query(CacheSQL.deleteExpired, [.integer(Int(now))])
            _ = try await connection.query(CacheSQL.deleteSuperseded)
            _ = try await connection.query(CacheSQL.trimToBytes, [.integer(maxBytes)])
            for row in try await connection.query(CacheSQL.loadLive, [.integer(Int(now))]) {
                guard let (key, answer) = CacheSQL.entry(from: row) else { continue }
                await memory.store(answer, for: key)
            }
            return connection
        } catch {
            try? await connection.close()
            _ = await memory.removeAll()
            throw UnusableFile(cause: error)
        }
    }

    public func entry(for key: CacheKey, now: Int64) async -> CachedAnswer? {
        await memory.entry(for: key, now: now)
    }

    @discardableResult
    public func store(_ entry: CachedAnswer, for key: CacheKey) async -> Int {
        let evicted = await memory.store(entry, for: key)
        let bytes = entry.byteCount
        if queuedBytes.wrappingAdd(bytes, ordering: .relaxed).newValue > settings.queueBytes {
            queuedBytes.wrappingSubtract(bytes, ordering: .relaxed)
            droppedForBytes.wrappingAdd(1, ordering: .relaxed)
        } else if !writes.append(.store(key, entry)) {
            queuedBytes.wrappingSubtract(bytes, ordering: .relaxed)
        }
        return evicted
    }

    @discardableResult
    public func removeAll() async -> Int {
        let removed = await memory.removeAll()
        let dropped = writes.replaceWaiting(with: .clear)
        queuedBytes.wrappingSubtract(Self.bytes(of: dropped), ordering: .relaxed)
        return removed
    }

    public func occupancy() async -> CacheOccupancy {
        await memory.occupancy()
    }

    /// Writes queued changes until graceful shutdown, then the rest, and closes the file; every
    /// ``WriterSettings/pruneInterval`` deletes expired entries and trims the file to the bound.
    public func run() async throws {
        var lastPrune = ContinuousClock.now
        var reportedDrops = 0
        await writes.run(write: write) {
            let dropped = droppedWrites
            if dropped > reportedDrops {
                logger.warning(
                    "response cache file fell behind: entries kept in memory only",
                    metadata: ["llmrouter.cache_file": "\(path)", "llmrouter.entries": "\(dropped - reportedDrops)"]
                )
                reportedDrops = dropped
            }
            guard ContinuousClock.now - lastPrune >= settings.pruneInterval else { return }
            await prune()
            lastPrune = .now
        }
        await close()
    }

    /// Writes every queued change now, a batch per transaction.
    public func flush() async {
        await writes.flush(write: write)
    }

    /// Closes the file and stops the writer's thread (``run()`` does it when it ends).
    public func close() async {
        try? await connection.close()
        await thread.shutdown()
    }

    /// Entries not written because the queue was full, since start.
    public var droppedWrites: Int { writes.dropped + droppedForBytes.load(ordering: .relaxed) }

    /// The thread the file is written on.
    public var writerThread: BackgroundWriterThread { thread }

    private static func bytes(of changes: [Change]) -> Int {
        changes.reduce(0) { total, change in
            guard case .store(_, let answer) = change else { return total }
            return total + answer.byteCount
        }
    }

    private func write(_ batch: [Change]) async {
        defer { queuedBytes.wrappingSubtract(Self.bytes(of: batch), ordering: .relaxed) }
        let perStatement = thread.isCatchingUp ? Self.catchUpEntriesPerStatement : Self.entriesPerStatement
        do {
            _ = try await connection.query("BEGIN IMMEDIATE")
            var index = batch.startIndex
            while index < batch.endIndex {
                guard case .store = batch[index] else {
                    _ = try await connection.query(CacheSQL.deleteAll)
                    index += 1
                    continue
                }
                var binds: [SQLiteData] = []
                binds.reserveCapacity(perStatement * CacheSQL.columns.count)
                var rows = 0
                while index < batch.endIndex, rows < perStatement, case .store(let key, let answer) = batch[index] {
                    CacheSQL.appendBinds(key, answer, to: &binds)
                    rows += 1
                    index += 1
                }
                _ = try await connection.query(rows == 1 ? Self.oneEntry : CacheSQL.insert(rows: rows), binds)
            }
            _ = try await connection.query("COMMIT")
        } catch {
            _ = try? await connection.query("ROLLBACK")
            logger.warning("response cache write failed", metadata: ["llmrouter.cache_file": "\(path)", "llmrouter.error": "\(error)"])
        }
    }

    /// Deletes expired entries, then the oldest beyond ``maxBytes``: entries evicted from memory
    /// would otherwise stay in the file until they expire.
    func prune() async {
        let now = Int((Date().timeIntervalSince1970 * 1000).rounded())
        do {
            _ = try await connection.query(CacheSQL.deleteExpired, [.integer(now)])
            _ = try await connection.query(CacheSQL.trimToBytes, [.integer(maxBytes)])
        } catch {
            logger.warning("response cache prune failed", metadata: ["llmrouter.cache_file": "\(path)", "llmrouter.error": "\(error)"])
        }
    }

    /// Deletes every entry of the file at `path` (for `llmrouter cache clear --file`).
    /// - Returns: how many answers there were (an answer stored again counted once).
    public static func clearFile(path: String, logger: Logger) async throws -> Int {
        guard FileManager.default.fileExists(atPath: path) else { throw CacheStoreError("\(path): no such cache file") }
        let connection = try await SQLiteConnection.open(storage: .file(path: path), logger: logger)
        do {
            try await CacheSQL.open(connection)
            let count = try await connection.query(CacheSQL.countKeys).first?.column("n")?.integer ?? 0
            _ = try await connection.query(CacheSQL.deleteAll)
            try await connection.close()
            return count
        } catch {
            try? await connection.close()
            throw CacheStoreError("\(path): cannot clear the cache file (\(error))")
        }
    }
}

public struct CacheStoreError: Error, CustomStringConvertible, Sendable {
    public var description: String

    init(_ description: String) {
        self.description = description
    }
}
