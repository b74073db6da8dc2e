import Foundation
import LLMRouterCore
import LLMRouterUsage
import SQLiteNIO
import Testing

/// The usage log keeps how each request met the response cache, and `llmrouter stats` splits
/// its hits into exact and semantic ones.
struct UsageCacheKindTests {
    /// A file as schema version 2 left it (`endpoint` added, no `cache`).
    static let versionTwoStatements = UsageSchemaMigrationTests.statements(ofVersion: 2)

    /// A row as version 2 wrote it, `minutesAgo` before now.
    static func versionTwoRow(_ id: String, cacheHit: Bool, minutesAgo: Double = 2) -> String {
        let startedAtMs = Int((Date().timeIntervalSince1970 - minutesAgo * 60) * 1000)
        return """
            INSERT INTO requests (started_at_ms, request_id, endpoint, stream, provider, attempts, attempts_called,
                failed_over, status, latency_ms, cache_hit)
            VALUES (\(startedAtMs), '\(id)', 'chat', 0, 'groq', '[]', \(cacheHit ? 0 : 1), 0, 200, 5, \(cacheHit ? 1 : 0))
            """
    }

    static func kinds(_ kinds: [String?], at now: Date) -> [RequestRecord] {
        kinds.enumerated().map { index, kind in
            var written = record("new-\(index)", at: now)
            written.cache = kind
            written.cacheHit = kind == "hit" || kind == "semantic"
            return written
        }
    }

    @Test func aVersionTwoFileGainsTheCacheColumnInPlaceAndKeepsItsRows() async throws {
        let folder = try TemporaryFolder()
        defer { folder.cleanup() }
        let path = folder.path("v2.sqlite")
        try await UsageSchemaMigrationTests.runRaw(
            Self.versionTwoStatements + [Self.versionTwoRow("old-hit", cacheHit: true), Self.versionTwoRow("old-miss", cacheHit: false)],
            at: path
        )

        let now = Date()
        let store = try await UsageStore.open(path: path, logger: testLogger)
        let migrated = try await store.recentRequests(limit: 10)
        try await store.insert(Self.kinds(["hit", "semantic", "miss", "bypass"], at: now))
        let report = try await UsageStatsReport.load(
            from: store, since: now.addingTimeInterval(-3600), until: now, grouping: .total, referencePrice: nil
        )
        await store.close()

        #expect(Set(migrated.map(\.requestID)) == ["old-hit", "old-miss"])
        #expect(migrated.allSatisfy { $0.cache == nil })
        #expect(migrated.first { $0.requestID == "old-hit" }?.cacheHit == true)
        #expect(try await UsageSchemaMigrationTests.versions(at: path) == [1, 2, 3, 4])
        // The old hit has no kind: it counts as exact, as every hit did before.
        #expect(report.total.requests == 6)
        #expect(report.total.cacheHits == 3 && report.total.exactCacheHits == 2 && report.total.semanticCacheHits == 1)
        #expect(report.table().contains("cache hits: 3 (50% of requests; 2 exact, 1 semantic): 3 upstream calls saved"))

        // Opening the migrated file again changes nothing.
        let reader = try await UsageStore.open(path: path, create: false, logger: testLogger)
        let rows = try await reader.recentRequests(limit: 10)
        await reader.close()
        #expect(rows.count == 6)
        #expect(try await UsageSchemaMigrationTests.versions(at: path) == [1, 2, 3, 4])
        let columns = try await UsageSchemaMigrationTests.runRaw(["SELECT name FROM pragma_table_info('requests') WHERE name = 'cache'"], at: path)
        #expect(columns.count == 1)
    }

    @Test func eachRowKeepsItsCacheKind() async throws {
        let folder = try TemporaryFolder()
        defer { folder.cleanup() }
        let path = folder.path("usage.sqlite")
        let now = Date()
        let store = try await UsageStore.open(path: path, logger: testLogger)
        try await store.insert(Self.kinds(["hit", "semantic", "miss", "bypass", nil], at: now))
        let rows = try await store.recentRequests(limit: 10)
        await store.close()
        let stored = try await UsageSchemaMigrationTests.runRaw(["SELECT request_id, cache, cache_hit FROM requests ORDER BY request_id"], at: path)
        #expect(stored.map { $0.column("cache")?.string } == ["hit", "semantic", "miss", "bypass", nil])
        #expect(stored.map { $0.column("cache_hit")?.integer } == [1, 1, 0, 0, 0])
        #expect(Dictionary(uniqueKeysWithValues: rows.map { ($0.requestID, $0.cache ?? "-") })
            == ["new-0": "hit", "new-1": "semantic", "new-2": "miss", "new-3": "bypass", "new-4": "-"])
    }

    @Test func statsSplitTheHitsPerGroupAndInJSON() async throws {
        let folder = try TemporaryFolder()
        defer { folder.cleanup() }
        let now = Date()
        let store = try await UsageStore.open(path: folder.path("usage.sqlite"), logger: testLogger)
        var records = Self.kinds(["hit", "hit", "semantic", "miss", "semantic", "bypass"], at: now)
        for index in records.indices { records[index].keyName = index < 3 ? "team-a" : "team-b" }
        try await store.insert(records)
        let report = try await UsageStatsReport.load(
            from: store, since: now.addingTimeInterval(-3600), until: now, grouping: .key, referencePrice: nil
        )
        await store.close()
        #expect(report.rows.map { "\($0.group): \($0.exactCacheHits)+\($0.semanticCacheHits)" } == ["team-a: 2+1", "team-b: 0+1"])
        #expect(report.total.cacheHits == 4 && report.total.exactCacheHits == 2 && report.total.semanticCacheHits == 2)
        #expect(report.table().contains("cache hits: 4 (66.7% of requests; 2 exact, 2 semantic): 4 upstream calls saved"))
        let object = try JSONSerialization.jsonObject(with: Data(try report.json().utf8)) as? [String: Any]
        let total = try #require(object?["total"] as? [String: Any])
        #expect(total["cache_hits"] as? Int == 4)
        #expect(total["cache_exact_hits"] as? Int == 2)
        #expect(total["cache_semantic_hits"] as? Int == 2)
        let groups = try #require(object?["groups"] as? [[String: Any]])
        #expect(groups.map { $0["cache_semantic_hits"] as? Int } == [1, 1])
    }
}
