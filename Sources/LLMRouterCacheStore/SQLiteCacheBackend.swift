#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
public import LLMRouterCore
public import Logging
import NIOCore
public import ServiceLifecycle
import SQLiteNIO
import Synchronization

/// The response cache kept in a SQLite file as well as in memory (`LLMROUTER_CACHE=sqlite:PATH`),
/// so answers survive a restart.
///
/// Reads never touch the disk: the live entries are loaded into a ``MemoryCacheBackend`` at
/// startup and served from there. Writes are queued and written by ``run()`` in one
/// transaction per wake-up, off the request path, as the usage log is; entries past their
/// expiry are deleted on the way.
public final class SQLiteCacheBackend: ResponseCacheBackend, Service {
    private enum Change: Sendable {
        case store(CacheKey, CachedAnswer)
        case clear
    }

    public let path: String
    private let memory: MemoryCacheBackend
    private let connection: SQLiteConnection
    private let logger: Logger
    private let pending = Mutex<[Change]>([])
    private let wakeups: AsyncStream<Void>
    private let wake: AsyncStream<Void>.Continuation

    private init(path: String, memory: MemoryCacheBackend, connection: SQLiteConnection, logger: Logger) {
        self.path = path
        self.memory = memory
        self.connection = connection
        self.logger = logger
        (wakeups, wake) = AsyncStream.makeStream(bufferingPolicy: .bufferingNewest(1))
    }

    /// Opens (creating it and its folder) the cache file at `path` and loads its live entries,
    /// newest last, up to `maxBytes`.
    /// - Throws: ``CacheStoreError`` naming `path`.
    public static func open(path: String, maxBytes: Int, now: Int64, logger: Logger) async throws -> SQLiteCacheBackend {
        let folder = URL(fileURLWithPath: path).deletingLastPathComponent().path
        do {
            try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        } catch {
            throw CacheStoreError("\(path): cannot create the folder \(folder) (\(error))")
        }
        let connection: SQLiteConnection
        do {
            connection = try await SQLiteConnection.open(storage: .file(path: path), logger: logger)
        } catch {
            throw CacheStoreError("\(path): cannot open the cache file (\(error))")
        }
        let memory = MemoryCacheBackend(maxBytes: maxBytes)
        do {
            for statement in CacheSQL.prepare { _ = try await connection.query(statement) }
            _ = try await connection.query(CacheSQL.deleteExpired, [.integer(Int(now))])
            for row in try await connection.query(CacheSQL.loadLive, [.integer(Int(now))]) {
                guard let (key, answer) = CacheSQL.entry(from: row) else { continue }
                await memory.store(answer, for: key)
            }
        } catch {
            try? await connection.close()
            throw CacheStoreError("\(path): not a usable cache file (\(error))")
        }
        return SQLiteCacheBackend(path: path, memory: memory, connection: connection, logger: logger)
    }

    public func entry(for key: CacheKey, now: Int64) async -> CachedAnswer? {
        await memory.entry(for: key, now: now)
    }

    @discardableResult
    public func store(_ entry: CachedAnswer, for key: CacheKey) async -> Int {
        let evicted = await memory.store(entry, for: key)
        pending.withLock { $0.append(.store(key, entry)) }
        wake.yield()
        return evicted
    }

    @discardableResult
    public func removeAll() async -> Int {
        let removed = await memory.removeAll()
        pending.withLock { $0 = [.clear] }
        wake.yield()
        return removed
    }

    public func occupancy() async -> CacheOccupancy {
        await memory.occupancy()
    }

    /// Writes queued changes until graceful shutdown, then the rest.
    public func run() async throws {
        await withGracefulShutdownHandler {
            for await _ in wakeups { await flush() }
        } onGracefulShutdown: { [wake] in
            wake.finish()
        }
        await flush()
        try? await connection.close()
    }

    /// Writes every queued change in one transaction.
    public func flush() async {
        let changes = pending.withLock { changes in
            defer { changes = [] }
            return changes
        }
        guard !changes.isEmpty else { return }
        do {
            _ = try await connection.query("BEGIN IMMEDIATE")
            for change in changes {
                switch change {
                case .store(let key, let answer): _ = try await connection.query(CacheSQL.upsert, CacheSQL.binds(key, answer))
                case .clear: _ = try await connection.query(CacheSQL.deleteAll)
                }
            }
            let now = Int(Date().timeIntervalSince1970 * 1000)
            _ = try await connection.query(CacheSQL.deleteExpired, [.integer(now)])
            _ = try await connection.query("COMMIT")
        } catch {
            _ = try? await connection.query("ROLLBACK")
            logger.warning("response cache write failed", metadata: ["llmrouter.cache_file": "\(path)", "llmrouter.error": "\(error)"])
        }
    }

    /// Deletes every entry of the file at `path` (for `llmrouter cache clear --file`).
    /// - Returns: how many rows there were.
    public static func clearFile(path: String, logger: Logger) async throws -> Int {
        guard FileManager.default.fileExists(atPath: path) else { throw CacheStoreError("\(path): no such cache file") }
        let connection = try await SQLiteConnection.open(storage: .file(path: path), logger: logger)
        do {
            for statement in CacheSQL.prepare { _ = try await connection.query(statement) }
            let count = try await connection.query("SELECT COUNT(*) AS n FROM response_cache").first?.column("n")?.integer ?? 0
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
