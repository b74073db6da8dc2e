import Foundation
import InMemoryLogging
import LLMRouterCore
import LLMRouterShared
import LLMRouterUsage
import Logging
import PostgresNIO
import Prometheus
import ServiceLifecycleTestKit
import Testing

/// The usage log in a real PostgreSQL: rows of several instances in one table, read by the
/// same stats code as the SQLite file, and kept in the writer's buffer while the database is away.
@Suite(.enabled(if: TestDatabase.isConfigured, TestDatabase.skipped))
struct PostgresUsageLogTests {
    @Test func rowsFromTwoInstancesAreReadInOneStatsAsTheFileWouldBe() async throws {
        try await TestDatabase.withFreshDatabase { url in
            let now = Date()
            let first = Self.requests("a", count: 6, now: now), second = Self.requests("b", count: 4, now: now)
            let stores = ["router-a", "router-b"].map { PostgresUsageStore(url: url, instance: $0, logger: Logger(label: "usage")) }
            let settings = UsageLogSettings(batchSize: 4, flushInterval: .milliseconds(20))
            let writers = stores.map { UsageLogWriter(sink: $0, settings: settings, logger: Logger(label: "usage")) }
            try await testGracefulShutdown { trigger in
                try await withThrowingTaskGroup(of: Void.self) { group in
                    for writer in writers { group.addTask { try await writer.run() } }
                    for request in first { writers[0].record(request) }
                    for request in second { writers[1].record(request) }
                    trigger.triggerGracefulShutdown()
                    try await group.waitForAll()
                }
            }
            for store in stores { await store.close() }

            let since = now.addingTimeInterval(-3600)
            let (byInstance, onlyB, byProvider) = try await Self.reading(url) { reader in
                (
                    try await UsageStatsReport.load(from: reader, since: since, until: now, grouping: .instance, referencePrice: nil),
                    try await UsageStatsReport.load(from: reader, since: since, until: now, grouping: .tier, instance: "router-b", referencePrice: nil),
                    try await UsageStatsReport.load(from: reader, since: since, until: now, grouping: .provider, referencePrice: nil)
                )
            }
            #expect(byInstance.rows.map { "\($0.group)=\($0.requests)" } == ["router-a=6", "router-b=4"])
            #expect(byInstance.total.requests == 10)
            #expect(onlyB.total.requests == 4 && onlyB.rows.map { "\($0.group)=\($0.requests)" } == ["code=4"])
            #expect(onlyB.total.cascades == 1 && onlyB.total.autoRequests == 4)

            // The same rows in a SQLite file give the same figures: the same statements ran.
            let folder = FileManager.default.temporaryDirectory.appendingPathComponent("llmrouter-pg-usage-\(UUID().uuidString)")
            defer { try? FileManager.default.removeItem(at: folder) }
            let file = try await UsageStore.open(path: folder.appendingPathComponent("usage.sqlite").path, logger: Logger(label: "usage"))
            try await file.insert(first + second)
            let fromFile = try await UsageStatsReport.load(from: file, since: since, until: now, grouping: .provider, referencePrice: nil)
            await file.close()
            #expect(byProvider == fromFile)
            #expect(byProvider.rows.count == 2 && byProvider.total.latencyMs.p95 != nil)
        }
    }

    @Test func rowsAnsweredWhileTheDatabaseIsAwayAreWrittenWhenItIsBackAndOnlyAnOverflowIsDropped() async throws {
        try await TestDatabase.withFreshDatabase { url in
            let logs = InMemoryLogHandler()
            let registry = PrometheusCollectorRegistry()
            let logger = Logger(label: "usage", factory: { _ in logs })
            let store = PostgresUsageStore(url: url, instance: "router-a", logger: logger, operationTimeout: .seconds(2), retryDelay: .milliseconds(100))
            let settings = UsageLogSettings(bufferCapacity: 50, batchSize: 5, flushInterval: .milliseconds(20))
            let writer = UsageLogWriter(sink: store, settings: settings, logger: logger, metrics: PrometheusMetricsFactory(registry: registry))
            let now = Date()
            try await testGracefulShutdown { trigger in
                try await withThrowingTaskGroup(of: Void.self) { group in
                    group.addTask { try await writer.run() }
                    for request in Self.requests("before", count: 5, now: now, cascade: false) { writer.record(request) }
                    try await Self.waitForRows(url, 5)

                    try await TestDatabase.takeAway(url)
                    for request in Self.requests("during", count: 10, now: now, cascade: false) { writer.record(request) }
                    try await waitFor("the outage to be noticed") {
                        logs.entries.contains { $0.message.description.hasPrefix("usage log unavailable") }
                    }
                    // 50 fit in the buffer, those being written included: 20 of these go.
                    for request in Self.requests("overflow", count: 60, now: now, cascade: false) { writer.record(request) }
                    #expect(writer.droppedCount == 20)
                    try await Task.sleep(for: .milliseconds(300))
                    try await TestDatabase.bringBack(url)

                    // postgres-nio's pool reconnects after a backoff: resuming is what is checked.
                    try await Self.waitForRows(url, 55, limit: .seconds(60))
                    trigger.triggerGracefulShutdown()
                    try await group.waitForAll()
                }
            }
            await store.close()
            let ids = try await TestDatabase.withClient(url) { client in
                try await client.query("SELECT request_id, instance FROM llmrouter_requests").decode((String, String).self)
                    .reduce(into: [String: String]()) { $0[$1.0] = $1.1 }
            }
            #expect(ids.count == 55)
            #expect(Set(ids.keys) == Set((1...5).map { "before-\($0)" } + (1...10).map { "during-\($0)" } + (1...40).map { "overflow-\($0)" }))
            #expect(Set(ids.values) == ["router-a"])
            let metrics = String(decoding: registry.emitToBuffer(), as: UTF8.self)
            #expect(metrics.contains(#"llmrouter_usage_log_dropped_rows_total{reason="buffer_full"} 20"#))
            #expect(metrics.contains(#"llmrouter_usage_log_dropped_rows_total{reason="write_failed"} 0"#))
            let warnings = logs.entries.filter { $0.level == .warning }.map(\.message.description)
            #expect(warnings.filter { $0.hasPrefix("usage log unavailable") }.count == 1, "one warning per outage")
            #expect(warnings.filter { $0 == "usage log buffer full: new rows are dropped" }.count == 1)
            #expect(logs.entries.contains { $0.message.description == "usage log written again" })
            let logged = logs.entries.map { "\($0.message) \($0.metadata)" }.joined(separator: "\n")
            #expect(!logged.contains(TestDatabase.password(of: url) ?? "no password"))
        }
    }

    /// `count` requests named `prefix-1`…, `model: auto` in the code tier; with `cascade`, the
    /// last two are the two steps of one cascade (one request id).
    static func requests(_ prefix: String, count: Int, now: Date, cascade: Bool = true) -> [RequestRecord] {
        (1...count).map { index in
            var request = RequestRecord(
                startedAt: now.addingTimeInterval(-Double(index)), requestID: "\(prefix)-\(index)", requestedModel: "auto",
                provider: index % 3 == 0 ? "cerebras" : "groq", status: 200, latency: .milliseconds(10 * index),
                timeToFirstToken: .milliseconds(5 * index), promptTokens: 100 * index, completionTokens: 7, estimatedCostUSD: 0,
                autoTier: "code"
            )
            if cascade, index > count - 2 {
                request.requestID = "\(prefix)-cascade"
                request.cascade = "small -> large; reason=length"
            }
            return request
        }
    }

    /// A reading store (as `llmrouter stats` makes one) for the length of `body`.
    static func reading<T: Sendable>(_ url: DatabaseURL, _ body: @Sendable (PostgresUsageStore) async throws -> T) async throws -> T {
        let reader = PostgresUsageStore(url: url, instance: "stats", logger: Logger(label: "stats"), ownThread: false)
        return try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { await reader.run() }
            defer { group.cancelAll() }
            return try await body(reader)
        }
    }

    /// Polls until the table holds `count` rows, on one client (a connection's authentication
    /// costs more CPU than the query: the suites beside this one time their work).
    static func waitForRows(_ url: DatabaseURL, _ count: Int, limit: Duration = .seconds(10)) async throws {
        let deadline = ContinuousClock.now + limit
        try await TestDatabase.withClient(url) { client in
            while true {
                let rows = try? await client.query("SELECT count(*) FROM llmrouter_requests").decode(Int.self).reduce(0) { $0 + $1 }
                if rows == count { return }
                guard ContinuousClock.now < deadline else {
                    throw TimedOutWaiting(description: "timed out waiting for \(count) rows (\(rows.map(String.init) ?? "no answer"))")
                }
                try await Task.sleep(for: .milliseconds(50))
            }
        }
    }
}

extension TestDatabase {
    /// Takes `url`'s database away from its clients as a stopped server would: every
    /// connection closed, new ones refused. Per database, so tests running beside it are not
    /// touched (scripts/e2e-postgres.sh stops the server itself).
    static func takeAway(_ url: DatabaseURL) async throws {
        let name = url.database ?? ""
        try await withAdmin { client in
            try await execute("ALTER DATABASE \(name) WITH ALLOW_CONNECTIONS false", on: client)
            try await execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '\(name)'", on: client)
        }
    }

    /// Lets clients connect to `url`'s database again.
    static func bringBack(_ url: DatabaseURL) async throws {
        try await withAdmin { client in
            try await execute("ALTER DATABASE \(url.database ?? "") WITH ALLOW_CONNECTIONS true", on: client)
        }
    }

    private static func withAdmin(_ body: @Sendable (PostgresClient) async throws -> Void) async throws {
        try await withClient(try DatabaseURL(address ?? "", variable: variable), body)
    }

    /// The password in the test server's address, to check that no log shows it.
    static func password(of url: DatabaseURL) -> String? {
        address.flatMap { URLComponents(string: $0)?.password }
    }
}
