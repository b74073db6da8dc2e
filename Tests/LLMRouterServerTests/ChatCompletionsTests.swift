import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import LLMRouterProviders
import LLMRouterServer
import NIOCore
import Testing

struct ChatCompletionsTests {
    @Test func echoAnswersWithTheLastUserMessageAndRoutingHeaders() async throws {
        let app = try TestApp(yaml: "providers:\n  - {name: local-echo, type: echo}")
        try await app.test { client in
            let response = try await client.chat(model: "anything", content: "ping pong")
            #expect(response.status == .ok)
            #expect(response.headers[.contentType] == "application/json")
            #expect(response.headers[.provider] == "local-echo")
            #expect(response.headers[.attempts] == "1")
            #expect(response.headers[HTTPField.Name("X-Request-Id")!] != nil)
            let json = try response.jsonObject()
            #expect(json["object"] as? String == "chat.completion")
            #expect(json["model"] as? String == "anything")
            #expect(try response.completionContent() == "local-echo: ping pong")
            let usage = try #require(json["usage"] as? [String: Int])
            #expect(usage["total_tokens"] == usage["prompt_tokens"]! + usage["completion_tokens"]!)
        }
    }

    @Test func failsOverFromAlwaysFailingProviderWithoutTheClientNoticing() async throws {
        let app = try TestApp(
            yaml: """
                providers:
                  - {name: broken, type: echo, priority: 1, mock_failure_rate: 1, circuit_breaker: {failure_threshold: 3, recovery_time_seconds: 60}}
                  - {name: healthy, type: echo, priority: 2}
                """
        )
        try await app.test { client in
            for index in 0..<20 {
                let response = try await client.chat(content: "request \(index)")
                #expect(response.status == .ok)
                #expect(response.headers[.provider] == "healthy")
                #expect(try response.completionContent() == "healthy: request \(index)")
                // Until the breaker opens the broken provider is tried first; after, it is skipped.
                #expect(response.headers[.attempts] == (index < 3 ? "2" : "1"))
            }
            let health = try await client.getJSON("/health/providers")
            let providers = try #require(health["providers"] as? [[String: Any]])
            let broken = try #require(providers.first { $0["name"] as? String == "broken" })
            #expect(broken["state"] as? String == "open")
            #expect(broken["requests"] as? Int == 3)
            #expect(broken["failures"] as? Int == 3)
            #expect((broken["failures_by_kind"] as? [String: Int]) == ["simulated": 3])
            #expect(broken["consecutive_failures"] as? Int == 3)
            #expect(broken["next_trial_at"] is String)
            #expect((broken["last_error"] as? String)?.contains("simulated failure") == true)
            let healthy = try #require(providers.first { $0["name"] as? String == "healthy" })
            #expect(healthy["state"] as? String == "closed")
            #expect(healthy["successes"] as? Int == 20)
            #expect(healthy["status"] as? String == "enabled")
            let latency = try #require(healthy["latency_ms"] as? [String: Double])
            #expect(latency["p50"] != nil && latency["p95"] != nil && latency["ewma"] != nil)
        }
    }

    @Test func equalPrioritiesShareTheLoad() async throws {
        let app = try TestApp(yaml: "providers:\n  - {name: a, type: echo, priority: 1}\n  - {name: b, type: echo, priority: 1}\n  - {name: c, type: echo, priority: 2}")
        try await app.test { client in
            var served: [String: Int] = [:]
            for _ in 0..<10 {
                let response = try await client.chat()
                served[response.headers[.provider] ?? "?", default: 0] += 1
            }
            #expect(served == ["a": 5, "b": 5])
        }
    }

    @Test func defaultModelAppliesWhenTheRequestNamesNone() async throws {
        let app = try TestApp(
            yaml: "providers:\n  - {name: a, type: echo, canonical_model: small}\n  - {name: b, type: echo, canonical_model: large}",
            settings: ServerSettings(defaultModel: "large")
        )
        try await app.test { client in
            let unnamed = try await client.chat()
            let named = try await client.chat(model: "small")
            #expect(unnamed.headers[.provider] == "b")
            #expect(named.headers[.provider] == "a")
        }
    }

    @Test func resolvesAliasesAndNormalisedNames() async throws {
        let app = try TestApp(
            yaml: "providers:\n  - {name: a, type: echo, model: 'meta-llama/llama-3.3-70b-instruct:free', canonical_model: llama-3.3-70b, aliases: [llama3.3]}"
        )
        try await app.test { client in
            for name in ["llama-3.3-70b", "LLAMA_3.3 70B:free", "llama3.3", "meta-llama/llama-3.3-70b-instruct"] {
                let response = try await client.chat(model: name)
                #expect(response.status == .ok, "\(name)")
                // The upstream id is what the provider sees.
                #expect(try response.jsonObject()["model"] as? String == "meta-llama/llama-3.3-70b-instruct:free")
            }
        }
    }

    @Test func echoStreamsWordByWordAsServerSentEvents() async throws {
        let app = try TestApp(yaml: "providers:\n  - {name: e, type: echo}")
        try await app.test { client in
            let response = try await client.chat(content: "one two three", stream: true)
            #expect(response.status == .ok)
            #expect(response.headers[.contentType] == "text/event-stream")
            #expect(response.headers[.provider] == "e")
            let events = response.sseData
            #expect(events.last == "[DONE]")
            var text = ""
            var finishReasons: [String] = []
            for event in events.dropLast() {
                let chunk = try #require(try JSONSerialization.jsonObject(with: Data(event.utf8)) as? [String: Any])
                #expect(chunk["object"] as? String == "chat.completion.chunk")
                let choice = try #require((chunk["choices"] as? [[String: Any]])?.first)
                text += ((choice["delta"] as? [String: Any])?["content"] as? String) ?? ""
                if let reason = choice["finish_reason"] as? String { finishReasons.append(reason) }
            }
            #expect(text == "e: one two three")
            #expect(finishReasons == ["stop"])
            #expect(events.count == 7, "role chunk + 4 words + finish chunk + [DONE]")
        }
    }

    @Test func streamingIncludesUsageWhenAsked() async throws {
        let app = try TestApp(yaml: "providers:\n  - {name: e, type: echo}")
        try await app.test { client in
            let response = try await client.chat(#"{"stream":true,"stream_options":{"include_usage":true},"messages":[{"role":"user","content":"hi"}]}"#)
            let last = try #require(response.sseData.dropLast().last)
            let chunk = try #require(try JSONSerialization.jsonObject(with: Data(last.utf8)) as? [String: Any])
            #expect((chunk["choices"] as? [Any])?.isEmpty == true)
            #expect(chunk["usage"] is [String: Any])
        }
    }

    @Test func streamingFailsOverBeforeTheFirstByte() async throws {
        let app = try TestApp(yaml: "providers:\n  - {name: broken, type: echo, priority: 1, mock_failure_rate: 1}\n  - {name: ok, type: echo, priority: 2}")
        try await app.test { client in
            let response = try await client.chat(content: "x", stream: true)
            #expect(response.status == .ok)
            #expect(response.headers[.provider] == "ok")
            #expect(response.headers[.attempts] == "2")
            #expect(response.sseData.last == "[DONE]")
        }
    }
}
