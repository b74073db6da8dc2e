import Foundation
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

/// The file is written without fsync, so a crash may leave it broken: the next start sets it
/// aside and begins with an empty cache instead of refusing to start.
struct SQLiteCacheUnusableFileTests {
    @Test func anUnusableFileIsSetAsideAndTheCacheStartsEmpty() async throws {
        let folder = try TemporaryFolder()
        defer { folder.cleanup() }
        let path = folder.path("answers.sqlite")
        try Data(repeating: 0x5a, count: 8192).write(to: URL(fileURLWithPath: path))
        let start = SQLiteCacheBackendTests.now
        let backend = try await SQLiteCacheBackend.open(path: path, maxBytes: 1 << 20, now: start, logger: SQLiteCacheBackendTests.logger)
        #expect(await backend.occupancy().entries == 0)
        await backend.store(SQLiteCacheBackendTests.answer("fresh", storedAt: start), for: CacheKey(digest: "fresh"))
        await backend.flush()
        await backend.close()
        #expect(try await SQLiteCacheBackendTests.rowCount(path) == 1, "a new file took its place")
        let aside = try FileManager.default.contentsOfDirectory(atPath: folder.url.path).filter { $0.hasPrefix("answers.sqlite.unusable-") }
        #expect(aside.count == 1)
        let kept = try Data(contentsOf: URL(fileURLWithPath: folder.path(try #require(aside.first))))
        #expect(kept == Data(repeating: 0x5a, count: 8192), "the broken file is kept as it was, for a look")
    }
}
