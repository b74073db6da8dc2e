import LLMRouterCore
@testable import LLMRouterServer
import LLMRouterTesting
import Testing

struct AnthropicAnswerTranslationTests {
    private func json(_ text: String) throws -> JSONValue { try AnthropicTestSupport.json(text) }

    private func translate(fixture name: String) throws -> JSONValue {
        try AnthropicTestSupport.json(AnthropicAnswerTranslation.message(fromChatCompletion: UpstreamFixtures.bytes(name), model: "claude-test", usageLocation: .anyVendor))
    }

    private func translate(_ body: String) throws -> JSONValue {
        try AnthropicTestSupport.json(AnthropicAnswerTranslation.message(fromChatCompletion: Array(body.utf8), model: "claude-test", usageLocation: .anyVendor))
    }

    @Test func groqTextAnswer() throws {
        let message = try translate(fixture: "groq-chat-completion.json")
        let expected = try json(
            #"""
            {"id":"msg_chatcmpl-6a0f3262-12b3-44b8-8253-8c1cad4415d5","type":"message","role":"assistant","model":"claude-test",
             "content":[{"type":"text","text":"Olá!"}],"stop_reason":"end_turn","stop_sequence":null,
             "usage":{"input_tokens":20,"output_tokens":4}}
            """#
        )
        #expect(message == expected)
    }

    @Test func geminiToolCallWithEmptyIDGetsAFreshOne() throws {
        let message = try translate(fixture: "gemini-openai-chat-completion-tool-call.json")
        #expect(message["id"] == .string("msg_3SE-aKjdCcCEz7IPxpqjCA"))
        #expect(message["stop_reason"] == .string("tool_use"))
        #expect(message["usage"] == (try json(#"{"input_tokens":35,"output_tokens":12}"#)))
        let content = try #require(message["content"]?.arrayValue)
        try #require(content.count == 1)
        #expect(content[0]["type"] == .string("tool_use"))
        #expect(content[0]["name"] == .string("get_current_time"))
        #expect(content[0]["input"] == .object([:]))
        let id = try #require(content[0]["id"]?.stringValue)
        #expect(id.hasPrefix("toolu_") && id.count > "toolu_".count)
    }

    @Test func mistralThinkingPartsBecomeAThinkingBlockFirst() throws {
        let message = try translate(fixture: "mistral-chat-completion-reasoning.json")
        let content = try #require(message["content"]?.arrayValue)
        try #require(content.count == 2)
        #expect(AnthropicTestSupport.keys(content[0]) == ["signature", "thinking", "type"])
        #expect(content[0]["type"] == .string("thinking"))
        #expect(content[0]["signature"] == .string(""))
        let thinking = try #require(content[0]["thinking"]?.stringValue)
        #expect(thinking.hasPrefix("Okay, I need to calculate 17 multiplied by 23."))
        #expect(thinking.hasSuffix("So, 17 * 23 = 391."))
        #expect(content[1] == (try json(#"{"type":"text","text":"391"}"#)))
        #expect(message["stop_reason"] == .string("end_turn"))
        #expect(message["usage"] == (try json(#"{"input_tokens":31,"output_tokens":272}"#)))
    }

    @Test func reasoningContentToolCallsAndGroqUsage() throws {
        let message = try translate(
            #"""
            {"id":"abc","object":"chat.completion","choices":[{"index":0,"finish_reason":"stop","message":{"role":"assistant","content":"",
              "reasoning_content":"Need the weather.",
              "tool_calls":[{"id":"call_1","type":"function","function":{"name":"weather","arguments":"{\"location\":\"Florence\"}"}},
                            {"id":"call_2","type":"function","function":{"name":"clock","arguments":""}}]}}],
             "x_groq":{"usage":{"prompt_tokens":3,"completion_tokens":5}}}
            """#
        )
        let expected = try json(
            #"""
            {"id":"msg_abc","type":"message","role":"assistant","model":"claude-test",
             "content":[{"type":"thinking","thinking":"Need the weather.","signature":""},
                        {"type":"tool_use","id":"call_1","name":"weather","input":{"location":"Florence"}},
                        {"type":"tool_use","id":"call_2","name":"clock","input":{}}],
             "stop_reason":"tool_use","stop_sequence":null,"usage":{"input_tokens":3,"output_tokens":5}}
            """#
        )
        #expect(message == expected)
    }

    @Test(arguments: [("length", "max_tokens"), ("stop", "end_turn"), ("content_filter", "end_turn"), ("function_call", "tool_use")])
    func finishReasonsMap(finishReason: String, stopReason: String) throws {
        let message = try translate(#"{"choices":[{"message":{"role":"assistant","content":"x"},"finish_reason":"\#(finishReason)"}]}"#)
        #expect(message["stop_reason"] == .string(stopReason))
        #expect(message["usage"] == (try json(#"{"input_tokens":0,"output_tokens":0}"#)))
        #expect(message["id"]?.stringValue?.hasPrefix("msg_") == true)
    }

    @Test func nullContentIsOmitted() throws {
        let message = try translate(#"{"choices":[{"message":{"role":"assistant","content":null},"finish_reason":"stop"}]}"#)
        #expect(message["content"] == .array([]))
    }

    @Test(arguments: [
        ("not json", "not valid JSON"),
        ("[1]", "not an object"),
        (#"{"object":"list","data":[]}"#, "no choices[0].message"),
        (#"{"error":{"message":"model overloaded"}}"#, "model overloaded"),
        (#"{"choices":[{"message":{"role":"assistant","tool_calls":[{"id":"c","function":{"name":"f","arguments":"{\"a\":"}}]}}]}"#,
         "arguments for tool 'f' are not a JSON object"),
        (#"{"choices":[{"message":{"role":"assistant","tool_calls":[{"id":"c","function":{"arguments":"{}"}}]}}]}"#, "no function name"),
    ])
    func unusableAnswersAreBadResponses(body: String, messagePart: String) throws {
        let failure = try #require(throws: UpstreamFailure.self) { try translate(body) }
        #expect(failure.kind == .badResponse)
        #expect(failure.message.contains(messagePart))
    }

    /// The translation of a tool-call answer has the shape Anthropic's API itself answers with.
    @Test func shapeMatchesAnthropicsOwnAnswer() throws {
        let anthropic = try AnthropicTestSupport.json(UpstreamFixtures.bytes("anthropic-messages-tool-use.json"))
        let ours = try translate(
            #"""
            {"id":"x","choices":[{"finish_reason":"tool_calls","message":{"role":"assistant","content":"I'll check the weather.",
              "tool_calls":[{"id":"call_1","type":"function","function":{"name":"weather","arguments":"{\"location\":\"Florence,Italy\"}"}}]}}],
             "usage":{"prompt_tokens":394,"completion_tokens":66}}
            """#
        )
        #expect(AnthropicTestSupport.keys(ours) == AnthropicTestSupport.keys(anthropic))
        let ourContent = try #require(ours["content"]?.arrayValue)
        let theirContent = try #require(anthropic["content"]?.arrayValue)
        #expect(ourContent.map { $0["type"] } == theirContent.map { $0["type"] })
        for (our, their) in zip(ourContent, theirContent) {
            // `caller` is Anthropic's record of who called the tool; it has no upstream source.
            #expect(AnthropicTestSupport.keys(our) == AnthropicTestSupport.keys(their).filter { $0 != "caller" })
        }
        #expect(ourContent[1]["input"] == theirContent[1]["input"])
        #expect(ours["stop_reason"] == anthropic["stop_reason"])
        #expect(ours["stop_sequence"] == anthropic["stop_sequence"])
        #expect(ours["usage"]?["input_tokens"] == anthropic["usage"]?["input_tokens"])
        #expect(ours["usage"]?["output_tokens"] == anthropic["usage"]?["output_tokens"])
    }
}
