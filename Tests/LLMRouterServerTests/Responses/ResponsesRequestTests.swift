import HTTPTypes
import LLMRouterCore
@testable import LLMRouterServer
import Testing

struct ResponsesRequestTests {
    private func parse(_ json: String) throws -> ResponsesRequest {
        try ResponsesRequest.parse(Array(json.utf8))
    }

    private func json(_ text: String) throws -> JSONValue {
        try JSONValue(parsing: Array(text.utf8))
    }

    @Test func inputStringBecomesOneUserMessage() throws {
        let request = try parse(#"{"model":"small","input":"Hello"}"#)
        #expect(request.model == "small")
        #expect(request.stream == false)
        #expect(request.store == true)
        #expect(request.previousResponseID == nil)
        #expect(request.inputMessages == [try json(#"{"role":"user","content":"Hello"}"#)])
        #expect(request.fields.isEmpty)
    }

    @Test func messageItemsAndPartsTranslate() throws {
        let request = try parse(#"""
        {"input":[
          {"role":"developer","content":"Be brief."},
          {"type":"message","role":"user","content":[
            {"type":"input_text","text":"What is this?"},
            {"type":"input_image","image_url":"https://example.com/cat.png","detail":"low"}]},
          {"type":"message","role":"assistant","content":[{"type":"output_text","text":"A cat","annotations":[]}]},
          {"type":"reasoning","id":"rs_1","summary":[]},
          {"role":"system","content":"Stay on topic."}
        ]}
        """#)
        #expect(request.inputMessages == [
            try json(#"{"role":"developer","content":"Be brief."}"#),
            try json(#"""
            {"role":"user","content":[{"type":"text","text":"What is this?"},
              {"type":"image_url","image_url":{"url":"https://example.com/cat.png","detail":"low"}}]}
            """#),
            try json(#"{"role":"assistant","content":"A cat"}"#),
            try json(#"{"role":"system","content":"Stay on topic."}"#),
        ])
    }

    @Test func functionCallsMergeIntoOneAssistantMessageAndOutputsBecomeToolMessages() throws {
        let request = try parse(#"""
        {"input":[
          {"role":"user","content":"Weather in Rome and Oslo?"},
          {"type":"function_call","call_id":"call_1","name":"weather","arguments":"{\"city\":\"Rome\"}"},
          {"type":"function_call","call_id":"call_2","name":"weather","arguments":"{\"city\":\"Oslo\"}"},
          {"type":"function_call_output","call_id":"call_1","output":"20 C"},
          {"type":"function_call_output","call_id":"call_2","output":"5 C"}
        ]}
        """#)
        #expect(request.inputMessages == [
            try json(#"{"role":"user","content":"Weather in Rome and Oslo?"}"#),
            try json(#"""
            {"role":"assistant","content":null,"tool_calls":[
              {"id":"call_1","type":"function","function":{"name":"weather","arguments":"{\"city\":\"Rome\"}"}},
              {"id":"call_2","type":"function","function":{"name":"weather","arguments":"{\"city\":\"Oslo\"}"}}]}
            """#),
            try json(#"{"role":"tool","tool_call_id":"call_1","content":"20 C"}"#),
            try json(#"{"role":"tool","tool_call_id":"call_2","content":"5 C"}"#),
        ])
    }

    @Test func chatRequestPutsInstructionsThenHistoryThenInput() throws {
        let request = try parse(#"{"model":"small","instructions":"Answer in French.","input":"And Spain?","previous_response_id":"resp_1"}"#)
        #expect(request.previousResponseID == "resp_1")
        let history = [
            try json(#"{"role":"user","content":"Capital of Italy?"}"#),
            try json(#"{"role":"assistant","content":"Rome"}"#),
        ]
        let chat = try request.chatRequest(history: history)
        #expect(chat.model == "small")
        #expect(chat.stream == false)
        #expect(chat.messages == [
            try json(#"{"role":"system","content":"Answer in French."}"#),
            history[0],
            history[1],
            try json(#"{"role":"user","content":"And Spain?"}"#),
        ])
        let answer = try json(#"{"role":"assistant","content":"Madrid"}"#)
        #expect(request.conversation(history: history, answer: answer) == history + request.inputMessages + [answer])
    }

    @Test func toolsToolChoiceAndSettingsTranslateToChatForm() throws {
        let request = try parse(#"""
        {"model":"small","input":"hi","stream":true,"store":false,
         "tools":[{"type":"function","name":"weather","description":"Get weather",
                   "parameters":{"type":"object","properties":{"city":{"type":"string"}}},"strict":true}],
         "tool_choice":{"type":"function","name":"weather"},
         "max_output_tokens":200,"temperature":0.2,"top_p":0.9,"user":"u-1","parallel_tool_calls":false}
        """#)
        #expect(request.stream == true)
        #expect(request.store == false)
        #expect(request.fields["tools"] == (try json(#"""
        [{"type":"function","function":{"name":"weather","description":"Get weather",
          "parameters":{"type":"object","properties":{"city":{"type":"string"}}},"strict":true}}]
        """#)))
        #expect(request.fields["tool_choice"] == (try json(#"{"type":"function","function":{"name":"weather"}}"#)))
        #expect(request.fields["max_tokens"] == .integer(200))
        #expect(request.fields["max_output_tokens"] == nil)
        #expect(request.fields["temperature"] == .number(0.2))
        #expect(request.fields["top_p"] == .number(0.9))
        #expect(request.fields["user"] == .string("u-1"))
        #expect(request.fields["parallel_tool_calls"] == .bool(false))
        #expect(request.fields["stream_options"] == (try json(#"{"include_usage":true}"#)))
        let chat = try request.chatRequest(history: [])
        #expect(chat.stream == true)
        #expect(chat.fields["stream"] == .bool(true))
        #expect(chat.fields["max_tokens"] == .integer(200))
    }

    @Test(arguments: ["auto", "none", "required"])
    func toolChoiceModesPassThrough(mode: String) throws {
        let request = try parse(#"{"input":"hi","tool_choice":"\#(mode)"}"#)
        #expect(request.fields["tool_choice"] == .string(mode))
    }

    @Test func textFormatJSONSchemaBecomesResponseFormat() throws {
        let request = try parse(#"""
        {"input":"hi","text":{"format":{"type":"json_schema","name":"city","strict":true,
          "schema":{"type":"object","properties":{"name":{"type":"string"}},"required":["name"]}}}}
        """#)
        #expect(request.fields["response_format"] == (try json(#"""
        {"type":"json_schema","json_schema":{"name":"city","strict":true,
          "schema":{"type":"object","properties":{"name":{"type":"string"}},"required":["name"]}}}
        """#)))
        let jsonObject = try parse(#"{"input":"hi","text":{"format":{"type":"json_object"}}}"#)
        #expect(jsonObject.fields["response_format"] == (try json(#"{"type":"json_object"}"#)))
        let plain = try parse(#"{"input":"hi","text":{"format":{"type":"text"}}}"#)
        #expect(plain.fields["response_format"] == nil)
    }

    @Test(arguments: [
        (#"{"model":"small"}"#, "input"),
        (#"{"input":42}"#, "input"),
        (#"{"input":[]}"#, "input"),
        (#"{"input":"hi","tools":[{"type":"web_search_preview"}]}"#, "tools[0].type"),
        (#"{"input":"hi","tools":[{"type":"function","name":"a"},{"type":"file_search"}]}"#, "tools[1].type"),
        (#"{"input":"hi","tools":[{"type":"function"}]}"#, "tools[0].name"),
        (#"{"input":["hello"]}"#, "input[0]"),
        (#"{"input":[{"role":"user","content":"a"},{"role":"robot","content":"b"}]}"#, "input[1].role"),
        (#"{"input":[{"role":"user","content":"a"},{"role":"user","content":"b"},{"role":"user","content":7}]}"#, "input[2].content"),
        (#"{"input":[{"role":"user","content":[{"type":"input_audio","data":"x"}]}]}"#, "input[0].content[0].type"),
        (#"{"input":[{"role":"user","content":[{"type":"input_image","file_id":"file_1"}]}]}"#, "input[0].content[0].file_id"),
        (#"{"input":[{"role":"user","content":[{"type":"input_text"}]}]}"#, "input[0].content[0].text"),
        (#"{"input":[{"type":"function_call","name":"f"}]}"#, "input[0].call_id"),
        (#"{"input":[{"type":"item_reference","id":"x"}]}"#, "input[0].type"),
        (#"{"input":"hi","tool_choice":"sometimes"}"#, "tool_choice"),
        (#"{"input":"hi","text":{"format":{"type":"json_schema","name":"x"}}}"#, "text.format.schema"),
        (#"{"input":"hi","max_output_tokens":"many"}"#, "max_output_tokens"),
        (#"{"input":"hi","temperature":"warm"}"#, "temperature"),
        (#"{"input":"hi","model":7}"#, "model"),
    ])
    func invalidRequestsAre400sNamingTheParameter(body: String, param: String) throws {
        let error = #expect(throws: OpenAIError.self) { try self.parse(body) }
        #expect(error?.status == .badRequest)
        #expect(error?.type == "invalid_request_error")
        #expect(error?.param == param)
        #expect(error?.message.isEmpty == false)
    }

    @Test func unsupportedToolErrorNamesTheTool() throws {
        let error = #expect(throws: OpenAIError.self) {
            try self.parse(#"{"input":"hi","tools":[{"type":"web_search_preview"}]}"#)
        }
        #expect(error?.message.contains("web_search_preview") == true)
    }

    @Test func invalidJSONIsA400() throws {
        let error = #expect(throws: OpenAIError.self) { try self.parse("{nope") }
        #expect(error?.status == .badRequest)
        #expect(error?.param == nil)
    }
}
