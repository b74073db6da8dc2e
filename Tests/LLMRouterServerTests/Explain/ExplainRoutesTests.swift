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

/// `POST /admin/explain` over HTTP: what it says, that it calls no upstream (the fake counts),
/// the admin key, the keys it pretends, and each API's request shape.
struct ExplainRoutesTests {
    static let httpClient = HTTPClient(eventLoopGroupProvider: .singleton, configuration: .upstream(connectTimeout: .seconds(1)))
    static let secret = "test-key-0123456789"

    static func yaml(_ upstream: FakeUpstream) -> String {
        """
        routing:
          rules:
            - name: gpu-team
              when: {header: {X-Team: "gpu-*"}}
              then: {prefer: ["tag:gpu"]}
            - name: interns-big
              when: {key: [intern]}
              then: {model: big}
        providers:
          - {name: cpu, type: echo, model: small, priority: 1}
          - {name: live, type: openai, priority: 2, base_url: "\(upstream.baseURL)", api_key_env: TEST_KEY, model: up-small, canonical_model: small, tags: [gpu]}
          - {name: nokey, type: groq, priority: 3, api_key_env: MISSING_GROQ_KEY, model: up-small, canonical_model: small}
          - {name: big-echo, type: echo, model: big}
          - {name: vectors, type: echo, kind: embeddings, model: vec}
        """
    }

    static func app(_ upstream: FakeUpstream, keys: AccessKeys = AccessKeys()) throws -> TestApp {
        let factory = RemoteProviderFactory(environment: ["TEST_KEY": secret], httpClient: httpClient)
        return try TestApp(yaml: yaml(upstream), keys: keys, makeRemote: factory.make)
    }

    static func explain(_ client: any TestClientProtocol, _ body: String, query: String = "", headers: HTTPFields = [:]) async throws -> TestResponse {
        try await client.execute(uri: "/admin/explain\(query)", method: .post, headers: headers, body: ByteBuffer(string: body))
    }

    static func routes(_ object: [String: Any]) -> [[String: Any]] {
        object["routes"] as? [[String: Any]] ?? []
    }

    static let chat = #"{"model":"small","messages":[{"role":"user","content":"hello"}]}"#

    @Test func namesTheRuleAndEveryRouteWithoutCallingTheUpstream() async throws {
        let upstream = try await FakeUpstream.start(defaultReply: .rateLimited(retryAfter: 30))
        let app = try Self.app(upstream)
        try await app.test { client in
            let wrapped = #"{"headers":{"X-Team":"gpu-1"},"request":\#(Self.chat)}"#
            let response = try await Self.explain(client, wrapped)
            #expect(response.status == .ok)
            let object = try response.jsonObject()
            #expect(object["rule"] as? String == "gpu-team" && object["policy"] as? String == "priority")
            #expect(object["model"] as? String == "small" && object["verdict"] as? String == "route")
            #expect(object["first_candidate"] as? String == "live")
            #expect(Self.routes(object).map { $0["name"] as? String } == ["live", "cpu", "nokey"])
            #expect(Self.routes(object).map { $0["status"] as? String } == ["candidate", "candidate", "skipped"])
            #expect(Self.routes(object).last?["reason"] as? String == "disabled: missing MISSING_GROQ_KEY")
            #expect(upstream.requestCount == 0)

            // A real request meets the 429 and cools `live`; the explanation says until when.
            let answered = try await client.chat(Self.chat, headers: [HTTPField.Name("X-Team")!: "gpu-1"])
            #expect(answered.headers[.provider] == "cpu")
            #expect(upstream.requestCount == 1)
            let cooled = try await Self.explain(client, wrapped).jsonObject()
            let live = try #require(Self.routes(cooled).first { $0["name"] as? String == "live" })
            #expect(live["status"] as? String == "skipped" && live["skip"] as? String == "cool_down")
            #expect((live["resume_in_seconds"] as? Double).map { $0 > 25 && $0 <= 30 } == true)
            #expect(cooled["first_candidate"] as? String == "cpu")
            // Without the header no rule matches: the configured order.
            let plain = try await Self.explain(client, Self.chat).jsonObject()
            #expect(plain["rule"] is NSNull && plain["first_candidate"] as? String == "cpu")
            #expect(String(decoding: try JSONSerialization.data(withJSONObject: cooled), as: UTF8.self).contains(Self.secret) == false)
        }
        #expect(upstream.requestCount == 1)
        try await upstream.shutdown()
    }

    @Test func needsAnAdminKeyAndPretendsTheKeyNamed() async throws {
        let upstream = try await FakeUpstream.start()
        let keys = AccessKeys([
            AccessKey(name: "ops", secret: "ops-secret-0123456789", isAdmin: true),
            AccessKey(name: "intern", secret: "intern-secret-0123456789", limits: .init(allowedModels: ["small"])),
        ])
        let app = try Self.app(upstream, keys: keys)
        try await app.test { client in
            #expect(try await Self.explain(client, Self.chat).status == .unauthorized)
            let plain = try await Self.explain(client, Self.chat, headers: [.authorization: "Bearer intern-secret-0123456789"])
            #expect(plain.status == .forbidden)
            #expect(try plain.openAIError()["code"] as? String == "permission_denied")
            let admin: HTTPFields = [.authorization: "Bearer ops-secret-0123456789"]
            #expect(try await Self.explain(client, Self.chat, headers: admin).jsonObject()["verdict"] as? String == "route")
            // As the intern: the rule serves `big`, which the intern's key may not use.
            let intern = try await Self.explain(client, #"{"key":"intern","request":\#(Self.chat)}"#, headers: admin).jsonObject()
            #expect(intern["verdict"] as? String == "model_not_allowed" && intern["model"] as? String == "big")
            #expect(intern["message"] as? String == "The key 'intern' may not use the model 'small (served as big)'.")
            let unknown = try await Self.explain(client, #"{"key":"nobody","request":\#(Self.chat)}"#, headers: admin)
            #expect(unknown.status == .badRequest)
            // The intern asking for real gets the same 403 as asking for `big` itself.
            let asked = try await client.chat(Self.chat, headers: [.authorization: "Bearer intern-secret-0123456789"])
            let direct = try await client.chat(#"{"model":"big","messages":[{"role":"user","content":"hello"}]}"#, headers: [.authorization: "Bearer intern-secret-0123456789"])
            #expect(asked.status == .forbidden && direct.status == .forbidden)
            let (askedError, directError) = (try asked.openAIError(), try direct.openAIError())
            #expect(askedError["code"] as? String == "model_not_allowed" && directError["code"] as? String == "model_not_allowed")
            #expect(askedError["param"] as? String == "model" && directError["param"] as? String == "model")
            #expect(askedError["type"] as? String == directError["type"] as? String)
        }
        #expect(upstream.requestCount == 0)
        try await upstream.shutdown()
    }

    @Test func readsEachAPIsRequestShape() async throws {
        let upstream = try await FakeUpstream.start()
        let app = try Self.app(upstream)
        try await app.test { client in
            let message = #"{"model":"small","max_tokens":16,"system":"be brief","messages":[{"role":"user","content":"hi"}]}"#
            let messages = try await Self.explain(client, message, query: "?endpoint=messages").jsonObject()
            #expect(messages["endpoint"] as? String == "messages" && messages["first_candidate"] as? String == "cpu")
            let responses = try await Self.explain(client, #"{"endpoint":"responses","request":{"model":"small","input":"hi"}}"#).jsonObject()
            #expect(responses["endpoint"] as? String == "responses" && responses["verdict"] as? String == "route")
            let vectors = try await Self.explain(client, #"{"model":"vec","input":"hi"}"#, query: "?endpoint=embeddings").jsonObject()
            #expect(vectors["first_candidate"] as? String == "vectors")
            let wrongKind = try await Self.explain(client, #"{"model":"vec","messages":[{"role":"user","content":"hi"}]}"#).jsonObject()
            #expect(wrongKind["verdict"] as? String == "wrong_model_kind")
            #expect(try await Self.explain(client, "[1]").status == .badRequest)
            #expect(try await Self.explain(client, Self.chat, query: "?endpoint=fax").status == .badRequest)
            #expect(try await Self.explain(client, #"{"messages":"no"}"#).status == .badRequest)
        }
        #expect(upstream.requestCount == 0)
        try await upstream.shutdown()
    }

    @Test func tellsWhenTheCacheWouldAnswer() async throws {
        let cache = ResponseCache(settings: ResponseCacheSettings(ttl: .seconds(60)))
        let app = try TestApp(yaml: "providers:\n  - {name: local, type: echo, model: m}", cache: cache)
        let question = #"{"model":"m","temperature":0,"messages":[{"role":"user","content":"a story"}]}"#
        try await app.test { client in
            #expect((try await Self.explain(client, question).jsonObject()["cache"] as? [String: Any])?["state"] as? String == "miss")
            _ = try await ResponseCacheRoutesTests.untilHit { try await client.chat(question) }
            let cacheState = try await Self.explain(client, question).jsonObject()["cache"] as? [String: Any]
            #expect(cacheState?["state"] as? String == "hit" && cacheState?["age_seconds"] is Double)
        }
    }
}
