import Foundation
import HTTPTypes
import HummingbirdTesting
import NIOCore
import LLMRouterCore
import LLMRouterServer
import LLMRouterUsage
import Logging
import Prometheus
import ServiceLifecycleTestKit
import Testing

/// Two echo routes for `m1`, the first always failing, so requests fail over.
let failoverYAML = """
    providers:
      - {name: flaky, type: echo, priority: 1, mock_failure_rate: 1, model: m1}
      - {name: steady, type: echo, priority: 2, model: m1}
    """

struct UsageLogEndToEndTests {
    @Test func usageRowsAfterRequestsAndAGracefulStop() async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("llmrouter-e2e-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: folder) }
        let path = folder.appendingPathComponent("data/usage.sqlite").path
        let logger = Logger(label: "test")
        let store = try await UsageStore.open(path: path, logger: logger)
        let writer = UsageLogWriter(sink: store, settings: UsageLogSettings(path: path, flushInterval: .seconds(3600)), logger: logger)
        let app = try TestApp(yaml: failoverYAML, recorder: writer)
        try await testGracefulShutdown { trigger in
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask { try await writer.run() }
                try await app.test { client in
                    let answered = try await client.chat(
                        #"{"model":"m1","messages":[{"role":"user","content":"hello there"}]}"#,
                        headers: [HTTPField.Name("X-Request-Id")!: "client-id-1"]
                    )
                    #expect(answered.status == .ok)
                    let streamed = try await client.chat(
                        #"{"model":"m1","stream":true,"stream_options":{"include_usage":true},"messages":[{"role":"user","content":"hi"}]}"#
                    )
                    #expect(streamed.sseData.last == "[DONE]")
                    let missing = try await client.chat(model: "no-such-model")
                    #expect(missing.status == .notFound)
                }
                trigger.triggerGracefulShutdown()
                try await group.waitForAll()
            }
        }
        let rows = try await store.recentRequests(limit: 10)
        await store.close()
        #expect(rows.count == 3)
        let answered = try #require(rows.first { $0.requestID == "client-id-1" })
        #expect(answered.status == 200 && answered.provider == "steady" && answered.upstreamModel == "m1")
        #expect(answered.requestedModel == "m1" && !answered.stream)
        #expect(answered.attempts.map(\.provider) == ["flaky", "steady"])
        #expect(answered.attempts.map(\.outcome) == ["simulated", "ok"])
        #expect((answered.promptTokens ?? 0) > 0 && (answered.completionTokens ?? 0) > 0)
        #expect(answered.timeToFirstTokenMs != nil && answered.upstreamLatencyMs != nil)
        #expect(answered.latencyMs >= answered.upstreamLatencyMs ?? .infinity)
        let streamed = try #require(rows.first { $0.stream })
        #expect(streamed.status == 200 && streamed.errorCode == nil && streamed.provider == "steady")
        #expect(rows.allSatisfy { $0.endpoint == "chat" })
        #expect((streamed.completionTokens ?? 0) > 0)
        #expect(!streamed.requestID.isEmpty && streamed.requestID != "client-id-1")
        let missing = try #require(rows.first { $0.status == 404 })
        #expect(missing.errorCode == "model_not_found" && missing.provider == nil && missing.requestedModel == "no-such-model")
    }

    @Test func metricsNamesAfterAScriptedRun() async throws {
        let registry = PrometheusCollectorRegistry()
        let writer = UsageLogWriter(
            sink: NullSink(), settings: UsageLogSettings(path: "unused"), logger: Logger(label: "test"),
            metrics: MetricsBootstrap.factory(registry: registry)
        )
        let app = try TestApp(yaml: failoverYAML, metrics: registry, recorder: writer)
        try await app.test { client in
            _ = try await client.chat(model: "m1")
            _ = try await client.chat(#"{"model":"m1","stream":true,"stream_options":{"include_usage":true},"messages":[{"role":"user","content":"hi"}]}"#)
            let text = String(buffer: try await client.execute(uri: "/metrics", method: .get).body)
            for expected in [
                #"llmrouter_prompt_tokens_total{provider="steady",model="m1",endpoint="chat"} "#,
                #"llmrouter_completion_tokens_total{provider="steady",model="m1",endpoint="chat"} "#,
                #"llmrouter_time_to_first_token_seconds_count{provider="steady",endpoint="chat"} 2"#,
                #"llmrouter_upstream_latency_seconds_count{provider="steady",endpoint="chat"} 2"#,
                #"llmrouter_router_overhead_seconds_bucket{endpoint="chat",le="0.0001"}"#,
                #"llmrouter_router_overhead_seconds_count{endpoint="chat"} 2"#,
                "llmrouter_requests_in_flight 0",
                #"llmrouter_usage_log_dropped_rows_total{reason="buffer_full"} 0"#,
            ] {
                #expect(text.contains(expected), "missing \(expected) in:\n\(text)")
            }
        }
    }

    @Test func inFlightCountsARequestUntilItIsAnswered() async throws {
        let registry = PrometheusCollectorRegistry()
        // Slow enough that a loaded machine (the whole suite in parallel) still polls inside it:
        // at 400 ms, one full run's polls all came after the answer.
        let app = try TestApp(yaml: "providers:\n  - {name: slow, type: echo, mock_latency_ms: 1500}", metrics: registry)
        try await app.test { client in
            async let slow = client.chat()
            var seen = ""
            for _ in 0..<140 where !seen.contains("llmrouter_requests_in_flight 1") {
                try await Task.sleep(for: .milliseconds(10))
                seen = String(buffer: try await client.execute(uri: "/metrics", method: .get).body)
            }
            #expect(seen.contains("llmrouter_requests_in_flight 1"))
            #expect(try await slow.status == .ok)
            let after = String(buffer: try await client.execute(uri: "/metrics", method: .get).body)
            #expect(after.contains("llmrouter_requests_in_flight 0"))
        }
    }
}

struct NullSink: UsageSink {
    func insert(_ records: [RequestRecord]) async throws {}
    func deleteRows(before cutoff: Date) async throws -> Int { 0 }
}
