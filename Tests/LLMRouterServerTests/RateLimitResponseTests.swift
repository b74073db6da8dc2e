import AsyncHTTPClient
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import LLMRouterCore
import LLMRouterProviders
import LLMRouterServer
import LLMRouterTesting
import NIOCore
import Testing

/// What a client sees when upstreams rate-limit: 429 with Retry-After, skipped routes named,
/// and no call spent on a route that said to wait.
struct RateLimitResponseTests {
    static func app(_ yaml: String) throws -> TestApp {
        try UpstreamFailoverTests.app(yaml)
    }

    static func yaml(_ upstreams: [(name: String, upstream: FakeUpstream)], maxWait: Double = 0) -> String {
        var text = "routing: {max_wait_seconds: \(maxWait)}\nproviders:\n"
        for (index, entry) in upstreams.enumerated() {
            text += "  - {name: \(entry.name), type: openai, priority: \(index + 1), base_url: \"\(entry.upstream.baseURL)\", api_key_env: TEST_KEY, model: \(entry.name)-id, canonical_model: m}\n"
        }
        return text
    }

    @Test func everyRouteRateLimitedIsA429WithRetryAfterAndNoSecondCall() async throws {
        let groq = try await FakeUpstream.start(defaultReply: .rateLimited(retryAfter: 20))
        let other = try await FakeUpstream.start(defaultReply: .rateLimited(retryAfter: 7))
        let app = try Self.app(Self.yaml([("groq", groq), ("other", other)]))
        try await app.test { client in
            let response = try await client.chat(model: "m")
            #expect(response.status == .tooManyRequests)
            #expect(response.headers[.retryAfter] == "7", "the earliest reset, in whole seconds")
            let error = try response.openAIError()
            #expect(error["code"] as? String == "rate_limit_exceeded")
            #expect(error["type"] as? String == "rate_limit_error")
            let message = try #require(error["message"] as? String)
            #expect(message.contains("groq") && message.contains("other"), "names each provider: \(message)")
            #expect(response.headers[.attempts] == "2")

            let again = try await client.chat(model: "m")
            #expect(again.status == .tooManyRequests)
            #expect(again.headers[.attempts] == "0", "cooled routes are skipped without a call")
            let skipped = try #require(again.headers[HTTPField.Name("X-LLMRouter-Skipped")!])
            #expect(skipped.contains("groq (cooling down (rate_limited:short_window); retry_in="))
        }
        #expect(groq.requestCount == 1)
        #expect(other.requestCount == 1)
        #expect(app.router.state.snapshot("groq")?.state == .closed, "a 429 never opens the breaker")
        try await groq.shutdown()
        try await other.shutdown()
    }

    @Test func aRateLimitedRouteFailsOverAndTheAnswerNamesTheSkip() async throws {
        let limited = try await FakeUpstream.start(defaultReply: .rateLimited(retryAfter: 30))
        let spare = try await FakeUpstream.start(defaultReply: .completion(content: "from spare"))
        let app = try Self.app(Self.yaml([("limited", limited), ("spare", spare)]))
        try await app.test { client in
            #expect(try await client.chat(model: "m").headers[.provider] == "spare")
            let second = try await client.chat(model: "m")
            #expect(second.status == .ok)
            #expect(second.headers[.attempts] == "1")
            #expect(second.headers[HTTPField.Name("X-LLMRouter-Skipped")!]?.hasPrefix("limited (cooling down") == true)
            let health = try await client.getJSON("/health/providers")
            let providers = try #require(health["providers"] as? [[String: Any]])
            let limitedHealth = try #require(providers.first { $0["name"] as? String == "limited" })
            let coolDown = try #require(limitedHealth["cool_down"] as? [String: Any])
            #expect(coolDown["reason"] as? String == "rate_limited:short_window")
            #expect(coolDown["scope"] as? String == "route:limited")
            #expect(limitedHealth["cool_downs"] as? Int == 1)
        }
        #expect(limited.requestCount == 1)
        try await limited.shutdown()
        try await spare.shutdown()
    }

    @Test func aShortResetIsWaitedForInsteadOfRefused() async throws {
        let calls = Locked(0)
        let upstream = try await FakeUpstream.start(defaultReply: .respond { _ in
            let call = calls.withLock { count -> Int in
                count += 1
                return count
            }
            return call == 1 ? .rateLimited(retryAfter: 1) : .completion(content: "after the wait")
        })
        let app = try Self.app(Self.yaml([("only", upstream)], maxWait: 3))
        try await app.test { client in
            let response = try await client.chat(model: "m")
            #expect(response.status == .ok)
            #expect(try response.completionContent() == "after the wait")
        }
        #expect(upstream.requestCount == 2)
        try await upstream.shutdown()
    }

    @Test func configuredRateLimitsAreReadFromYAML() throws {
        let app = try TestApp(yaml: """
            routing: {policy: least_latency, max_wait_seconds: 2.5}
            providers:
              - name: paced
                type: echo
                rate_limit: {rpm: 2, scope: "pool:shared"}
            """)
        let table = app.router.tables.current
        #expect(table.routing.maxWait == .milliseconds(2500))
        #expect(table.policy(for: "x") is LeastLatencyPolicy)
        #expect(table.routes[0].spec.limitScope == "pool:shared")
    }

    @Test func pacedEchoAnswers429OnceItsQuotaIsUsed() async throws {
        let app = try TestApp(yaml: "providers:\n  - {name: paced, type: echo, rate_limit: {rpm: 2}}\nrouting: {max_wait_seconds: 0}")
        try await app.test { client in
            #expect(try await client.chat(model: "m").status == .ok)
            #expect(try await client.chat(model: "m").status == .ok)
            let third = try await client.chat(model: "m")
            #expect(third.status == .tooManyRequests)
            let retryAfter = try #require(third.headers[.retryAfter].flatMap(Int.init))
            // The window's oldest request leaves it a minute after it was admitted; a loaded machine
            // may take seconds between the calls, so the wait is somewhat under 60, never over.
            #expect((45...60).contains(retryAfter))
        }
    }
}
