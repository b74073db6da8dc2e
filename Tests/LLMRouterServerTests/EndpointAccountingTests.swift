import Foundation
import HTTPTypes
import HummingbirdTesting
import LLMRouterCore
import LLMRouterServer
import NIOCore
import Prometheus
import Testing

/// Metrics and the dashboard tell the APIs apart: a chat completion and an embedding are counted
/// under their own `endpoint`, and a name outside the known set becomes `other`.
struct EndpointAccountingTests {
    /// One chat route and one embeddings route, so each API has an answering provider.
    static let yaml = """
        providers:
          - {name: chatty, type: echo, model: chat-model}
          - {name: embedder, type: echo, kind: embeddings, model: embed-model}
        """

    @Test func metricsLabelEachRequestWithItsEndpoint() async throws {
        let registry = PrometheusCollectorRegistry()
        let app = try TestApp(yaml: Self.yaml, metrics: registry)
        try await app.test { client in
            #expect(try await client.chat(model: "chat-model").status == .ok)
            #expect(try await client.embeddings(#"{"model":"embed-model","input":"hello"}"#).status == .ok)
            let text = String(buffer: try await client.execute(uri: "/metrics", method: .get).body)
            for expected in [
                #"llmrouter_prompt_tokens_total{provider="chatty",model="chat-model",endpoint="chat"} "#,
                #"llmrouter_upstream_latency_seconds_count{provider="chatty",endpoint="chat"} 1"#,
                #"llmrouter_upstream_latency_seconds_count{provider="embedder",endpoint="embeddings"} 1"#,
                #"llmrouter_router_overhead_seconds_count{endpoint="chat"} 1"#,
                #"llmrouter_router_overhead_seconds_count{endpoint="embeddings"} 1"#,
                #"llmrouter_router_overhead_seconds_count{endpoint="messages"} 0"#,
            ] {
                #expect(text.contains(expected), "missing \(expected) in:\n\(text)")
            }
            #expect(!text.contains(#"provider="embedder",endpoint="chat""#))
        }
    }

    @Test func anUnknownEndpointIsLabelledOther() {
        let registry = PrometheusCollectorRegistry()
        let recorder = RequestMetricsRecorder(factory: MetricsBootstrap.factory(registry: registry))
        recorder.record(
            RequestRecord(
                startedAt: Date(), requestID: "x", endpoint: "batch/v9", provider: "p", upstreamModel: "m", status: 200,
                latency: .milliseconds(12), upstreamLatency: .milliseconds(10), promptTokens: 3, completionTokens: 4
            )
        )
        let text = String(decoding: registry.emitToBuffer(), as: UTF8.self)
        #expect(text.contains(#"llmrouter_prompt_tokens_total{provider="p",model="m",endpoint="other"} 3"#))
        #expect(text.contains(#"llmrouter_completion_tokens_total{provider="p",model="m",endpoint="other"} 4"#))
        #expect(text.contains(#"llmrouter_router_overhead_seconds_count{endpoint="other"} 1"#))
        #expect(!text.contains("batch"))
    }

    @Test func dashboardListsAndCountsEachEndpoint() async throws {
        let app = try TestApp(yaml: Self.yaml)
        try await app.test { client in
            for _ in 0..<2 { _ = try await client.chat(model: "chat-model") }
            _ = try await client.embeddings(#"{"model":"embed-model","input":["a","b"]}"#)
            let list = try await client.getJSON("/dashboard/api/requests")
            let requests = try #require(list["requests"] as? [[String: Any]])
            #expect(requests.map { $0["endpoint"] as? String } == ["embeddings", "chat", "chat"])
            #expect(requests.map { $0["model"] as? String } == ["embed-model", "chat-model", "chat-model"])
            let summary = try await client.getJSON("/dashboard/api/summary")
            let counts = try #require(summary["requests_by_endpoint"] as? [String: Int])
            #expect(counts == ["chat": 2, "embeddings": 1, "messages": 0, "responses": 0])
        }
    }

    @Test func dashboardSummaryCountsUnknownEndpointsAsOtherAndForgetsTheOldHour() {
        let now = Date(timeIntervalSince1970: 1_700_000_000)
        let recent = RecentRequests(minutes: 60, capacity: 10)
        for (minutesAgo, endpoint) in [(90, "chat"), (3, "responses"), (1, "messages"), (0, "batch"), (0, "chat")] {
            recent.record(
                RequestRecord(
                    startedAt: now.addingTimeInterval(Double(-minutesAgo * 60)), requestID: endpoint, endpoint: endpoint,
                    status: 200, latency: .milliseconds(5)
                )
            )
        }
        let summary = recent.summary(now: now)
        #expect(summary.requestsByEndpoint == ["chat": 1, "embeddings": 0, "messages": 1, "responses": 1, "other": 1])
        #expect(summary.requestsLastHour == 4)
        // The list shows what was recorded; only the counts are bounded.
        #expect(recent.latest(limit: 2).map(\.endpoint) == ["chat", "batch"])
    }
}
