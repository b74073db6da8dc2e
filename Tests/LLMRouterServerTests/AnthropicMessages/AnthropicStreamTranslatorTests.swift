import LLMRouterCore
@testable import LLMRouterServer
import NIOCore
import Testing

struct AnthropicStreamTranslatorTests {
    private typealias Support = AnthropicTestSupport

    private func json(_ text: String) throws -> JSONValue { try Support.json(text) }

    /// The concatenated delta field `field` of the deltas of block `index`.
    private func concatenated(_ events: [AnthropicSSEEvent], index: Int, field: String) -> String {
        events.filter { $0.name == "content_block_delta" && $0.data["index"] == .integer(Int64(index)) }
            .compactMap { $0.data["delta"]?[field]?.stringValue }
            .joined()
    }

    @Test func pingFollowsMessageStartAsAnthropicSends() throws {
        let names = try Support.translateStreamWithPings(fixture: "groq-chat-stream.sse").map(\.name)
        #expect(Array(names.prefix(3)) == ["message_start", "ping", "content_block_start"])
        #expect(names.filter { $0 == "ping" }.count == 1)
    }

    @Test func groqTextStream() throws {
        let events = try Support.translateStream(fixture: "groq-chat-stream.sse", inputTokensEstimate: 7)
        #expect(events.map(\.name) == [
            "message_start", "content_block_start", "content_block_delta", "content_block_delta", "content_block_delta",
            "content_block_stop", "message_delta", "message_stop",
        ])
        let start = try json(
            #"""
            {"type":"message_start","message":{"id":"msg_chatcmpl-f07b368c-ae72-4555-9465-ae09fe4614e6","type":"message","role":"assistant",
             "model":"claude-test","content":[],"stop_reason":null,"stop_sequence":null,"usage":{"input_tokens":7,"output_tokens":0}}}
            """#
        )
        #expect(events[0].data == start)
        #expect(events[1].data == (try json(#"{"type":"content_block_start","index":0,"content_block":{"type":"text","text":""}}"#)))
        #expect(events[2].data == (try json(#"{"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"Ol"}}"#)))
        #expect(concatenated(events, index: 0, field: "text") == "Olá!")
        #expect(events[5].data == (try json(#"{"type":"content_block_stop","index":0}"#)))
        let delta = try json(
            #"""
            {"type":"message_delta","delta":{"stop_reason":"end_turn","stop_sequence":null},"usage":{"input_tokens":20,"output_tokens":4}}
            """#
        )
        #expect(events[6].data == delta)
        #expect(events[7].data == (try json(#"{"type":"message_stop"}"#)))
    }

    @Test func groqToolCallStream() throws {
        let events = try Support.translateStream(fixture: "groq-chat-stream-tool-call.sse")
        #expect(events.map(\.name) == ["message_start", "content_block_start"] + Array(repeating: "content_block_delta", count: 11)
            + ["content_block_stop", "content_block_start", "content_block_delta", "content_block_stop", "message_delta", "message_stop"])
        #expect(concatenated(events, index: 0, field: "text") == "I'll check the weather in Florence, Italy for you.")
        let toolStart = try json(
            #"""
            {"type":"content_block_start","index":1,"content_block":{"type":"tool_use","id":"functions.weather:0","name":"weather","input":{}}}
            """#
        )
        #expect(events[14].data == toolStart)
        #expect(events[15].data["delta"]?["type"] == .string("input_json_delta"))
        let input = try json(concatenated(events, index: 1, field: "partial_json"))
        #expect(input == (try json(#"{"location":"Florence,Italy"}"#)))
        #expect(events[17].data["delta"]?["stop_reason"] == .string("tool_use"))
        #expect(events[17].data["usage"] == (try json(#"{"input_tokens":93,"output_tokens":32}"#)))
    }

    @Test func cerebrasToolCallStream() throws {
        let events = try Support.translateStream(fixture: "cerebras-chat-stream-tool-call.sse")
        #expect(events.map(\.name) == [
            "message_start", "content_block_start", "content_block_delta", "content_block_stop", "message_delta", "message_stop",
        ])
        #expect(events[1].data["content_block"] == (try json(#"{"type":"tool_use","id":"27781e665","name":"weather","input":{}}"#)))
        let input = try json(concatenated(events, index: 0, field: "partial_json"))
        #expect(input == (try json(#"{"location":"Florence,Italy"}"#)))
        #expect(events[4].data["delta"]?["stop_reason"] == .string("tool_use"))
        #expect(events[4].data["usage"] == (try json(#"{"input_tokens":277,"output_tokens":25}"#)))
    }

    @Test func openRouterReasoningStreamOpensThinkingThenText() throws {
        let events = try Support.translateStream(fixture: "openrouter-chat-stream-reasoning.sse")
        #expect(Support.shape(events) == [
            "message_start", "content_block_start", "content_block_delta", "content_block_stop",
            "content_block_start", "content_block_delta", "content_block_stop", "message_delta", "message_stop",
        ])
        #expect(events[1].data["content_block"] == (try json(#"{"type":"thinking","thinking":"","signature":""}"#)))
        // What the fixture streamed, gathered straight from its chunks.
        var reasoning = ""
        var content = ""
        for payload in try Support.chunkPayloads(ofFixture: "openrouter-chat-stream-reasoning.sse") {
            let delta = try Support.json(Array(payload.readableBytesView))["choices"]?[0]?["delta"]
            reasoning += delta?["reasoning"]?.stringValue ?? ""
            content += delta?["content"]?.stringValue ?? ""
        }
        #expect(!reasoning.isEmpty && !content.isEmpty)
        #expect(concatenated(events, index: 0, field: "thinking") == reasoning)
        #expect(concatenated(events, index: 1, field: "text") == content)
        let textStart = try #require(events.first { $0.name == "content_block_start" && $0.data["index"] == .integer(1) })
        #expect(textStart.data["content_block"] == (try json(#"{"type":"text","text":""}"#)))
        let messageDelta = try #require(events.first { $0.name == "message_delta" })
        #expect(messageDelta.data["delta"]?["stop_reason"] == .string("end_turn"))
        #expect(messageDelta.data["usage"] == (try json(#"{"input_tokens":15,"output_tokens":178}"#)))
    }

    /// The translation of a tool-call stream has the event order and keys of Anthropic's own stream.
    @Test func shapeMatchesAnthropicsOwnStream() throws {
        let anthropic = try Support.fixtureEvents("anthropic-messages-stream-tool-use.sse")
        let ours = try Support.translateStream(fixture: "groq-chat-stream-tool-call.sse")
        #expect(Support.shape(ours) == Support.shape(anthropic))
        func first(_ events: [AnthropicSSEEvent], _ name: String, blockType: String? = nil) throws -> JSONValue {
            try #require(events.first { $0.name == name && (blockType == nil || $0.data["content_block"]?["type"] == .string(blockType ?? "")) }).data
        }
        for name in ["message_start", "content_block_start", "content_block_stop", "message_delta", "message_stop"] {
            #expect(Support.keys(try first(ours, name)) == Support.keys(try first(anthropic, name)), "\(name)")
        }
        let ourStart = try first(ours, "message_start")["message"]
        let theirStart = try first(anthropic, "message_start")["message"]
        #expect(Support.keys(ourStart) == Support.keys(theirStart))
        let ourStartUsage = Set(Support.keys(ourStart?["usage"]))
        #expect(ourStartUsage.isSubset(of: Support.keys(theirStart?["usage"])))
        let ourTool = try first(ours, "content_block_start", blockType: "tool_use")["content_block"]
        let theirTool = try first(anthropic, "content_block_start", blockType: "tool_use")["content_block"]
        #expect(Support.keys(ourTool) == Support.keys(theirTool).filter { $0 != "caller" })
        let ourDeltas = ours.filter { $0.name == "content_block_delta" }.map { Support.keys($0.data["delta"]) }
        let theirDeltas = anthropic.filter { $0.name == "content_block_delta" }.map { Support.keys($0.data["delta"]) }
        #expect(Set(ourDeltas) == Set(theirDeltas))
        let ourDelta = try first(ours, "message_delta")
        let theirDelta = try first(anthropic, "message_delta")
        #expect(Support.keys(ourDelta["delta"]) == Support.keys(theirDelta["delta"]))
        let ourDeltaUsage = Set(Support.keys(ourDelta["usage"]))
        #expect(ourDeltaUsage.isSubset(of: Support.keys(theirDelta["usage"])))
        // Both fixtures carry the same tool call.
        let theirInput = anthropic.compactMap { $0.data["delta"]?["partial_json"]?.stringValue }.joined()
        #expect(try json(theirInput) == json(concatenated(ours, index: 1, field: "partial_json")))
    }

    @Test func fragmentedAndParallelToolCalls() throws {
        var translator = AnthropicStreamTranslator(model: "m", inputTokensEstimate: 1, usageLocation: .anyVendor)
        let chunks = [
            #"{"id":"c","choices":[{"index":0,"delta":{"role":"assistant","tool_calls":[{"index":0,"id":"call_1","type":"function","function":{"name":"weather","arguments":""}}]}}]}"#,
            #"{"id":"c","choices":[{"index":0,"delta":{"tool_calls":[{"index":0,"function":{"arguments":"{\"location\""}}]}}]}"#,
            #"{"id":"c","choices":[{"index":0,"delta":{"tool_calls":[{"index":0,"function":{"arguments":":\"Rome\"}"}}]}}]}"#,
            #"{"id":"c","choices":[{"index":0,"delta":{"tool_calls":[{"index":1,"id":"call_2","type":"function","function":{"name":"clock","arguments":"{}"}}]}}]}"#,
            #"{"id":"c","choices":[{"index":0,"delta":{},"finish_reason":"stop"}]}"#,
            #"{"id":"c","choices":[],"usage":{"prompt_tokens":11,"completion_tokens":9}}"#,
        ]
        var buffers: [ByteBuffer] = []
        for chunk in chunks { buffers += try translator.events(forChunk: ByteBuffer(string: chunk)) }
        buffers += translator.finish()
        let events = try Support.decode(buffers).filter { $0.name != "ping" }
        #expect(events.map(\.name) == [
            "message_start", "content_block_start", "content_block_delta", "content_block_delta", "content_block_stop",
            "content_block_start", "content_block_delta", "content_block_stop", "message_delta", "message_stop",
        ])
        #expect(try json(concatenated(events, index: 0, field: "partial_json")) == json(#"{"location":"Rome"}"#))
        #expect(events[5].data["content_block"]?["id"] == .string("call_2"))
        #expect(try json(concatenated(events, index: 1, field: "partial_json")) == .object([:]))
        // An upstream that says "stop" after tool calls still ends a tool_use turn.
        #expect(events[8].data["delta"]?["stop_reason"] == .string("tool_use"))
        #expect(translator.inputTokens == 11)
        #expect(translator.outputTokens == 9)
    }

    @Test func finishWithoutChunksIsStillAWholeMessage() throws {
        var translator = AnthropicStreamTranslator(model: "m", inputTokensEstimate: 5, usageLocation: .anyVendor)
        let events = try Support.decode(translator.finish())
        #expect(events.map(\.name) == ["message_start", "message_delta", "message_stop"])
        #expect(events[0].data["message"]?["usage"] == (try json(#"{"input_tokens":5,"output_tokens":0}"#)))
        #expect(events[1].data["delta"]?["stop_reason"] == .string("end_turn"))
        #expect(translator.finish().isEmpty)
    }

    @Test func lengthFinishIsMaxTokens() throws {
        var translator = AnthropicStreamTranslator(model: "m", inputTokensEstimate: 5, usageLocation: .anyVendor)
        _ = try translator.events(forChunk: ByteBuffer(string: #"{"choices":[{"delta":{"content":"a"},"finish_reason":"length"}]}"#))
        let events = try Support.decode(translator.finish())
        #expect(events.map(\.name) == ["content_block_stop", "message_delta", "message_stop"])
        #expect(events[1].data["delta"]?["stop_reason"] == .string("max_tokens"))
    }

    @Test(arguments: ["data: {", #"{"error":{"message":"upstream died"}}"#, "42"])
    func unusableChunksAreBadResponses(chunk: String) throws {
        var translator = AnthropicStreamTranslator(model: "m", inputTokensEstimate: 5, usageLocation: .anyVendor)
        let failure = try #require(throws: UpstreamFailure.self) { try translator.events(forChunk: ByteBuffer(string: chunk)) }
        #expect(failure.kind == .badResponse)
    }

    @Test func pingIsAnEvent() {
        #expect(String(buffer: AnthropicStreamTranslator.ping) == "event: ping\ndata: {\"type\":\"ping\"}\n\n")
    }
}
