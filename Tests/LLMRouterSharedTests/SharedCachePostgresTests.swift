import Foundation
import LLMRouterCore
@testable import LLMRouterShared
import LLMRouterTesting
import Logging
import PostgresNIO
import Prometheus
import ServiceLifecycle
import Synchronization
import Testing

/// The response cache's `postgres` backend against a real PostgreSQL: what one instance stores
/// another serves, through its own router and ``ResponseCache``.
/// One test at a time: several routers' connections made at once load the machine, and the
/// cool-down tests running alongside time their 100 ms.
@Suite(.serialized, .enabled(if: TestDatabase.isConfigured, TestDatabase.skipped))
struct SharedCachePostgresTests {
    @Test func anAnswerStoredThroughOneInstanceIsServedByAnotherWithOneUpstreamCall() async throws {
        try await TestDatabase.withFreshDatabase { url in
            let calls = Locked(0)
            let registry = PrometheusCollectorRegistry()
            let first = CachingInstance(url: url, upstreamCalls: calls)
            let second = CachingInstance(url: url, upstreamCalls: calls, metrics: PrometheusMetricsFactory(registry: registry))
            try await first.running {
                try await second.running {
                    let asked = try await first.askAndShare()
                    #expect(asked.verdict == .miss)
                    let fromDatabase = ContinuousClock.now
                    let served = try await second.ask()
                    let fromMemory = ContinuousClock.now
                    #expect(served.verdict?.headerValue == "hit")
                    #expect(served.body == asked.body, "the first instance's answer, byte for byte")
                    #expect(calls.withLock { $0 } == 1, "one upstream call for both instances")
                    // Now in the second instance's memory: served without asking the database.
                    #expect(try await second.ask().verdict?.headerValue == "hit")
                    print(
                        "a hit read from the database took \((fromMemory - fromDatabase).milliseconds) ms, "
                            + "from memory \((ContinuousClock.now - fromMemory).milliseconds) ms (one request each, not a benchmark)"
                    )
                    #expect(metric(registry, #"llmrouter_cache_database_reads_total{result="hit"}"#) == 1)
                    // Keyed the same way on every instance: another access key's request is apart.
                    #expect(try await second.ask(key: "team-b").verdict == .miss)
                    #expect(calls.withLock { $0 } == 2)
                }
            }
        }
    }

    @Test func entriesLiveForTheirTTLAndExpiredRowsAreDeleted() async throws {
        try await TestDatabase.withFreshDatabase { url in
            let calls = Locked(0)
            let start = Date()
            let first = CachingInstance(url: url, upstreamCalls: calls, wallStart: start, ttl: .seconds(60))
            let second = CachingInstance(url: url, upstreamCalls: calls, wallStart: start, ttl: .seconds(60))
            let third = CachingInstance(url: url, upstreamCalls: calls, wallStart: start, ttl: .seconds(60))
            try await first.running {
                try await second.running {
                    try await third.running {
                        _ = try await first.askAndShare()
                        second.clock.advance(by: .seconds(59))
                        let young = try await second.ask()
                        #expect(young.verdict == .hit(age: .seconds(59)))
                        // The row has expired for an instance whose clock is past the TTL.
                        third.clock.advance(by: .seconds(61))
                        #expect(try await third.askAndShare().verdict == .miss)
                        #expect(calls.withLock { $0 } == 2)
                        #expect(try await rowCount(url) == 1, "the third instance's answer replaced the expired row")
                        let expiredAt = Int64((start.timeIntervalSince1970 * 1000).rounded()) + 121_000
                        #expect(await first.backend.deleteExpired(now: expiredAt) == 1)
                        #expect(try await rowCount(url) == 0)
                    }
                }
            }
        }
    }

    @Test func clearingEmptiesTheTableAndEveryInstancesMemory() async throws {
        try await TestDatabase.withFreshDatabase { url in
            let calls = Locked(0)
            let first = CachingInstance(url: url, upstreamCalls: calls)
            let second = CachingInstance(url: url, upstreamCalls: calls)
            try await first.running {
                try await second.running {
                    _ = try await first.askAndShare("one")
                    _ = try await first.askAndShare("two")
                    #expect(try await second.ask("one").verdict?.headerValue == "hit")
                    #expect(await second.cache.occupancy().entries == 1)
                    #expect(await first.cache.clear() == 2, "the table's two entries")
                    #expect(try await rowCount(url) == 0)
                    #expect(await first.cache.occupancy().entries == 0)
                    try await waitUntil("the second instance to see the clear", limit: .seconds(5)) {
                        await second.cache.occupancy().entries == 0
                    }
                    // An entry stored before the clear is refused, however late it is written.
                    let stale = CachedAnswer(body: Array("{}".utf8), provider: "p", upstreamModel: nil, storedAt: 1, expiresAt: .max)
                    let written = try await TestDatabase.withClient(url) { client in
                        try await ResponseCacheSQL.store([(CacheKey(digest: "stale"), stale)], client: client, logger: Logger(label: "test"))
                    }
                    #expect(written == 0)
                    // Later answers are shared again.
                    // (The mark is the clear's wall time; these clocks started before it.)
                    first.clock.advance(by: .seconds(30))
                    second.clock.advance(by: .seconds(30))
                    #expect(try await first.askAndShare("one").verdict == .miss)
                    #expect(try await second.ask("one").verdict?.headerValue == "hit")
                    #expect(calls.withLock { $0 } == 3)
                }
            }
        }
    }

    @Test func aGracefulStopWritesWhatIsQueued() async throws {
        try await TestDatabase.withFreshDatabase { url in
            // No tick before the stop: only the final flush can write the entry.
            let instance = CachingInstance(url: url, upstreamCalls: Locked(0), flushInterval: .seconds(3600))
            let group = ServiceGroup(services: [instance.backend], gracefulShutdownSignals: [], logger: Logger(label: "test"))
            async let running: Void = group.run()
            try await waitFor("the cache schema", limit: .seconds(30)) { instance.backend.isReady }
            #expect(try await instance.ask().verdict == .miss)
            try await waitFor("the answer queued") { instance.backend.enqueuedWrites.load(ordering: .relaxed) == 1 }
            #expect(try await rowCount(url) == 0)
            await group.triggerGracefulShutdown()
            try await running
            #expect(try await rowCount(url) == 1)
        }
    }

    @Test func aBatchKeepsTheLatestEntryOfEachKeyAndAnOlderOneNeverReplacesANewer() async throws {
        try await TestDatabase.withFreshDatabase { url in
            try await TestDatabase.withClient(url) { client in
                let logger = Logger(label: "test")
                try await SharedSchema.migrate(client, logger: logger)
                func answer(_ text: String, at storedAt: Int64) -> CachedAnswer {
                    CachedAnswer(body: Array(text.utf8), provider: "p", upstreamModel: "m", storedAt: storedAt, expiresAt: .max, promptTokens: 4)
                }
                let key = CacheKey(digest: "k")
                #expect(try await ResponseCacheSQL.store([(key, answer("old", at: 10)), (key, answer("new", at: 20))], client: client, logger: logger) == 1)
                #expect(try await ResponseCacheSQL.store([(key, answer("older", at: 5))], client: client, logger: logger) == 0)
                let read = try await ResponseCacheSQL.entry(key, now: 0, client: client, logger: logger)
                #expect(read == answer("new", at: 20), "every column read back, NULLs included")
            }
        }
    }
}

/// The rows of `llmrouter_response_cache`.
func rowCount(_ url: DatabaseURL) async throws -> Int {
    try await TestDatabase.withClient(url) { client in
        var count = 0
        for try await value in try await client.query("SELECT count(*)::bigint FROM llmrouter_response_cache").decode(Int64.self) {
            count = Int(value)
        }
        return count
    }
}

/// The value of the sample `name{labels}` in `registry`'s text, `nil` when absent.
func metric(_ registry: PrometheusCollectorRegistry, _ sample: String) -> Double? {
    let text = String(decoding: registry.emitToBuffer(), as: UTF8.self)
    for line in text.split(separator: "\n") where line.hasPrefix(sample + " ") {
        return Double(line.dropFirst(sample.count + 1))
    }
    return nil
}
