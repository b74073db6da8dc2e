import HTTPTypes
import LLMRouterCore
@testable import LLMRouterServer
import Testing

struct AnthropicRequestTranslationTests {
    private func json(_ text: String) throws -> JSONValue { try AnthropicTestSupport.json(text) }

    private func translate(_ body: String) throws -> AnthropicTranslatedRequest {
        try AnthropicRequestTranslation.translate(Array(body.utf8))
    }

    /// The translated `messages` of a request whose messages array is `messages`.
    private func chatMessages(_ messages: String) throws -> JSONValue {
        let request = try translate(#"{"model":"claude-x","max_tokens":64,"messages":\#(messages)}"#)
        return .array(request.chat.messages)
    }

    @Test func scalarParametersMapAndAnthropicOnlyOnesAreDropped() throws {
        let request = try translate(
            #"""
            {"model":"claude-sonnet-4","max_tokens":100,"system":"Be brief.","messages":[{"role":"user","content":"Hi"}],
             "temperature":0.5,"top_p":0.9,"top_k":40,"stop_sequences":["END","STOP"],"metadata":{"user_id":"u-1"},
             "thinking":{"type":"enabled","budget_tokens":2000}}
            """#
        )
        #expect(request.model == "claude-sonnet-4")
        #expect(request.stream == false)
        #expect(request.chat.model == "claude-sonnet-4")
        #expect(request.chat.stream == false)
        let expected = try json(
            #"""
            {"model":"claude-sonnet-4","max_tokens":100,
             "messages":[{"role":"system","content":"Be brief."},{"role":"user","content":"Hi"}],
             "temperature":0.5,"top_p":0.9,"stop":["END","STOP"],"user":"u-1"}
            """#
        )
        #expect(JSONValue.object(request.chat.fields) == expected)
    }

    @Test func systemBlocksAreJoinedAndCacheControlIgnored() throws {
        let request = try translate(
            #"""
            {"model":"m","max_tokens":1,"messages":[{"role":"user","content":"Hi"}],
             "system":[{"type":"text","text":"You are Claude Code."},{"type":"text","text":"Be careful.","cache_control":{"type":"ephemeral"}}]}
            """#
        )
        #expect(request.chat.messages.first == (try json(#"{"role":"system","content":"You are Claude Code.\nBe careful."}"#)))
        #expect(request.chat.messages.count == 2)
    }

    @Test func streamAsksForUsageToo() throws {
        let request = try translate(#"{"model":"m","max_tokens":5,"stream":true,"messages":[{"role":"user","content":"Hi"}]}"#)
        #expect(request.stream)
        #expect(request.chat.stream)
        #expect(request.chat.fields["stream"] == .bool(true))
        #expect(request.chat.fields["stream_options"] == (try json(#"{"include_usage":true}"#)))
    }

    @Test func userTextAndImagesBecomeParts() throws {
        let messages = try chatMessages(
            #"""
            [{"role":"user","content":[
              {"type":"text","text":"What is in these?"},
              {"type":"image","source":{"type":"base64","media_type":"image/png","data":"iVBORw0KGgo="}},
              {"type":"image","source":{"type":"url","url":"https://example.com/cat.jpg"}}]}]
            """#
        )
        let expected = try json(
            #"""
            [{"role":"user","content":[
              {"type":"text","text":"What is in these?"},
              {"type":"image_url","image_url":{"url":"data:image/png;base64,iVBORw0KGgo="}},
              {"type":"image_url","image_url":{"url":"https://example.com/cat.jpg"}}]}]
            """#
        )
        #expect(messages == expected)
    }

    @Test func textOnlyBlocksBecomeAPlainString() throws {
        let messages = try chatMessages(
            #"[{"role":"user","content":[{"type":"text","text":"one","cache_control":{"type":"ephemeral"}},{"type":"text","text":"two"}]}]"#
        )
        #expect(messages == (try json(#"[{"role":"user","content":"one\ntwo"}]"#)))
    }

    @Test func assistantToolUseBecomesToolCallsAndThinkingIsDropped() throws {
        let messages = try chatMessages(
            #"""
            [{"role":"user","content":"Weather in Florence?"},
             {"role":"assistant","content":[
               {"type":"thinking","thinking":"The user wants weather.","signature":"abc"},
               {"type":"redacted_thinking","data":"xyz"},
               {"type":"text","text":"Let me check."},
               {"type":"tool_use","id":"toolu_01","name":"weather","input":{"location":"Florence,Italy","days":2}}]},
             {"role":"assistant","content":[{"type":"tool_use","id":"toolu_02","name":"clock","input":{}}]}]
            """#
        )
        let expected = try json(
            #"""
            [{"role":"user","content":"Weather in Florence?"},
             {"role":"assistant","content":"Let me check.","tool_calls":[
               {"id":"toolu_01","type":"function","function":{"name":"weather","arguments":"{\"days\":2,\"location\":\"Florence,Italy\"}"}}]},
             {"role":"assistant","content":null,"tool_calls":[
               {"id":"toolu_02","type":"function","function":{"name":"clock","arguments":"{}"}}]}]
            """#
        )
        #expect(messages == expected)
    }

    @Test func toolResultsBecomeToolMessagesBeforeTheUserText() throws {
        let messages = try chatMessages(
            #"""
            [{"role":"user","content":[
              {"type":"tool_result","tool_use_id":"toolu_01","content":"18°C, sunny"},
              {"type":"tool_result","tool_use_id":"toolu_02","is_error":true,
               "content":[{"type":"text","text":"city not found"},{"type":"text","text":"try a country"}]},
              {"type":"text","text":"Thanks!"},
              {"type":"tool_result","tool_use_id":"toolu_03"}]}]
            """#
        )
        let expected = try json(
            #"""
            [{"role":"tool","tool_call_id":"toolu_01","content":"18°C, sunny"},
             {"role":"tool","tool_call_id":"toolu_02","content":"Error: city not found\ntry a country"},
             {"role":"tool","tool_call_id":"toolu_03","content":""},
             {"role":"user","content":"Thanks!"}]
            """#
        )
        #expect(messages == expected)
    }

    @Test func toolResultImagesGoToTheUserTurn() throws {
        let messages = try chatMessages(
            #"""
            [{"role":"user","content":[{"type":"tool_result","tool_use_id":"toolu_9","content":[
               {"type":"text","text":"screenshot taken"},
               {"type":"image","source":{"type":"base64","media_type":"image/jpeg","data":"/9j/4AAQ"}}]}]}]
            """#
        )
        let expected = try json(
            #"""
            [{"role":"tool","tool_call_id":"toolu_9","content":"screenshot taken"},
             {"role":"user","content":[{"type":"image_url","image_url":{"url":"data:image/jpeg;base64,/9j/4AAQ"}}]}]
            """#
        )
        #expect(messages == expected)
    }

    @Test func toolResultsAloneMakeNoUserMessage() throws {
        let messages = try chatMessages(#"[{"role":"user","content":[{"type":"tool_result","tool_use_id":"t","content":"ok"}]}]"#)
        #expect(messages == (try json(#"[{"role":"tool","tool_call_id":"t","content":"ok"}]"#)))
    }

    @Test func textDocumentsBecomeTextAndOtherDocumentsAreRefused() throws {
        let messages = try chatMessages(
            #"""
            [{"role":"user","content":[{"type":"document","title":"notes.txt","source":{"type":"text","media_type":"text/plain","data":"buy milk"}},
              {"type":"text","text":"Summarize."}]}]
            """#
        )
        #expect(messages == (try json(#"[{"role":"user","content":"notes.txt\n\nbuy milk\nSummarize."}]"#)))
        let pdf = #"[{"role":"user","content":[{"type":"document","source":{"type":"base64","media_type":"application/pdf","data":"JVBE"}}]}]"#
        let error = try #require(throws: AnthropicError.self) { try chatMessages(pdf) }
        #expect(error.message.hasPrefix("messages.0.content.0.source: only text documents"))
    }

    @Test func assistantImagesAreRefused() throws {
        let body = #"[{"role":"assistant","content":[{"type":"image","source":{"type":"url","url":"https://example.com/a.png"}}]}]"#
        let error = try #require(throws: AnthropicError.self) { try chatMessages(body) }
        #expect(error.message == "messages.0.content.0.type: 'image' blocks are not supported in assistant messages")
    }

    @Test func toolsBecomeFunctions() throws {
        let request = try translate(
            #"""
            {"model":"m","max_tokens":9,"messages":[{"role":"user","content":"Hi"}],
             "tools":[{"name":"weather","description":"Get the weather","input_schema":{"type":"object","properties":{"location":{"type":"string"}},"required":["location"]},"cache_control":{"type":"ephemeral"}},
                      {"name":"clock","input_schema":{"type":"object"}}]}
            """#
        )
        let expected = try json(
            #"""
            [{"type":"function","function":{"name":"weather","description":"Get the weather",
               "parameters":{"type":"object","properties":{"location":{"type":"string"}},"required":["location"]}}},
             {"type":"function","function":{"name":"clock","parameters":{"type":"object"}}}]
            """#
        )
        #expect(request.chat.fields["tools"] == expected)
        #expect(request.chat.fields["tool_choice"] == nil)
    }

    @Test(arguments: [
        (#"{"type":"auto"}"#, #""auto""#, nil as Bool?),
        (#"{"type":"any"}"#, #""required""#, nil),
        (#"{"type":"any","disable_parallel_tool_use":true}"#, #""required""#, false),
        (#"{"type":"auto","disable_parallel_tool_use":false}"#, #""auto""#, nil),
        (#"{"type":"tool","name":"weather","disable_parallel_tool_use":true}"#, #"{"type":"function","function":{"name":"weather"}}"#, false),
        (#"{"type":"none"}"#, #""none""#, nil),
    ])
    func toolChoiceMaps(choice: String, expected: String, parallelToolCalls: Bool?) throws {
        let request = try translate(
            #"""
            {"model":"m","max_tokens":9,"messages":[{"role":"user","content":"Hi"}],
             "tools":[{"name":"weather","input_schema":{"type":"object"}}],"tool_choice":\#(choice)}
            """#
        )
        #expect(request.chat.fields["tool_choice"] == (try json(expected)))
        #expect(request.chat.fields["parallel_tool_calls"] == parallelToolCalls.map(JSONValue.bool))
    }

    @Test(arguments: [
        (#"[1,2]"#, "The request body must be a JSON object, not array."),
        (#"{"max_tokens":5,"messages":[{"role":"user","content":"x"}]}"#, "model: Field required"),
        (#"{"model":7,"max_tokens":5,"messages":[{"role":"user","content":"x"}]}"#, "model: Input should be a valid string, not number"),
        (#"{"model":"m","messages":[{"role":"user","content":"x"}]}"#, "max_tokens: Field required"),
        (#"{"model":"m","max_tokens":0,"messages":[{"role":"user","content":"x"}]}"#, "max_tokens: Input should be greater than or equal to 1"),
        (#"{"model":"m","max_tokens":"ten","messages":[{"role":"user","content":"x"}]}"#, "max_tokens: Input should be a valid integer"),
        (#"{"model":"m","max_tokens":5}"#, "messages: Field required"),
        (#"{"model":"m","max_tokens":5,"messages":[]}"#, "messages: List should have at least 1 item after validation, not 0"),
        (#"{"model":"m","max_tokens":5,"messages":[{"role":"user","content":"x"},{"role":"system","content":"y"}]}"#,
         "messages.1.role: Input should be 'user' or 'assistant'"),
        (#"{"model":"m","max_tokens":5,"messages":[{"role":"user"}]}"#, "messages.0.content: Field required"),
        (#"{"model":"m","max_tokens":5,"messages":[{"role":"user","content":5}]}"#,
         "messages.0.content: Input should be a valid string or list of content blocks, not number"),
        (#"{"model":"m","max_tokens":5,"messages":[{"role":"user","content":[{"type":"video"}]}]}"#,
         "messages.0.content.0.type: 'video' blocks are not supported in user messages"),
        (#"{"model":"m","max_tokens":5,"messages":[{"role":"user","content":[{"type":"image"}]}]}"#, "messages.0.content.0.source: Field required"),
        (#"{"model":"m","max_tokens":5,"messages":[{"role":"user","content":[{"type":"text"}]}]}"#, "messages.0.content.0.text: Field required"),
        (#"{"model":"m","max_tokens":5,"messages":[{"role":"user","content":[{"type":"tool_result","content":"x"}]}]}"#,
         "messages.0.content.0.tool_use_id: Field required"),
        (#"{"model":"m","max_tokens":5,"messages":[{"role":"assistant","content":[{"type":"tool_use","id":"t","name":"f","input":[]}]}]}"#,
         "messages.0.content.0.input: Input should be a valid dictionary"),
        (#"{"model":"m","max_tokens":5,"messages":[{"role":"user","content":"x"}],"tools":[{"name":"f"}]}"#, "tools.0.input_schema: Field required"),
        (#"{"model":"m","max_tokens":5,"messages":[{"role":"user","content":"x"}],"tools":[{"name":"f","input_schema":{}}],"tool_choice":{"type":"maybe"}}"#,
         "tool_choice.type: Input should be 'auto', 'any', 'tool' or 'none'"),
        (#"{"model":"m","max_tokens":5,"messages":[{"role":"user","content":"x"}],"stop_sequences":"END"}"#,
         "stop_sequences: Input should be a valid list of strings"),
    ])
    func invalidRequestsNameTheField(body: String, message: String) throws {
        let error = try #require(throws: AnthropicError.self) { try translate(body) }
        #expect(error.message == message)
        #expect(error.status == .badRequest)
        #expect(error.type == "invalid_request_error")
    }

    @Test func invalidJSONIsRefused() throws {
        let error = try #require(throws: AnthropicError.self) { try translate("{not json") }
        #expect(error.message.hasPrefix("The request body is not valid JSON"))
        #expect(error.status == .badRequest)
    }

    @Test func serverToolsAreRefused() throws {
        let body = #"{"model":"m","max_tokens":5,"messages":[{"role":"user","content":"x"}],"tools":[{"type":"web_search_20250305","name":"web_search"}]}"#
        let error = try #require(throws: AnthropicError.self) { try translate(body) }
        #expect(error.message.hasPrefix("tools.0.type: the server tool 'web_search_20250305' is not supported"))
    }
}
