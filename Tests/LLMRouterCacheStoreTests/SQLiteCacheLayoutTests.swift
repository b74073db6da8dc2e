import Foundation
import LLMRouterCacheStore
import LLMRouterCore
import SQLiteNIO
import Testing

/// The file's layout (`PRAGMA user_version`): answers appended without a key index since layout
/// 2; a file of the keyed layout before it is carried over, one of a later layout set aside.
struct SQLiteCacheLayoutTests {
    static let logger = SQLiteCacheBackendTests.logger

    static func sqlite(_ path: String, _ statements: [String]) async throws -> [SQLiteRow] {
        let connection = try await SQLiteConnection.open(storage: .file(path: path), logger: logger)
        var rows: [SQLiteRow] = []
        for statement in statements { rows = try await connection.query(statement) }
        try await connection.close()
        return rows
    }

    @Test func aKeyedFileIsCarriedOverInTheOrderItWasStored() async throws {
        let folder = try TemporaryFolder()
        defer { folder.cleanup() }
        let path = folder.path("old.sqlite")
        let now = SQLiteCacheBackendTests.now
        let later = now + 3_600_000
        // The layout llmrouter wrote before: the key its primary key, user_version 0.
        _ = try await Self.sqlite(path, [
            """
            CREATE TABLE response_cache (key TEXT PRIMARY KEY, body BLOB NOT NULL, provider TEXT NOT NULL, upstream_model TEXT,
                stored_at INTEGER NOT NULL, expires_at INTEGER NOT NULL, prompt_tokens INTEGER, completion_tokens INTEGER)
            """,
            "INSERT INTO response_cache VALUES ('newer', X'6e6577', 'groq', 'llama', \(now + 2), \(later), 3, 5)",
            "INSERT INTO response_cache VALUES ('older', X'6f6c64', 'nim', NULL, \(now + 1), \(later), NULL, NULL)",
            "INSERT INTO response_cache VALUES ('gone', X'676f6e65', 'nim', NULL, \(now - 10), \(now - 5), NULL, NULL)",
        ])
        let backend = try await SQLiteCacheBackend.open(path: path, maxBytes: 1 << 20, now: now, logger: Self.logger)
        let newer = await backend.entry(for: CacheKey(digest: "newer"), now: now)
        let older = await backend.entry(for: CacheKey(digest: "older"), now: now)
        await backend.close()
        #expect(newer == CachedAnswer(body: Array("new".utf8), provider: "groq", upstreamModel: "llama", storedAt: now + 2, expiresAt: later, promptTokens: 3, completionTokens: 5))
        #expect(older?.body == Array("old".utf8) && older?.upstreamModel == nil)

        let layout = try await Self.sqlite(path, ["PRAGMA user_version"]).first?.column("user_version")?.integer
        let indexes = try await Self.sqlite(path, ["SELECT COUNT(*) AS n FROM sqlite_master WHERE type = 'index'"]).first?.column("n")?.integer
        let order = try await Self.sqlite(path, ["SELECT key FROM response_cache ORDER BY rowid"]).compactMap { $0.column("key")?.string }
        #expect(layout == 2)
        #expect(indexes == 0, "no key index is left to rewrite")
        #expect(order == ["older", "newer"], "rows in the order they were stored; the expired one deleted")
    }

    @Test func aFileOfALaterLayoutIsSetAside() async throws {
        let folder = try TemporaryFolder()
        defer { folder.cleanup() }
        let path = folder.path("later.sqlite")
        _ = try await Self.sqlite(path, ["CREATE TABLE response_cache (whatever TEXT)", "PRAGMA user_version = 9"])
        let backend = try await SQLiteCacheBackend.open(path: path, maxBytes: 1 << 20, now: SQLiteCacheBackendTests.now, logger: Self.logger)
        let entries = await backend.occupancy().entries
        await backend.close()
        #expect(entries == 0)
        let aside = try FileManager.default.contentsOfDirectory(atPath: folder.url.path).filter { $0.hasPrefix("later.sqlite.unusable-") }
        #expect(aside.count == 1)
    }
}
