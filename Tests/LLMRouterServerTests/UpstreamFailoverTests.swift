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

/// The router in front of fake OpenAI-compatible upstreams on 127.0.0.1.
struct UpstreamFailoverTests {
    /// One client for every test, as in production; never shut down (it lives as long as the test process).
    static let httpClient = HTTPClient(eventLoopGroupProvider: .singleton, configuration: .upstream(connectTimeout: .seconds(1)))

    static func app(_ yaml: String, environment: [String: String] = ["TEST_KEY": "test-key-0123456789"], settings: ServerSettings = .init()) throws -> TestApp {
        let factory = RemoteProviderFactory(environment: environment, httpClient: httpClient)
        return try TestApp(yaml: yaml, settings: settings, makeRemote: factory.make)
    }

    /// Two providers for one model: `first` is tried first, `second` is the fallback.
    static func pair(_ first: FakeUpstream, _ second: FakeUpstream, firstExtra: String = "") -> String {
        """
        providers:
          - {name: first, type: openai, priority: 1, base_url: "\(first.baseURL)", api_key_env: TEST_KEY, model: first-id, canonical_model: m\(firstExtra)}
          - {name: second, type: openai, priority: 2, base_url: "\(second.baseURL)", api_key_env: TEST_KEY, model: second-id, canonical_model: m}
        """
    }

    @Test func failsOverFrom500ToAHealthyUpstream() async throws {
        let first = try await FakeUpstream.start(defaultReply: .error(status: 500, message: "boom"))
        let second = try await FakeUpstream.start(defaultReply: .completion(content: "from second"))
        let app = try Self.app(Self.pair(first, second))
        try await app.test { client in
            let response = try await client.chat(model: "m")
            #expect(response.status == .ok)
            #expect(try response.completionContent() == "from second")
            #expect(response.headers[.provider] == "second")
            #expect(response.headers[.attempts] == "2")
        }
        #expect(first.requestCount == 1)
        #expect(app.router.state.snapshot("first")?.failuresByKind == ["server_error": 1])
        try await first.shutdown()
        try await second.shutdown()
    }

    @Test func upstreamBytesPassThroughUnchanged() async throws {
        let fixture = try UpstreamFixtures.bytes("openrouter-chat-completion.json")
        let upstream = try await FakeUpstream.start(defaultReply: .json(bytes: fixture))
        let app = try Self.app("providers:\n  - {name: or, type: openrouter, base_url: \"\(upstream.baseURL)\", api_key_env: TEST_KEY}")
        try await app.test { client in
            let response = try await client.chat(model: "openai/gpt-5.4-nano")
            #expect(response.status == .ok)
            #expect(Array(response.body.readableBytesView) == fixture)
        }
        try await upstream.shutdown()
    }

    @Test func clientErrorIsPassedBackAndNotRetried() async throws {
        let body = #"{"error":{"message":"tools[0].function.name is invalid","type":"invalid_request_error","param":"tools","code":null}}"#
        let first = try await FakeUpstream.start(defaultReply: .json(status: 400, body: body))
        let second = try await FakeUpstream.start()
        let app = try Self.app(Self.pair(first, second))
        try await app.test { client in
            let response = try await client.chat(model: "m")
            #expect(response.status == .badRequest)
            #expect(String(buffer: response.body) == body)
            #expect(response.headers[.provider] == "first")
        }
        #expect(second.requestCount == 0)
        #expect(app.router.state.snapshot("first")?.state == .closed)
        try await first.shutdown()
        try await second.shutdown()
    }

    @Test(arguments: ["timeout", "refused", "malformed", "rate_limited", "reset"])
    func retryableFailuresFailOver(kind: String) async throws {
        let second = try await FakeUpstream.start(defaultReply: .completion(content: "fallback"))
        let first: FakeUpstream
        switch kind {
        case "timeout": first = try await FakeUpstream.start(defaultReply: .delay(.seconds(6), then: .completion(content: "late")))
        case "malformed": first = try await FakeUpstream.start(defaultReply: .malformed)
        case "rate_limited": first = try await FakeUpstream.start(defaultReply: .rateLimited(retryAfter: 7))
        case "reset": first = try await FakeUpstream.start(defaultReply: .reset)
        default:
            first = try await FakeUpstream.start()
            try await first.shutdown()
        }
        let app = try Self.app(Self.pair(first, second, firstExtra: ", timeouts: {connect_seconds: 0.3, first_byte_seconds: 0.3}"))
        try await app.test { client in
            let started = ContinuousClock.now
            let response = try await client.chat(model: "m")
            #expect(response.status == .ok)
            #expect(try response.completionContent() == "fallback")
            #expect(response.headers[.attempts] == "2")
            #expect(ContinuousClock.now - started < .seconds(4.5), "the slow upstream (6 s) was abandoned at its timeout (0.3 s)")
        }
        let expected: FailureKind =
            switch kind {
            case "timeout": .timeout
            case "malformed": .badResponse
            case "rate_limited": .rateLimited
            default: .connection
            }
        #expect(app.router.state.snapshot("first")?.failuresByKind == [expected.rawValue: 1])
        if kind != "refused" { try await first.shutdown() }
        try await second.shutdown()
    }

    @Test func requestFieldsReachTheUpstreamWithItsModelAndKey() async throws {
        let upstream = try await FakeUpstream.start()
        let app = try Self.app(
            "providers:\n  - {name: up, type: groq, base_url: \"\(upstream.baseURL)\", api_key_env: TEST_KEY, model: upstream-id, canonical_model: m, extra_headers: {X-Title: llmrouter}}"
        )
        try await app.test { client in
            let response = try await client.chat(
                #"{"model":"m","messages":[{"role":"user","content":"hi"}],"tools":[{"type":"function","function":{"name":"f","parameters":{}}}],"tool_choice":"auto","response_format":{"type":"json_object"},"seed":7,"stop":["\n"],"n":1,"user":"u1","x_unknown":{"nested":[1,2]}}"#
            )
            #expect(response.status == .ok)
        }
        let request = try #require(upstream.lastRequest)
        let body = try #require(try JSONSerialization.jsonObject(with: Data(request.body)) as? [String: Any])
        #expect(body["model"] as? String == "upstream-id")
        #expect((body["tools"] as? [[String: Any]])?.count == 1)
        #expect(body["tool_choice"] as? String == "auto")
        #expect((body["response_format"] as? [String: String]) == ["type": "json_object"])
        #expect(body["seed"] as? Int == 7)
        #expect(body["stop"] as? [String] == ["\n"])
        #expect(body["user"] as? String == "u1")
        #expect((body["x_unknown"] as? [String: [Int]]) == ["nested": [1, 2]])
        #expect(request.header("authorization") == "Bearer test-key-0123456789")
        #expect(request.header("x-title") == "llmrouter")
        try await upstream.shutdown()
    }

    @Test func providerWithoutItsKeyIsDisabledAndSkipped() async throws {
        let first = try await FakeUpstream.start()
        let second = try await FakeUpstream.start(defaultReply: .completion(content: "keyed"))
        let yaml = """
            providers:
              - {name: keyless, type: groq, priority: 1, base_url: "\(first.baseURL)", model: a, canonical_model: m}
              - {name: keyed, type: openai, priority: 2, base_url: "\(second.baseURL)", api_key_env: TEST_KEY, model: b, canonical_model: m}
            """
        let app = try Self.app(yaml, environment: ["TEST_KEY": "test-key-0123456789"])
        try await app.test { client in
            let response = try await client.chat(model: "m")
            #expect(try response.completionContent() == "keyed")
            #expect(response.headers[.attempts] == "1")
            let providers = try #require(try await client.getJSON("/health/providers")["providers"] as? [[String: Any]])
            #expect(providers[0]["status"] as? String == "disabled: missing GROQ_API_KEY")
        }
        #expect(first.requestCount == 0)
        try await first.shutdown()
        try await second.shutdown()
    }

    @Test func secretsInUpstreamErrorsNeverReachTheClientOrHealth() async throws {
        let leaky = try await FakeUpstream.start(
            defaultReply: .respond { request in
                .error(status: 500, message: "bad auth header: \(request.header("authorization") ?? "")")
            }
        )
        let app = try Self.app("providers:\n  - {name: leaky, type: openai, base_url: \"\(leaky.baseURL)\", api_key_env: TEST_KEY}")
        try await app.test { client in
            let response = try await client.chat()
            #expect(response.status == .serviceUnavailable)
            #expect(!String(buffer: response.body).contains("test-key-0123456789"))
            let health = try await client.execute(uri: "/health/providers", method: .get)
            #expect(!String(buffer: health.body).contains("test-key-0123456789"))
            #expect(String(buffer: health.body).contains("[redacted]"))
        }
        try await leaky.shutdown()
    }
}
