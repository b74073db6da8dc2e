import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import LLMRouterCore
import LLMRouterConfig
import LLMRouterProviders
import LLMRouterServer
import NIOCore
import Prometheus
import Testing

/// Access keys through the router: who gets in, who is told 401, 403 or 429, and how.
struct AccessControlTests {
    static let userKey = "llmr-user-0123456789abcdef"
    static let adminKey = "llmr-admin-0123456789abcdef"
    static let limitedKey = "llmr-limited-0123456789abcdef"
    static let modelsKey = "llmr-models-0123456789abcdef"

    static let keys = AccessKeys([
        AccessKey(name: "user", secret: userKey),
        AccessKey(name: "ops", secret: adminKey, isAdmin: true),
        AccessKey(name: "limited", secret: limitedKey, limits: .init(requestsPerMinute: 2, tokensPerDay: 50, allowedModels: ["small"])),
        AccessKey(name: "models", secret: modelsKey, limits: .init(allowedModels: ["small"])),
    ])

    static func application(keys: AccessKeys = keys, settings: ServerSettings = .init()) throws -> RouterApplication<ContinuousClock> {
        let configuration = try ConfigurationLoader().parse(yaml: "providers:\n  - {name: local-echo, type: echo}", file: "test.yaml").configuration
        let table = RoutingTable(registry: ProviderRegistry(configuration: configuration, makeRemote: { _ in .failure(ProviderUnavailable(reason: "offline")) }))
        return RouterApplication(table: table, settings: settings, metrics: PrometheusCollectorRegistry(), keys: keys)
    }

    static func test(_ router: RouterApplication<ContinuousClock>, _ body: @Sendable (any TestClientProtocol) async throws -> Void) async throws {
        try await Application(router: router.buildRouter()).test(.router) { client in try await body(client) }
    }

    static func bearer(_ key: String) -> HTTPFields { [.authorization: "Bearer \(key)"] }

    static let chatBody = ByteBuffer(string: #"{"model":"small","messages":[{"role":"user","content":"hi"}]}"#)

    @Test func withoutKeysConfiguredEverythingIsOpen() async throws {
        try await Self.test(try Self.application(keys: AccessKeys())) { client in
            let chat = try await client.execute(uri: "/v1/chat/completions", method: .post, body: Self.chatBody)
            #expect(chat.status == .ok)
            let health = try await client.execute(uri: "/health/providers", method: .get)
            #expect(health.status == .ok)
        }
    }

    @Test(arguments: ["/v1/chat/completions", "/chat/completions", "/v1/models", "/health/providers", "/metrics", "/admin/reload", "/dashboard", "/v1/nothing-here"])
    func protectedPathsAnswer401InOpenAIShapeWithoutAKey(_ path: String) async throws {
        try await Self.test(try Self.application()) { client in
            let response = try await client.execute(uri: path, method: path.contains("chat") || path.hasPrefix("/admin") ? .post : .get, body: Self.chatBody)
            #expect(response.status == .unauthorized)
            #expect(response.headers[.contentType] == "application/json")
            #expect(response.headers[.wwwAuthenticate]?.hasPrefix("Bearer") == true)
            #expect(response.headers[HTTPField.Name("X-Request-Id")!] != nil)
            let error = try response.openAIError()
            #expect(error["code"] as? String == "invalid_api_key")
            #expect(error["type"] as? String == "invalid_request_error")
        }
    }

    @Test func aWrongKeyIs401AndNeverEchoed() async throws {
        try await Self.test(try Self.application()) { client in
            for headers: HTTPFields in [Self.bearer("llmr-wrong-0123456789abcdef"), [.authorization: "Basic dXNlcjpwYXNz"], [HTTPField.Name("x-api-key")!: ""]] {
                let response = try await client.execute(uri: "/v1/models", method: .get, headers: headers)
                #expect(response.status == .unauthorized)
                #expect(!String(buffer: response.body).contains("wrong"))
            }
        }
    }

    @Test func healthStaysOpen() async throws {
        try await Self.test(try Self.application()) { client in
            for path in ["/health", "/"] {
                let response = try await client.execute(uri: path, method: .get)
                #expect(response.status == .ok)
            }
        }
    }

    @Test func aKeyInEitherHeaderIsAccepted() async throws {
        try await Self.test(try Self.application()) { client in
            let bearer = try await client.execute(uri: "/v1/chat/completions", method: .post, headers: Self.bearer(Self.userKey), body: Self.chatBody)
            #expect(bearer.status == .ok)
            let lowercase = try await client.execute(uri: "/v1/models", method: .get, headers: [.authorization: "bearer  \(Self.userKey)"])
            #expect(lowercase.status == .ok)
            let apiKey = try await client.execute(uri: "/health/providers", method: .get, headers: [HTTPField.Name("x-api-key")!: Self.userKey])
            #expect(apiKey.status == .ok)
            #expect(try await client.execute(uri: "/metrics", method: .get, headers: Self.bearer(Self.userKey)).status == .ok)
        }
    }

    @Test func adminRoutesNeedAnAdminKey() async throws {
        try await Self.test(try Self.application()) { client in
            let user = try await client.execute(uri: "/admin/reload", method: .post, headers: Self.bearer(Self.userKey))
            #expect(user.status == .forbidden)
            #expect(try user.openAIError()["code"] as? String == "permission_denied")
            // An admin gets through; this app has no reload wired, which it says.
            let admin = try await client.execute(uri: "/admin/reload", method: .post, headers: Self.bearer(Self.adminKey))
            #expect(admin.status == .serviceUnavailable)
            #expect(try admin.openAIError()["code"] as? String == "reload_unavailable")
        }
    }

    @Test func aKeyLimitedToSomeModelsIsRefusedOthers() async throws {
        try await Self.test(try Self.application()) { client in
            let other = try await client.execute(
                uri: "/v1/chat/completions", method: .post, headers: Self.bearer(Self.modelsKey),
                body: ByteBuffer(string: #"{"model":"big","messages":[{"role":"user","content":"hi"}]}"#)
            )
            #expect(other.status == .forbidden)
            let error = try other.openAIError()
            #expect(error["code"] as? String == "model_not_allowed")
            #expect(error["param"] as? String == "model")
            let unnamed = try await client.execute(
                uri: "/v1/chat/completions", method: .post, headers: Self.bearer(Self.modelsKey),
                body: ByteBuffer(string: #"{"messages":[{"role":"user","content":"hi"}]}"#)
            )
            #expect(unnamed.status == .forbidden)
            let allowed = try await client.execute(uri: "/v1/chat/completions", method: .post, headers: Self.bearer(Self.modelsKey), body: Self.chatBody)
            #expect(allowed.status == .ok)
        }
    }

    @Test func requestsPerMinuteAreCountedPerKeyWithRetryAfter() async throws {
        try await Self.test(try Self.application()) { client in
            for _ in 0..<2 {
                #expect(try await client.execute(uri: "/v1/models", method: .get, headers: Self.bearer(Self.limitedKey)).status == .ok)
            }
            let refused = try await client.execute(uri: "/v1/models", method: .get, headers: Self.bearer(Self.limitedKey))
            #expect(refused.status == .tooManyRequests)
            let retryAfter = try #require(refused.headers[.retryAfter].flatMap(Int.init))
            #expect((1...30).contains(retryAfter))
            #expect(try refused.openAIError()["code"] as? String == "rate_limit_exceeded")
            // The limit is the limited key's own; health checks do not count against it.
            #expect(try await client.execute(uri: "/v1/models", method: .get, headers: Self.bearer(Self.userKey)).status == .ok)
            #expect(try await client.execute(uri: "/health/providers", method: .get, headers: Self.bearer(Self.limitedKey)).status == .ok)
        }
    }

    @Test func tokensRecordedForAKeyCloseItForTheDay() async throws {
        let router = try Self.application()
        router.keyQuota.record(RequestRecord(startedAt: Date(), requestID: "r1", keyName: "limited", status: 200, latency: .milliseconds(3), promptTokens: 30, completionTokens: 25))
        try await Self.test(router) { client in
            let refused = try await client.execute(uri: "/v1/chat/completions", method: .post, headers: Self.bearer(Self.limitedKey), body: Self.chatBody)
            #expect(refused.status == .tooManyRequests)
            let retryAfter = try #require(refused.headers[.retryAfter].flatMap(Int.init))
            #expect(retryAfter > 86_000 && retryAfter <= 86_400)
            #expect(try refused.openAIError()["message"] as? String == "The key 'limited' reached its limit of tokens per day. Retry after \(retryAfter) s.")
        }
    }

    @Test func theKeyIsOnTheContextForTheUsageLog() async throws {
        let router = try Self.application()
        let r = Router(context: RouterRequestContext.self)
        r.add(middleware: AccessKeyMiddleware(keys: router.keys, quota: router.keyQuota))
        r.get("/v1/whoami") { _, context in context.apiKeyName ?? "none" }
        try await Application(router: r).test(.router) { client in
            let response = try await client.execute(uri: "/v1/whoami", method: .get, headers: Self.bearer(Self.adminKey))
            #expect(String(buffer: response.body) == "ops")
        }
    }
}
