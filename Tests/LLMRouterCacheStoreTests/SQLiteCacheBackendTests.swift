import Foundation
import LLMRouterBackgroundWriter
import LLMRouterCacheStore
import LLMRouterCore
import Logging
import ServiceLifecycleTestKit
import SQLiteNIO
import Testing

/// The SQLite response cache: served from memory, written off the request path on its own
/// thread, the usage log's way, and read back after a restart.
struct SQLiteCacheBackendTests {
    static let logger = Logger(label: "llmrouter.cache-store.tests")

    static var now: Int64 { Int64((Date().timeIntervalSince1970 * 1000).rounded()) }

    static func answer(_ text: String, storedAt: Int64 = now, lifetime: Int64 = 3_600_000) -> CachedAnswer {
        CachedAnswer(
            body: Array(#"{"choices":[{"message":{"content":"\#(text)"}}]}"#.utf8), provider: "groq", upstreamModel: "llama",
            storedAt: storedAt, expiresAt: storedAt + lifetime, promptTokens: 3, completionTokens: 5
        )
    }

    static func rowCount(_ path: String) async throws -> Int {
        let connection = try await SQLiteConnection.open(storage: .file(path: path), logger: logger)
        let count = try await connection.query("SELECT COUNT(*) AS n FROM response_cache").first?.column("n")?.integer
        try await connection.close()
        return count ?? -1
    }

    /// Runs `backend` as the server would, does `work`, then stops it gracefully.
    static func running(_ backend: SQLiteCacheBackend, _ work: () async throws -> Void) async throws {
        try await testGracefulShutdown { trigger in
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask { try await backend.run() }
                try await work()
                trigger.triggerGracefulShutdown()
                try await group.waitForAll()
            }
        }
    }

    @Test func entriesSurviveARestartAndExpiredOnesAreDropped() async throws {
        let folder = try TemporaryFolder()
        defer { folder.cleanup() }
        let path = folder.path("cache/answers.sqlite")
        let start = Self.now
        let backend = try await SQLiteCacheBackend.open(path: path, maxBytes: 1 << 20, now: start, logger: Self.logger)
        try await Self.running(backend) {
            await backend.store(Self.answer("kept", storedAt: start), for: CacheKey(digest: "kept"))
            await backend.store(Self.answer("short-lived", storedAt: start, lifetime: 50), for: CacheKey(digest: "short"))
            await backend.store(Self.answer("replaced", storedAt: start), for: CacheKey(digest: "twice"))
            await backend.store(Self.answer("latest", storedAt: start), for: CacheKey(digest: "twice"))
            #expect(await backend.entry(for: CacheKey(digest: "kept"), now: start) == Self.answer("kept", storedAt: start))
        }
        #expect(try await Self.rowCount(path) == 4, "appended: the answer stored again is a second row until the next start")

        let reopened = try await SQLiteCacheBackend.open(path: path, maxBytes: 1 << 20, now: start + 100, logger: Self.logger)
        let occupancy = await reopened.occupancy()
        let latest = await reopened.entry(for: CacheKey(digest: "twice"), now: start + 100)
        let short = await reopened.entry(for: CacheKey(digest: "short"), now: start + 100)
        await reopened.close()
        #expect(occupancy.entries == 2)
        #expect(latest?.body == Self.answer("latest").body && latest?.promptTokens == 3 && latest?.upstreamModel == "llama")
        #expect(short == nil)
        #expect(try await Self.rowCount(path) == 2)
    }

    @Test func theFileIsWrittenOnTheCachesOwnNicedThread() async throws {
        let folder = try TemporaryFolder()
        defer { folder.cleanup() }
        let creator = BackgroundWriterThread.currentNiceness()
        let backend = try await SQLiteCacheBackend.open(path: folder.path("c.sqlite"), maxBytes: 1 << 20, now: Self.now, logger: Self.logger)
        let thread = backend.writerThread
        let name = await Task(executorPreference: thread) { try? String(contentsOfFile: "/proc/thread-self/comm", encoding: .utf8) }.value
        let niceness = await thread.niceness()
        await backend.close()
        #if os(Linux)
        #expect(name == "cache-store\n")
        #expect(niceness == min(19, creator + BackgroundWriterThread.defaultNiceness))
        #endif
    }

    @Test func aBacklogIsWrittenWholeWhileCatchingUpThenTheWriterYieldsAgain() async throws {
        let folder = try TemporaryFolder()
        defer { folder.cleanup() }
        let path = folder.path("c.sqlite")
        var settings = SQLiteCacheBackend.WriterSettings()
        settings.batchSize = 16
        let backend = try await SQLiteCacheBackend.open(path: path, maxBytes: 1 << 24, now: Self.now, logger: Self.logger, writer: settings)
        // 300 waiting: more than four batches, so the writer is behind and writes large statements.
        for index in 1...300 { await backend.store(Self.answer("a\(index)"), for: CacheKey(digest: "k\(index)")) }
        await backend.flush()
        let behind = backend.writerThread.isCatchingUp
        await backend.store(Self.answer("b"), for: CacheKey(digest: "k1"))
        await backend.flush()
        let caughtUp = !backend.writerThread.isCatchingUp
        await backend.close()
        #expect(behind && caughtUp)
        #expect(try await Self.rowCount(path) == 301, "k1 stored again: a second row")
        let reopened = try await SQLiteCacheBackend.open(path: path, maxBytes: 1 << 24, now: Self.now, logger: Self.logger)
        let first = await reopened.entry(for: CacheKey(digest: "k1"), now: Self.now)
        let last = await reopened.entry(for: CacheKey(digest: "k300"), now: Self.now)
        await reopened.close()
        #expect(first?.body == Self.answer("b").body && last?.body == Self.answer("a300").body)
        #expect(try await Self.rowCount(path) == 300, "the start loaded the newest k1 and deleted the older")
    }

    @Test func aFullQueueKeepsTheEntryInMemoryOnlyAndAClearIsNeverDropped() async throws {
        let folder = try TemporaryFolder()
        defer { folder.cleanup() }
        let path = folder.path("c.sqlite")
        var settings = SQLiteCacheBackend.WriterSettings()
        settings.queueCapacity = 2
        let backend = try await SQLiteCacheBackend.open(path: path, maxBytes: 1 << 20, now: Self.now, logger: Self.logger, writer: settings)
        await backend.store(Self.answer("on disk"), for: CacheKey(digest: "old"))
        await backend.flush()
        for name in ["x", "y", "z"] { await backend.store(Self.answer(name), for: CacheKey(digest: name)) }
        #expect(backend.droppedWrites == 1)
        #expect(await backend.occupancy().entries == 4)
        // The queue is full, yet the clear is queued in place of what waited.
        #expect(await backend.removeAll() == 4)
        await backend.store(Self.answer("after"), for: CacheKey(digest: "after"))
        await backend.flush()
        await backend.close()
        #expect(try await Self.rowCount(path) == 1)
        let reopened = try await SQLiteCacheBackend.open(path: path, maxBytes: 1 << 20, now: Self.now, logger: Self.logger)
        let kept = await reopened.entry(for: CacheKey(digest: "after"), now: Self.now)
        await reopened.close()
        #expect(kept?.body == Self.answer("after").body)
    }

    @Test func theQueueIsBoundedInBytesToo() async throws {
        let folder = try TemporaryFolder()
        defer { folder.cleanup() }
        let path = folder.path("c.sqlite")
        var settings = SQLiteCacheBackend.WriterSettings()
        settings.queueBytes = 2 * Self.answer("a").byteCount
        let backend = try await SQLiteCacheBackend.open(path: path, maxBytes: 1 << 20, now: Self.now, logger: Self.logger, writer: settings)
        for name in ["a", "b", "c"] { await backend.store(Self.answer(name), for: CacheKey(digest: name)) }
        #expect(backend.droppedWrites == 1)
        #expect(await backend.entry(for: CacheKey(digest: "c"), now: Self.now) != nil)
        // Written, their bytes leave the queue; a clear gives back the bytes of what it drops.
        await backend.flush()
        await backend.store(Self.answer("d"), for: CacheKey(digest: "d"))
        await backend.removeAll()
        for name in ["e", "f"] { await backend.store(Self.answer(name), for: CacheKey(digest: name)) }
        #expect(backend.droppedWrites == 1)
        await backend.flush()
        await backend.close()
        #expect(try await Self.rowCount(path) == 2)
    }

    @Test func clearingTheFileCountsWhatWasThere() async throws {
        let folder = try TemporaryFolder()
        defer { folder.cleanup() }
        let path = folder.path("c.sqlite")
        let backend = try await SQLiteCacheBackend.open(path: path, maxBytes: 1 << 20, now: Self.now, logger: Self.logger)
        for name in ["a", "b", "b"] { await backend.store(Self.answer(name), for: CacheKey(digest: name)) }
        await backend.flush()
        await backend.close()
        #expect(try await SQLiteCacheBackend.clearFile(path: path, logger: Self.logger) == 2)
        #expect(try await Self.rowCount(path) == 0)
        await #expect(throws: CacheStoreError.self) { _ = try await SQLiteCacheBackend.clearFile(path: folder.path("none.sqlite"), logger: Self.logger) }
    }
}

/// A fresh folder under the system temporary directory, removed by `cleanup()`.
struct TemporaryFolder {
    let url: URL

    init() throws {
        url = FileManager.default.temporaryDirectory.appendingPathComponent("llmrouter-cache-store-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    }

    func path(_ name: String) -> String { url.appendingPathComponent(name).path }

    func cleanup() { try? FileManager.default.removeItem(at: url) }
}
