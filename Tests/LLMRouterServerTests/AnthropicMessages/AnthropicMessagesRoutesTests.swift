import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import LLMRouterCore
import LLMRouterConfig
import LLMRouterProviders
import LLMRouterServer
import LLMRouterTesting
import NIOCore
import Prometheus
import Testing

/// `/v1/messages` end to end through the router: answers, streams, failover and every error in
/// Anthropic's shape.
struct AnthropicMessagesRoutesTests {
    static let yaml = """
        routing:
          model_map: {"claude-*": small}
        providers:
          - {name: broken, type: echo, model: small, priority: 1, mock_failure_rate: 1}
          - {name: good, type: echo, model: small, priority: 2}
        """
    static let body = #"{"model":"claude-3-5-haiku-20241022","max_tokens":64,"messages":[{"role":"user","content":"hello there"}]}"#

    @Test func aMessageIsAnsweredInAnthropicsShapeAfterFailover() async throws {
        let recorded = RecordingRecorder()
        let app = try TestApp(yaml: Self.yaml, recorder: recorded)
        try await app.test { client in
            let response = try await client.messages(Self.body)
            #expect(response.status == .ok)
            #expect(response.headers[.provider] == "good")
            #expect(response.headers[.attempts] == "2")
            let message = try response.jsonObject()
            #expect(message["type"] as? String == "message")
            #expect(message["role"] as? String == "assistant")
            #expect(message["model"] as? String == "claude-3-5-haiku-20241022", "the model the client named")
            #expect(message["stop_reason"] as? String == "end_turn")
            let content = try #require(message["content"] as? [[String: Any]])
            #expect(content.first?["type"] as? String == "text")
            #expect(content.first?["text"] as? String == "good: hello there")
            let usage = try #require(message["usage"] as? [String: Any])
            #expect((usage["output_tokens"] as? Int ?? 0) > 0)
        }
        #expect(recorded.records.last?.endpoint == "messages")
    }

    @Test func aStreamIsTranslatedToAnthropicEvents() async throws {
        let app = try TestApp(yaml: Self.yaml)
        try await app.test { client in
            let streamed = Self.body.replacingOccurrences(of: #""max_tokens":64"#, with: #""max_tokens":64,"stream":true"#)
            let response = try await client.messages(streamed)
            #expect(response.status == .ok)
            #expect(response.headers[.contentType] == "text/event-stream")
            let names = String(buffer: response.body).components(separatedBy: "\n").compactMap { line in
                line.hasPrefix("event: ") ? String(line.dropFirst(7)) : nil
            }
            #expect(names.first == "message_start")
            #expect(names.suffix(2) == ["message_delta", "message_stop"])
            #expect(names.contains("content_block_delta"))
            let text = String(buffer: response.body).components(separatedBy: "\n").filter { $0.hasPrefix("data: ") && $0.contains("text_delta") }
                .compactMap { line -> String? in
                    let object = try? JSONSerialization.jsonObject(with: Data(line.dropFirst(6).utf8)) as? [String: Any]
                    return (object?["delta"] as? [String: Any])?["text"] as? String
                }.joined()
            #expect(text == "good: hello there")
        }
    }

    @Test func routingFailuresAreAnthropicErrors() async throws {
        let yaml = """
            providers:
              - {name: broken, type: echo, model: small, mock_failure_rate: 1}
            """
        let app = try TestApp(yaml: yaml)
        try await app.test { client in
            let unknown = try await client.messages(#"{"model":"no-such-model","max_tokens":5,"messages":[{"role":"user","content":"hi"}]}"#)
            #expect(unknown.status == .notFound)
            #expect(try unknown.anthropicError()["type"] as? String == "not_found_error")
            let failing = try await client.messages(#"{"model":"small","max_tokens":5,"messages":[{"role":"user","content":"hi"}]}"#)
            #expect(failing.status.code == 529, "no provider could answer: Anthropic's overloaded status, which its SDKs retry")
            #expect(try failing.anthropicError()["type"] as? String == "overloaded_error")
            let invalid = try await client.messages(#"{"model":"small","messages":[{"role":"user","content":"hi"}]}"#)
            #expect(invalid.status == .badRequest)
            #expect((try invalid.anthropicError()["message"] as? String)?.contains("max_tokens") == true)
            let notJSON = try await client.messages("{")
            #expect(notJSON.status == .badRequest)
            #expect(try notJSON.jsonObject()["type"] as? String == "error")
        }
    }

    @Test func aMissingKeyIsAnAnthropicAuthenticationErrorAndXAPIKeyIsAccepted() async throws {
        let configuration = try ConfigurationLoader().parse(yaml: "providers:\n  - {name: e, type: echo, model: small}", file: "t.yaml").configuration
        let table = RoutingTable(registry: ProviderRegistry(configuration: configuration, makeRemote: { _ in .failure(ProviderUnavailable(reason: "offline")) }))
        let key = "llmr-user-0123456789abcdef"
        let router = RouterApplication(table: table, settings: .init(), keys: AccessKeys([AccessKey(name: "user", secret: key)]))
        try await Application(router: router.buildRouter()).test(.router) { client in
            let body = ByteBuffer(string: #"{"model":"small","max_tokens":5,"messages":[{"role":"user","content":"hi"}]}"#)
            let missing = try await client.execute(uri: "/v1/messages", method: .post, body: body)
            #expect(missing.status == .unauthorized)
            #expect(try missing.anthropicError()["type"] as? String == "authentication_error")
            let headers: HTTPFields = [HTTPField.Name("x-api-key")!: key, HTTPField.Name("anthropic-version")!: "2023-06-01"]
            let allowed = try await client.execute(uri: "/v1/messages", method: .post, headers: headers, body: body)
            #expect(allowed.status == .ok)
        }
    }

    @Test func aKeysModelListIsCheckedAgainstTheModelServed() async throws {
        let yaml = """
            routing:
              model_map: {"claude-*haiku*": small, "claude-*": big}
            providers:
              - {name: s, type: echo, model: small}
              - {name: b, type: echo, model: big}
            """
        let configuration = try ConfigurationLoader().parse(yaml: yaml, file: "t.yaml").configuration
        let table = RoutingTable(registry: ProviderRegistry(configuration: configuration, makeRemote: { _ in .failure(ProviderUnavailable(reason: "offline")) }), routing: configuration.routing)
        let key = "llmr-small-0123456789abcdef"
        let router = RouterApplication(table: table, settings: .init(), keys: AccessKeys([AccessKey(name: "small-only", secret: key, limits: .init(allowedModels: ["small"]))]))
        try await Application(router: router.buildRouter()).test(.router) { client in
            let headers: HTTPFields = [HTTPField.Name("x-api-key")!: key]
            func ask(_ model: String) async throws -> TestResponse {
                try await client.execute(
                    uri: "/v1/messages", method: .post, headers: headers,
                    body: ByteBuffer(string: #"{"model":"\#(model)","max_tokens":5,"messages":[{"role":"user","content":"hi"}]}"#)
                )
            }
            let haiku = try await ask("claude-3-5-haiku-20241022")
            #expect(haiku.status == .ok, "served as small, which the key may use")
            let sonnet = try await ask("claude-sonnet-4-5")
            #expect(sonnet.status == .forbidden)
            #expect(try sonnet.anthropicError()["type"] as? String == "permission_error")
            #expect((try sonnet.anthropicError()["message"] as? String)?.contains("served as big") == true)
        }
    }

    @Test func countTokensAnswersAnEstimate() async throws {
        let app = try TestApp(yaml: Self.yaml)
        try await app.test { client in
            let short = try await client.execute(
                uri: "/v1/messages/count_tokens", method: .post,
                body: ByteBuffer(string: #"{"model":"claude-3-5-haiku-20241022","messages":[{"role":"user","content":"hi"}]}"#)
            )
            let long = try await client.execute(
                uri: "/v1/messages/count_tokens", method: .post,
                body: ByteBuffer(string: #"{"model":"claude-3-5-haiku-20241022","messages":[{"role":"user","content":"\#(String(repeating: "word ", count: 400))"}]}"#)
            )
            let shortCount = try #require(try short.jsonObject()["input_tokens"] as? Int)
            let longCount = try #require(try long.jsonObject()["input_tokens"] as? Int)
            #expect(shortCount >= 1)
            #expect(longCount > shortCount + 400)
        }
    }
}

extension TestClientProtocol {
    func messages(_ json: String) async throws -> TestResponse {
        try await execute(uri: "/v1/messages", method: .post, headers: [.contentType: "application/json"], body: ByteBuffer(string: json))
    }
}

extension TestResponse {
    /// The `error` object of an Anthropic error body, after checking its `type` is `error`.
    func anthropicError() throws -> [String: Any] {
        let object = try jsonObject()
        guard object["type"] as? String == "error", let error = object["error"] as? [String: Any] else {
            throw TestFailure("not an Anthropic error: \(String(buffer: body))")
        }
        return error
    }
}
