import Foundation
import HTTPTypes
import HummingbirdTesting
import LLMRouterCore
import LLMRouterProviders
import LLMRouterServer
import LLMRouterTesting
import NIOCore
import Testing

/// `routing.stream_failover: continue` through the server, against fake upstreams on 127.0.0.1
/// that cut their stream after N chunks: what an OpenAI and an Anthropic client read.
struct StreamContinuationEndToEndTests {
    static func chunk(_ content: String, id: String, role: Bool = false, finish: Bool = false) -> String {
        let roleMember = role ? #""role":"assistant","# : ""
        let finishValue = finish ? #""stop""# : "null"
        let contentMember = finish ? "" : #""content":"\#(content)""#
        return #"{"id":"\#(id)","object":"chat.completion.chunk","created":\#(id == "chatcmpl-a" ? 111 : 222),"model":"\#(id)-model","choices":[{"index":0,"delta":{\#(roleMember)\#(contentMember)},"finish_reason":\#(finishValue)}]}"#
    }

    /// The first upstream's whole answer; it is cut after the first three chunks.
    static let firstAnswer = [chunk("", id: "chatcmpl-a", role: true), chunk("The quick ", id: "chatcmpl-a"), chunk("brown ", id: "chatcmpl-a"), chunk("never sent", id: "chatcmpl-a")]
    static let secondAnswer = [chunk("", id: "chatcmpl-b", role: true), chunk("fox jumps.", id: "chatcmpl-b"), chunk("", id: "chatcmpl-b", finish: true)]

    /// `first` (openai: no prefill) breaks; `second` is a Groq route (prefill) unless `secondType` says otherwise.
    static func yaml(_ first: FakeUpstream, _ second: FakeUpstream, failover: String = "continue", secondType: String = "groq") -> String {
        """
        routing:
          stream_failover: \(failover)
        providers:
          - {name: first, type: openai, priority: 1, base_url: "\(first.baseURL)", api_key_env: TEST_KEY, model: first-id, canonical_model: m}
          - {name: second, type: \(secondType), priority: 2, base_url: "\(second.baseURL)", api_key_env: TEST_KEY, model: second-id, canonical_model: m}
        """
    }

    static func upstreams() async throws -> (FakeUpstream, FakeUpstream) {
        let first = try await FakeUpstream.start(defaultReply: .streamCut(events: firstAnswer, after: 3))
        let second = try await FakeUpstream.start(defaultReply: .stream(events: secondAnswer))
        return (first, second)
    }

    @Test func anOpenAIClientReadsOneAnswerWithTheSpliceMarked() async throws {
        let (first, second) = try await Self.upstreams()
        let recorder = RecordingRecorder()
        let configuration = try TestApp(yaml: Self.yaml(first, second), recorder: recorder, makeRemote: Self.factory.make)
        try await configuration.test { client in
            let response = try await client.chat(model: "m", content: "finish the sentence", stream: true)
            #expect(response.status == .ok)
            #expect(response.headers[.provider] == "first", "the headers went out with the first route")
            let body = String(buffer: response.body)
            #expect(body.contains("\n\n: llmrouter continued on second after first failed: connection: stream ended before [DONE]\n\n"))
            let data = response.sseData
            #expect(data.last == "[DONE]")
            let chunks = try data.dropLast().map { try JSONValue(parsing: Array($0.utf8)) }
            #expect(chunks.count == 6)
            #expect(chunks.allSatisfy { $0.objectValue?["id"] == .string("chatcmpl-a") })
            #expect(chunks.allSatisfy { $0.objectValue?["model"] == .string("chatcmpl-a-model") })
            let deltas = chunks.compactMap { $0.objectValue?["choices"]?.arrayValue?.first?.objectValue?["delta"]?.objectValue }
            #expect(deltas.compactMap { $0["role"] }.count == 1)
            #expect(deltas.compactMap { $0["content"]?.stringValue }.joined() == "The quick brown fox jumps.")
            let marker = try #require(chunks.last?.objectValue?["llmrouter"]?.objectValue)
            #expect(marker["continued_from"] == .string("first"))
            #expect(marker["continued_on"] == .string("second"))
        }
        // Groq takes a prefill: the second upstream got the partial answer as the last message.
        let sent = try JSONValue(parsing: try #require(second.lastRequestBody))
        let messages = try #require(sent.objectValue?["messages"]?.arrayValue)
        #expect(messages.count == 2)
        #expect(messages.last == .object(["role": .string("assistant"), "content": .string("The quick brown ")]))
        #expect(sent.objectValue?["model"] == .string("second-id"))
        let record = try #require(recorder.records.first)
        #expect(record.provider == "second")
        #expect(record.attempts.map(\.provider) == ["first", "second"])
        #expect(record.attempts.map(\.outcome) == ["connection", "ok"])
        try await first.shutdown()
        try await second.shutdown()
    }

    @Test func aRouteWithoutPrefillGetsTheInstructionAfterThePartialAnswer() async throws {
        let (first, second) = try await Self.upstreams()
        let app = try UpstreamFailoverTests.app(Self.yaml(first, second, secondType: "openai"))
        try await app.test { client in
            let response = try await client.chat(model: "m", content: "finish the sentence", stream: true)
            #expect(response.sseData.last == "[DONE]")
        }
        let sent = try JSONValue(parsing: try #require(second.lastRequestBody))
        let messages = try #require(sent.objectValue?["messages"]?.arrayValue)
        #expect(messages.count == 3)
        #expect(messages[1] == .object(["role": .string("assistant"), "content": .string("The quick brown ")]))
        #expect(messages[2].objectValue?["role"] == .string("user"))
        #expect(messages[2].objectValue?["content"] == .string(StreamContinuation.instruction))
        try await first.shutdown()
        try await second.shutdown()
    }

    @Test func withoutTheSettingTheClientGetsTheErrorEventAsBefore() async throws {
        let (first, second) = try await Self.upstreams()
        let app = try UpstreamFailoverTests.app(Self.yaml(first, second, failover: "error"))
        try await app.test { client in
            let response = try await client.chat(model: "m", content: "finish the sentence", stream: true)
            let data = response.sseData
            #expect(data.last == "[DONE]")
            #expect(try #require(data.dropLast().last).contains("upstream_stream_failed"))
            #expect(!String(buffer: response.body).contains(": llmrouter continued"))
        }
        #expect(second.requestCount == 0)
        try await first.shutdown()
        try await second.shutdown()
    }

    @Test func anAnthropicStreamStaysOneMessageWithOneTextBlock() async throws {
        let (first, second) = try await Self.upstreams()
        let app = try UpstreamFailoverTests.app(Self.yaml(first, second))
        try await app.test { client in
            let response = try await client.messages(TranslatedUpstreamTests.messagesStream)
            #expect(response.status == .ok)
            let body = String(buffer: response.body)
            #expect(body.contains(": llmrouter continued on second after first failed:"))
            var events: [(name: String, data: JSONValue)] = []
            for frame in body.components(separatedBy: "\n\n") {
                let lines = frame.split(separator: "\n")
                guard let name = lines.first(where: { $0.hasPrefix("event: ") }), let data = lines.first(where: { $0.hasPrefix("data: ") }) else { continue }
                events.append((String(name.dropFirst(7)), try JSONValue(parsing: Array(data.dropFirst(6).utf8))))
            }
            let names = events.map(\.name)
            #expect(names.filter { $0 == "message_start" }.count == 1)
            #expect(names.filter { $0 == "content_block_start" }.count == 1)
            #expect(names.filter { $0 == "message_stop" }.count == 1)
            #expect(names.last == "message_stop")
            #expect(!names.contains("error"))
            let deltas = events.filter { $0.name == "content_block_delta" }.map(\.data)
            #expect(deltas.allSatisfy { $0.objectValue?["index"] == .integer(0) }, "the text goes on in the same block")
            let text = deltas.compactMap { $0.objectValue?["delta"]?.objectValue?["text"]?.stringValue }.joined()
            #expect(text == "The quick brown fox jumps.")
            let stop = events.first { $0.name == "message_delta" }?.data.objectValue?["delta"]?.objectValue?["stop_reason"]
            #expect(stop == .string("end_turn"))
        }
        try await first.shutdown()
        try await second.shutdown()
    }

    static let factory = RemoteProviderFactory(environment: ["TEST_KEY": "test-key-0123456789"], httpClient: UpstreamFailoverTests.httpClient)
}
