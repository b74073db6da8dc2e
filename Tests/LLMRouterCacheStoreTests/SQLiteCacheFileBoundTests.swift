@testable import LLMRouterCacheStore
import LLMRouterCore
import Testing

/// `LLMROUTER_CACHE_MAX_BYTES` bounds the cache file as it bounds memory: what memory evicted is
/// trimmed from the file, newest kept, rather than kept until it expires.
struct SQLiteCacheFileBoundTests {
    static let start = SQLiteCacheBackendTests.now
    static func answer(_ index: Int) -> CachedAnswer {
        SQLiteCacheBackendTests.answer("answer \(index)", storedAt: start + Int64(index))
    }

    /// Room for exactly three of the answers.
    static let threeAnswers = 3 * answer(0).byteCount

    @Test func aRunningCacheTrimsItsFileToTheBoundWhenItPrunes() async throws {
        let folder = try TemporaryFolder()
        defer { folder.cleanup() }
        let path = folder.path("answers.sqlite")
        let backend = try await SQLiteCacheBackend.open(path: path, maxBytes: Self.threeAnswers, now: Self.start, logger: SQLiteCacheBackendTests.logger)
        for index in 0..<10 { await backend.store(Self.answer(index), for: CacheKey(digest: "e\(index)")) }
        await backend.flush()
        #expect(try await SQLiteCacheBackendTests.rowCount(path) == 10, "every answer was written")
        #expect(await backend.occupancy().entries == 3, "memory kept the newest three")
        await backend.prune()
        await backend.close()
        #expect(try await SQLiteCacheBackendTests.rowCount(path) == 3)

        let reopened = try await SQLiteCacheBackend.open(path: path, maxBytes: 1 << 20, now: Self.start, logger: SQLiteCacheBackendTests.logger)
        for index in 7..<10 {
            #expect(await reopened.entry(for: CacheKey(digest: "e\(index)"), now: Self.start) == Self.answer(index))
        }
        #expect(await reopened.entry(for: CacheKey(digest: "e6"), now: Self.start) == nil)
        await reopened.close()
    }

    @Test func openingWithASmallerBoundTrimsTheFileToTheNewest() async throws {
        let folder = try TemporaryFolder()
        defer { folder.cleanup() }
        let path = folder.path("answers.sqlite")
        let backend = try await SQLiteCacheBackend.open(path: path, maxBytes: 1 << 20, now: Self.start, logger: SQLiteCacheBackendTests.logger)
        for index in 0..<10 { await backend.store(Self.answer(index), for: CacheKey(digest: "e\(index)")) }
        await backend.flush()
        await backend.close()
        #expect(try await SQLiteCacheBackendTests.rowCount(path) == 10)

        let smaller = try await SQLiteCacheBackend.open(path: path, maxBytes: Self.threeAnswers, now: Self.start, logger: SQLiteCacheBackendTests.logger)
        let occupancy = await smaller.occupancy()
        let newest = await smaller.entry(for: CacheKey(digest: "e9"), now: Self.start)
        await smaller.close()
        #expect(occupancy.entries == 3)
        #expect(newest == Self.answer(9))
        #expect(try await SQLiteCacheBackendTests.rowCount(path) == 3)
    }
}
