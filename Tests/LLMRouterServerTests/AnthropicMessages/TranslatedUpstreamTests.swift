import Foundation
import HTTPTypes
import HummingbirdTesting
import LLMRouterCore
import LLMRouterServer
import LLMRouterTesting
import NIOCore
import Testing

/// The translated APIs over real HTTP upstreams: failures after the first event, and answers
/// whose tool calls cannot be translated.
struct TranslatedUpstreamTests {
    static let messagesStream = #"{"model":"m","max_tokens":50,"stream":true,"messages":[{"role":"user","content":"hi"}]}"#

    @Test func anAnthropicStreamThatFailsMidwayEndsWithAnErrorEvent() async throws {
        let upstream = try await FakeUpstream.start(defaultReply: .streamThenReset(events: Array(StreamingUpstreamTests.events.prefix(3)), gap: .milliseconds(50)))
        let app = try UpstreamFailoverTests.app("providers:\n  - {name: up, type: openai, base_url: \"\(upstream.baseURL)\", api_key_env: TEST_KEY, model: m}")
        try await app.test { client in
            let response = try await client.messages(Self.messagesStream)
            #expect(response.status == .ok)
            let text = String(buffer: response.body)
            let names = text.components(separatedBy: "\n").compactMap { $0.hasPrefix("event: ") ? String($0.dropFirst(7)) : nil }
            #expect(names.first == "message_start")
            #expect(names.last == "error")
            #expect(!names.contains("message_stop"), "a failed stream does not claim to have finished")
            #expect(text.contains("upstream") || text.contains("failed mid-stream"))
        }
        #expect(app.router.state.snapshot("up")?.failures == 1)
        try await upstream.shutdown()
    }

    @Test func toolArgumentsThatAreNotJSONFailOverToTheNextProvider() async throws {
        let broken = #"{"id":"x","object":"chat.completion","choices":[{"index":0,"message":{"role":"assistant","content":null,"tool_calls":[{"id":"c1","type":"function","function":{"name":"get_weather","arguments":"{\"city\": \"Pa"}}]},"finish_reason":"tool_calls"}]}"#
        let whole = #"{"id":"y","object":"chat.completion","choices":[{"index":0,"message":{"role":"assistant","content":null,"tool_calls":[{"id":"c2","type":"function","function":{"name":"get_weather","arguments":"{\"city\": \"Paris\"}"}}]},"finish_reason":"tool_calls"}],"usage":{"prompt_tokens":5,"completion_tokens":7}}"#
        let first = try await FakeUpstream.start(defaultReply: .json(body: broken))
        let second = try await FakeUpstream.start(defaultReply: .json(body: whole))
        let app = try UpstreamFailoverTests.app(UpstreamFailoverTests.pair(first, second))
        let body = #"{"model":"m","max_tokens":50,"tools":[{"name":"get_weather","input_schema":{"type":"object","properties":{"city":{"type":"string"}}}}],"messages":[{"role":"user","content":"weather?"}]}"#
        try await app.test { client in
            let response = try await client.messages(body)
            #expect(response.status == .ok)
            #expect(response.headers[.attempts] == "2")
            let message = try response.jsonObject()
            #expect(message["stop_reason"] as? String == "tool_use")
            let block = try #require((message["content"] as? [[String: Any]])?.first { $0["type"] as? String == "tool_use" })
            #expect(block["name"] as? String == "get_weather")
            #expect((block["input"] as? [String: Any])?["city"] as? String == "Paris")
            #expect((message["usage"] as? [String: Any])?["output_tokens"] as? Int == 7)
        }
        try await first.shutdown()
        try await second.shutdown()
    }
}
