import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import LLMRouterProviders
@testable import LLMRouterServer
import NIOCore
import Prometheus
import Testing

struct ListingAndHealthTests {
    let yaml = """
        providers:
          - name: groq-llama
            type: groq
            model: llama-3.3-70b-versatile
            canonical_model: llama-3.3-70b
            aliases: [llama3.3]
            api_key_env: LLMROUTER_TEST_UNSET_KEY
            extra_headers: {X-Secret-Header: header-value-must-not-leak}
          - {name: or-llama, type: echo, model: 'meta-llama/llama-3.3-70b-instruct:free', canonical_model: llama-3.3-70b}
          - {name: catch-all, type: echo}
        """

    @Test func healthIsCheapAndOK() async throws {
        let app = try TestApp(yaml: yaml)
        try await app.test { client in
            for path in ["/", "/health"] {
                let json = try await client.getJSON(path)
                #expect(json["status"] as? String == "ok")
                #expect(json["providers"] as? Int == 3)
            }
        }
    }

    @Test func modelsListUsesTheOpenAIShapeWithoutSecrets() async throws {
        let app = try TestApp(yaml: yaml, makeRemote: { _ in .failure(.missingKey("LLMROUTER_TEST_UNSET_KEY")) })
        try await app.test { client in
            let response = try await client.execute(uri: "/v1/models", method: .get)
            let text = String(buffer: response.body)
            #expect(!text.contains("header-value-must-not-leak"))
            #expect(!text.contains("LLMROUTER_TEST_UNSET_KEY"))
            let json = try response.jsonObject()
            #expect(json["object"] as? String == "list")
            let data = try #require(json["data"] as? [[String: Any]])
            #expect(data.map { $0["id"] as? String } == ["auto", "llama-3.3-70b"])
            for model in data {
                #expect(model["object"] as? String == "model")
                #expect(model["created"] is Int)
                #expect(model["owned_by"] is String)
            }
            let llama = data[1]
            #expect(llama["aliases"] as? [String] == ["llama3.3"])
            let providers = try #require(llama["providers"] as? [[String: Any]])
            #expect(providers.map { $0["name"] as? String } == ["groq-llama", "or-llama"])
            #expect(providers[0]["type"] as? String == "groq")
            #expect(providers[0]["model"] as? String == "llama-3.3-70b-versatile")
            #expect(providers[0]["enabled"] as? Bool == false)
            #expect(Set(providers[0].keys) == ["name", "type", "model", "enabled"])
            let single = try await client.getJSON("/v1/models/llama3.3".replacingOccurrences(of: "llama3.3", with: "llama-3.3-70b"))
            #expect(single["id"] as? String == "llama-3.3-70b")
        }
    }

    @Test func healthProvidersShowsDisabledProvidersAndNoSecrets() async throws {
        let app = try TestApp(yaml: yaml, makeRemote: { _ in .failure(.missingKey("LLMROUTER_TEST_UNSET_KEY")) })
        try await app.test { client in
            let response = try await client.execute(uri: "/health/providers", method: .get)
            #expect(!String(buffer: response.body).contains("header-value-must-not-leak"))
            let providers = try #require(try response.jsonObject()["providers"] as? [[String: Any]])
            #expect(providers.map { $0["name"] as? String } == ["groq-llama", "or-llama", "catch-all"])
            let groq = providers[0]
            #expect(groq["status"] as? String == "disabled: missing LLMROUTER_TEST_UNSET_KEY")
            #expect(groq["type"] as? String == "groq")
            #expect(groq["priority"] as? Int == 100)
            #expect(groq["state"] as? String == "closed")
            for key in ["requests", "successes", "failures", "consecutive_failures", "failures_by_kind", "window", "latency_ms"] {
                #expect(groq[key] != nil, "missing \(key)")
            }
        }
    }

    @Test func disabledProvidersAreSkippedAndNamedInTheAnswerPath() async throws {
        let app = try TestApp(yaml: yaml, makeRemote: { _ in .failure(.missingKey("LLMROUTER_TEST_UNSET_KEY")) })
        try await app.test { client in
            let response = try await client.chat(model: "llama3.3")
            #expect(response.status == .ok)
            #expect(response.headers[.provider] != "groq-llama")
            #expect(response.headers[.attempts] == "1")
        }
    }
}

struct MetricsEndpointTests {
    @Test func metricsCountAttemptsByProviderAndOutcome() async throws {
        let registry = PrometheusCollectorRegistry()
        let app = try TestApp(
            yaml: "providers:\n  - {name: broken, type: echo, priority: 1, mock_failure_rate: 1}\n  - {name: healthy, type: echo, priority: 2}",
            metrics: registry
        )
        try await app.test { client in
            for _ in 0..<2 { _ = try await client.chat() }
            let response = try await client.execute(uri: "/metrics", method: .get)
            #expect(response.status == .ok)
            let text = String(buffer: response.body)
            #expect(text.contains(#"llmrouter_upstream_attempts_total{provider="broken",outcome="simulated"} 2"#), "\(text)")
            #expect(text.contains(#"llmrouter_upstream_attempts_total{provider="healthy",outcome="success"} 2"#), "\(text)")
        }
    }

    @Test func onlyChatCompletionTargetsCountAsInFlightChats() {
        typealias Middleware = HTTPMetricsMiddleware<RouterRequestContext>
        #expect(Middleware.isChatCompletions("/v1/chat/completions"))
        #expect(Middleware.isChatCompletions("/chat/completions?trace=1"))
        #expect(!Middleware.isChatCompletions("/v1/models"))
        #expect(!Middleware.isChatCompletions("/v1/chat/completions/extra"))
        #expect(!Middleware.isChatCompletions(""))
    }

    @Test func httpMetricsCountCompleteAnswersStreamsAndErrorsByRouteAndStatus() async throws {
        let registry = PrometheusCollectorRegistry()
        let app = try TestApp(yaml: "providers:\n  - {name: echo, type: echo}", metrics: registry)
        try await app.test { client in
            #expect(try await client.chat().status == .ok)
            let streamed = try await client.chat(stream: true)
            #expect(streamed.status == .ok && String(buffer: streamed.body).contains("[DONE]"))
            #expect(try await client.chat("not json").status == .badRequest)
            let text = String(buffer: try await client.execute(uri: "/metrics", method: .get).body)
            let chat = #"http_route="/v1/chat/completions",http_request_method="POST""#
            #expect(text.contains("hb_requests{\(chat),http_response_status_code=\"200\"} 2"), "\(text)")
            #expect(text.contains("http_server_request_duration_count{\(chat),http_response_status_code=\"200\"} 2"))
            #expect(text.contains("hb_requests{\(chat),http_response_status_code=\"400\"} 1"))
            #expect(text.contains("hb_request_errors{\(chat),error_type=\"400\"} 1"))
            // Both answers, the stream included, were counted as written: none is still active.
            #expect(text.contains(#"http_server_active_requests{http_request_method="POST"} 0"#))
        }
    }

    @Test func metricsShowEachRoutesBreakerCoolDownQuotaAndSkips() async throws {
        let registry = PrometheusCollectorRegistry()
        let app = try TestApp(
            yaml: """
                routing: {max_wait_seconds: 0}
                providers:
                  - {name: broken, type: echo, priority: 1, mock_failure_rate: 1, circuit_breaker: {failure_threshold: 1, recovery_time_seconds: 60}}
                  - {name: paced, type: echo, priority: 2, rate_limit: {rpm: 1}}
                """,
            metrics: registry
        )
        try await app.test { client in
            #expect(try await client.chat().status == .ok)
            #expect(try await client.chat().status == .tooManyRequests)
            let text = String(buffer: try await client.execute(uri: "/metrics", method: .get).body)
            #expect(text.contains(#"llmrouter_route_breaker_state{route="broken"} 2"#), "\(text)")
            #expect(text.contains(#"llmrouter_route_breaker_state{route="paced"} 0"#))
            #expect(text.contains(#"llmrouter_route_quota_limit{route="paced",limit="rpm"} 1"#))
            #expect(text.contains(#"llmrouter_route_quota_used{route="paced",limit="rpm"} 1"#))
            #expect(text.contains(#"llmrouter_route_skips_total{route="paced",reason="quota"} 1"#))
            #expect(text.contains(#"llmrouter_route_skips_total{route="broken",reason="breaker"} 1"#))
            #expect(text.contains(#"llmrouter_route_cooldown_seconds{route="broken"} 0"#))
        }
    }
}
