import Foundation
import LLMRouterCore
import LLMRouterUsage
import Testing

struct UsageStoreTests {
    /// Ten requests with known figures over two providers, plus one too old to count.
    static func knownLog(now: Date) -> [RequestRecord] {
        var records: [RequestRecord] = []
        // groq: latencies 10...60 ms, one failover, the 60 ms one failed with 503.
        for (index, latency) in [10, 20, 30, 40, 50, 60].enumerated() {
            records.append(
                record(
                    "g\(index)", at: now, provider: "groq", model: "llama", key: "team-a",
                    status: latency == 60 ? 503 : 200, errorCode: latency == 60 ? "all_providers_failed" : nil,
                    latencyMs: latency, ttftMs: latency / 2, calledProviders: index == 1 ? 2 : 1,
                    tokens: latency == 60 ? nil : (100, 50)
                )
            )
        }
        // openrouter: latencies 100...400 ms, a stream that failed after it started.
        for (index, latency) in [100, 200, 300, 400].enumerated() {
            records.append(
                record(
                    "o\(index)", at: now, provider: "openrouter", model: "qwen", key: nil,
                    errorCode: index == 3 ? "upstream_stream_failed" : nil,
                    latencyMs: latency, tokens: (1000, 500), cost: index == 0 ? 0.002 : 0
                )
            )
        }
        records.append(record("old", at: now, minutesAgo: 3 * 24 * 60, provider: "groq", latencyMs: 5000))
        return records
    }

    @Test func statsOnAKnownLog() async throws {
        let folder = try TemporaryFolder()
        defer { folder.cleanup() }
        let now = Date()
        let store = try await UsageStore.open(path: folder.path("nested/usage.sqlite"), logger: testLogger)
        try await store.insert(Self.knownLog(now: now))
        let price = ReferencePrice(inputPerMillion: 0.5, outputPerMillion: 1.5)
        let report = try await UsageStatsReport.load(
            from: store, since: now.addingTimeInterval(-86_400), until: now, grouping: .provider, referencePrice: price
        )
        await store.close()

        let total = report.total
        #expect(total.requests == 10)
        #expect(total.failures == 2)
        #expect(total.failovers == 1)
        #expect(total.promptTokens == 5 * 100 + 4 * 1000)
        #expect(total.completionTokens == 5 * 50 + 4 * 500)
        #expect(abs(total.costUSD - 0.002) < 1e-12)
        // Nearest rank over 10, 20, 30, 40, 50, 60, 100, 200, 300, 400: p50 is the 5th, p95 the 10th.
        #expect(total.latencyMs == .init(p50: 50, p95: 400))
        // Only groq's six have a TTFT: 5, 10, 15, 20, 25, 30 → 3rd and 6th.
        #expect(total.timeToFirstTokenMs == .init(p50: 15, p95: 30))
        #expect(total.failoverRate == 0.1)
        let reference = (4_500.0 * 0.5 + 2_250.0 * 1.5) / 1_000_000
        #expect(abs(total.referenceCostUSD(at: price) - reference) < 1e-12)
        #expect(abs(total.savedUSD(at: price) - (reference - 0.002)) < 1e-12)

        #expect(report.rows.map(\.group) == ["groq", "openrouter"])
        let groq = report.rows[0], openRouter = report.rows[1]
        #expect(groq.requests == 6 && groq.failures == 1 && groq.failovers == 1)
        #expect(groq.latencyMs == .init(p50: 30, p95: 60))
        #expect(openRouter.requests == 4 && openRouter.failures == 1 && openRouter.failovers == 0)
        #expect(openRouter.latencyMs == .init(p50: 200, p95: 400))
        #expect(openRouter.timeToFirstTokenMs == .init())
    }

    @Test func groupsByModelAndKey() async throws {
        let folder = try TemporaryFolder()
        defer { folder.cleanup() }
        let now = Date()
        let store = try await UsageStore.open(path: folder.path("usage.sqlite"), logger: testLogger)
        try await store.insert(Self.knownLog(now: now))
        let byModel = try await store.stats(since: now.addingTimeInterval(-3600), grouping: .model)
        let byKey = try await store.stats(since: now.addingTimeInterval(-3600), grouping: .key)
        await store.close()
        #expect(byModel.map { "\($0.group)=\($0.requests)" } == ["llama=6", "qwen=4"])
        #expect(byKey.map { "\($0.group)=\($0.requests)" } == ["team-a=6", "(none)=4"])
    }

    @Test func groupsByEndpoint() async throws {
        let folder = try TemporaryFolder()
        defer { folder.cleanup() }
        let now = Date()
        let store = try await UsageStore.open(path: folder.path("usage.sqlite"), logger: testLogger)
        try await store.insert([
            record("c1", at: now, latencyMs: 100, tokens: (10, 20)),
            record("c2", at: now, status: 503, errorCode: "all_providers_failed", latencyMs: 300, tokens: nil),
            record("c3", at: now, latencyMs: 200, tokens: (10, 20)),
            record("e1", at: now, model: "embed", endpoint: "embeddings", latencyMs: 20, tokens: (40, 0)),
            record("e2", at: now, model: "embed", endpoint: "embeddings", latencyMs: 40, tokens: (60, 0)),
            record("r1", at: now, endpoint: "responses", latencyMs: 500, tokens: (5, 50)),
        ])
        let report = try await UsageStatsReport.load(
            from: store, since: now.addingTimeInterval(-3600), until: now, grouping: .endpoint, referencePrice: nil
        )
        await store.close()
        #expect(report.rows.map { "\($0.group)=\($0.requests)" } == ["chat=3", "embeddings=2", "responses=1"])
        let chat = report.rows[0], embeddings = report.rows[1], responses = report.rows[2]
        #expect(chat.failures == 1 && chat.promptTokens == 20 && chat.completionTokens == 40)
        #expect(chat.latencyMs == .init(p50: 200, p95: 300))
        #expect(embeddings.failures == 0 && embeddings.promptTokens == 100 && embeddings.completionTokens == 0)
        #expect(embeddings.latencyMs == .init(p50: 20, p95: 40))
        #expect(responses.promptTokens == 5 && responses.completionTokens == 50)
        #expect(report.total.requests == 6 && report.total.promptTokens == 125)
        let table = report.table().split(separator: "\n").map(String.init)
        #expect(table[1].hasPrefix("endpoint "))
        #expect(table[2].hasPrefix("chat ") && table[3].hasPrefix("embeddings ") && table[4].hasPrefix("responses "))
    }

    @Test func cacheHitsAreTheUpstreamCallsSaved() async throws {
        let folder = try TemporaryFolder()
        defer { folder.cleanup() }
        let now = Date()
        let store = try await UsageStore.open(path: folder.path("usage.sqlite"), logger: testLogger)
        var records = (1...4).map { record("r\($0)", at: now) }
        records[1].cacheHit = true
        records[2].cacheHit = true
        records[2].cache = "semantic"
        try await store.insert(records)
        let report = try await UsageStatsReport.load(
            from: store, since: now.addingTimeInterval(-3600), until: now, grouping: .total, referencePrice: nil
        )
        await store.close()
        #expect(report.total.cacheHits == 2)
        #expect(report.total.exactCacheHits == 1 && report.total.semanticCacheHits == 1)
        #expect(report.total.cacheHitRate == 0.5)
        #expect(report.table().contains("cache hits: 2 (50% of requests; 1 exact, 1 semantic): 2 upstream calls saved"))
        #expect(try report.json().contains(#""cache_hits" : 2"#))
    }

    @Test func storesEveryFieldAndReadsItBack() async throws {
        let folder = try TemporaryFolder()
        defer { folder.cleanup() }
        let path = folder.path("usage.sqlite")
        let store = try await UsageStore.open(path: path, logger: testLogger)
        let now = Date()
        try await store.insert([record("one", at: now, key: "k", errorCode: nil, latencyMs: 80, ttftMs: 40, calledProviders: 2)])
        let rows = try await store.recentRequests(limit: 5)
        // WAL mode keeps a -wal file beside the database while it is open.
        #expect(FileManager.default.fileExists(atPath: path + "-wal"))
        await store.close()
        let row = try #require(rows.first)
        #expect(row.requestID == "one")
        #expect(row.keyName == "k")
        #expect(row.requestedModel == "llama-3.3-70b")
        #expect(row.endpoint == "chat")
        #expect(row.provider == "groq" && row.upstreamModel == "groq/model")
        #expect(row.status == 200 && row.errorCode == nil)
        #expect(row.latencyMs == 80 && row.upstreamLatencyMs == 79 && row.timeToFirstTokenMs == 40)
        #expect(row.promptTokens == 10 && row.completionTokens == 20 && row.costUSD == 0)
        #expect(row.attempts.map(\.outcome) == ["rate_limited", "ok", "skipped"])
        #expect(row.attempts[2].skipReason == "disabled: missing KEY")
        #expect(row.attempts[0].latencyMs == 40)
        #expect(abs(row.startedAt.timeIntervalSince(now.addingTimeInterval(-60))) < 0.002)
    }

    @Test func retentionDeletesOnlyOldRows() async throws {
        let folder = try TemporaryFolder()
        defer { folder.cleanup() }
        let store = try await UsageStore.open(path: folder.path("usage.sqlite"), logger: testLogger)
        let now = Date()
        try await store.insert(Self.knownLog(now: now))
        let deleted = try await store.deleteRows(before: now.addingTimeInterval(-86_400))
        let left = try await store.recentRequests(limit: 100)
        await store.close()
        #expect(deleted == 1)
        #expect(left.count == 10)
        #expect(!left.contains { $0.requestID == "old" })
    }

    @Test func readingAMissingLogNamesTheFileAndCreatesNothing() async throws {
        let folder = try TemporaryFolder()
        defer { folder.cleanup() }
        let path = folder.path("absent.sqlite")
        let error = await #expect(throws: UsageStoreError.self) {
            _ = try await UsageStore.open(path: path, create: false, logger: testLogger)
        }
        #expect(error?.message.contains("\(path): no such file") == true)
        #expect(!FileManager.default.fileExists(atPath: path))
    }

    @Test func aFileThatIsNotADatabaseIsAClearError() async throws {
        let folder = try TemporaryFolder()
        defer { folder.cleanup() }
        let path = folder.path("notes.sqlite")
        try Data("these are not the rows you are looking for, just some text long enough".utf8).write(to: URL(fileURLWithPath: path))
        let error = await #expect(throws: UsageStoreError.self) {
            _ = try await UsageStore.open(path: path, logger: testLogger)
        }
        #expect(error?.message.hasPrefix(path) == true)
    }
}
