import Foundation
import InMemoryLogging
import LLMRouterCore
@testable import LLMRouterShared
import LLMRouterTesting
import Logging
import Prometheus
import Testing

/// The `postgres` cache backend with its database gone: every request is still answered, a
/// lookup costs at most the read timeout, and sharing resumes when the database is back.
@Suite(.enabled(if: TestDatabase.isConfigured, TestDatabase.skipped))
struct SharedCacheDatabaseCutTests {
    /// Roomier than the default 50 ms: the reads before the cut must answer while the whole
    /// suite loads the machine (250 ms was once too short there, through the relay).
    static let readTimeout = Duration.seconds(1)

    @Test func withTheDatabaseCutLookupsMissWithinTheTimeoutAndSharingResumesAfter() async throws {
        try await TestDatabase.withFreshDatabase { url in
            let relay = try await TCPRelay.start(to: url.host, port: url.port)
            let relayed = try relayedURL(url, port: relay.port)
            let calls = Locked(0)
            let logs = InMemoryLogHandler()
            let registry = PrometheusCollectorRegistry()
            let first = CachingInstance(
                url: relayed, upstreamCalls: calls, readTimeout: Self.readTimeout, retryAfter: .milliseconds(200), minimumConnections: 2
            )
            let second = CachingInstance(
                url: relayed, upstreamCalls: calls, readTimeout: Self.readTimeout, retryAfter: .milliseconds(200), minimumConnections: 2,
                logger: Logger(label: "cache", factory: { _ in logs }), metrics: PrometheusMetricsFactory(registry: registry)
            )
            try await first.running {
                try await second.running {
                    _ = try await first.askAndShare("before")
                    #expect(try await second.ask("before").verdict?.headerValue == "hit")
                    relay.cut()
                    var slowest = Duration.zero
                    for question in 0..<20 {
                        let started = ContinuousClock.now
                        let answered = try await second.ask("while away \(question)")
                        slowest = max(slowest, ContinuousClock.now - started)
                        #expect(answered.verdict == .miss)
                    }
                    print("20 lookups with the database cut: the slowest request took \(slowest.milliseconds) ms (read timeout \(Self.readTimeout))")
                    #expect(slowest < Self.readTimeout + .milliseconds(250), "a lookup waits for the read timeout at most, plus scheduling")
                    #expect(calls.withLock { $0 } == 21, "every request answered by the upstream")
                    #expect(try await second.ask("before").verdict?.headerValue == "hit", "this instance's memory still serves")
                    // The closed connections failed the first read at once; the others did not ask.
                    #expect(failedReads(registry) >= 1)
                    #expect((metric(registry, #"llmrouter_cache_database_reads_total{result="skipped"}"#) ?? 0) >= 1, "no wait at all after a failure")
                    // Past the retry interval one read asks again, and meets a connection that
                    // never answers: it gives up at the read timeout.
                    try await Task.sleep(for: .milliseconds(300))
                    let probeStarted = ContinuousClock.now
                    #expect(try await second.ask("the probe").verdict == .miss)
                    let probe = ContinuousClock.now - probeStarted
                    print("the read that met the silent database took \(probe.milliseconds) ms (read timeout \(Self.readTimeout))")
                    #expect(probe >= Self.readTimeout, "it waited for the timeout")
                    #expect(probe < Self.readTimeout + .milliseconds(250), "and no longer")
                    #expect((metric(registry, #"llmrouter_cache_database_reads_total{result="timeout"}"#) ?? 0) >= 1)
                    #expect(calls.withLock { $0 } == 22)
                    #expect(metric(registry, "llmrouter_cache_database_up") == 0)
                    relay.restore()
                    // postgres-nio's pool reconnects with a backoff that grows while refused.
                    try await waitUntil("both instances to reach the database", limit: .seconds(60)) {
                        let firstReaches = await first.backend.readClearMark() != nil
                        let secondReaches = await second.backend.readClearMark() != nil
                        return firstReaches && secondReaches
                    }
                    #expect(try await first.askAndShare("after").verdict == .miss)
                    #expect(try await second.ask("after").verdict?.headerValue == "hit", "shared again")
                    #expect(calls.withLock { $0 } == 23)
                    #expect(metric(registry, "llmrouter_cache_database_up") == 1)
                }
            }
            await relay.stop()
            let messages = logs.entries.map(\.message.description)
            #expect(messages.filter { $0.hasPrefix("response cache database unavailable") }.count == 1, "one warning per outage")
            #expect(messages.filter { $0.hasPrefix("response cache database back") }.count == 1)
        }
    }

    private func failedReads(_ registry: PrometheusCollectorRegistry) -> Double {
        ["timeout", "error"].reduce(0) { $0 + (metric(registry, #"llmrouter_cache_database_reads_total{result="\#($1)"}"#) ?? 0) }
    }

    /// `url` with its host's port replaced by the relay's.
    private func relayedURL(_ url: DatabaseURL, port: Int) throws -> DatabaseURL {
        guard let address = TestDatabase.address, var components = URLComponents(string: address) else {
            throw TimedOutWaiting(description: "\(TestDatabase.variable) is unset")
        }
        components.port = port
        components.path = "/\(url.database ?? "")"
        return try DatabaseURL(components.string ?? "")
    }
}

/// A database that accepts connections but never answers. Needs no PostgreSQL.
struct SharedCacheSilentDatabaseTests {
    @Test func aDatabaseThatNeverAnswersCostsMissesNotFailuresAndIsReportedOnce() async throws {
        let silent = try await TCPRelay.start(to: "127.0.0.1", port: 1)
        silent.cut()
        let password = "never-log-this-cache-pw"
        let url = try DatabaseURL("postgres://router:\(password)@127.0.0.1:\(silent.port)/shared?sslmode=disable")
        let calls = Locked(0)
        let logs = InMemoryLogHandler()
        let registry = PrometheusCollectorRegistry()
        let instance = CachingInstance(
            url: url, upstreamCalls: calls, readTimeout: .milliseconds(50), operationTimeout: .milliseconds(300),
            logger: Logger(label: "cache", factory: { _ in logs }), metrics: PrometheusMetricsFactory(registry: registry)
        )
        let service = Task { await instance.backend.run() }
        let started = ContinuousClock.now
        for question in 0..<10 {
            #expect(try await instance.ask("question \(question)").verdict == .miss)
        }
        print("10 misses with a silent database in \((ContinuousClock.now - started).milliseconds) ms")
        #expect(ContinuousClock.now - started < .seconds(1), "nothing waits for a database that never answered")
        try await waitUntil("the answers kept in memory") { await instance.cache.occupancy().entries == 10 }
        #expect(try await instance.ask("question 0").verdict?.headerValue == "hit", "the memory front works without the database")
        #expect(calls.withLock { $0 } == 10)
        #expect(metric(registry, #"llmrouter_cache_database_reads_total{result="skipped"}"#) == 10)
        #expect(await instance.cache.clear() == 10, "this instance's entries; the table is cleared once the database is back")
        try await waitFor("the outage to be logged", limit: .seconds(10)) {
            logs.entries.contains { $0.message.description.hasPrefix("response cache database unavailable") }
        }
        try await Task.sleep(for: .milliseconds(400))
        service.cancel()
        await silent.stop()
        let messages = logs.entries.map(\.message.description)
        #expect(messages.filter { $0.hasPrefix("response cache database unavailable") }.count == 1, "once, not once per retry")
        let logged = logs.entries.map { "\($0.message) \($0.metadata)" }.joined(separator: "\n")
        #expect(logged.contains("postgres://router:***@127.0.0.1"))
        #expect(!logged.contains(password))
        #expect(metric(registry, "llmrouter_cache_database_up") == 0)
    }
}
