import LLMRouterCore
@testable import LLMRouterServer
import LLMRouterTesting
import Testing

struct ResponsesAnswerTranslationTests {
    private func request(_ json: String) throws -> ResponsesRequest {
        try ResponsesRequest.parse(Array(json.utf8))
    }

    private func translate(_ body: [UInt8], request: ResponsesRequest) throws -> (response: [String: JSONValue], answer: JSONValue) {
        let (bytes, answer) = try ResponsesAnswerTranslation.response(
            fromChatCompletion: body, request: request, id: "resp_abc", createdAt: 1_700_000_000, usageLocation: .anyVendor
        )
        let response = try #require(try JSONValue(parsing: bytes).objectValue)
        return (response, answer)
    }

    @Test func groqTextAnswerBecomesACompletedMessage() throws {
        let request = try request(#"{"model":"small","input":"Say hello in Portuguese","instructions":"Be brief.","max_output_tokens":50}"#)
        let (response, answer) = try translate(try UpstreamFixtures.bytes("groq-chat-completion.json"), request: request)
        #expect(response["id"] == .string("resp_abc"))
        #expect(response["object"] == .string("response"))
        #expect(response["created_at"] == .integer(1_700_000_000))
        #expect(response["status"] == .string("completed"))
        #expect(response["model"] == .string("small"))
        #expect(response["instructions"] == .string("Be brief."))
        #expect(response["max_output_tokens"] == .integer(50))
        #expect(response["error"] == .null)
        #expect(response["incomplete_details"] == .null)
        #expect(response["previous_response_id"] == .null)
        #expect(response["tools"] == .array([]))
        #expect(response["tool_choice"] == .string("auto"))
        #expect(response["parallel_tool_calls"] == .bool(true))
        #expect(response["store"] == .bool(true))
        #expect(response["metadata"] == .object([:]))
        #expect(response["text"] == (try JSONValue(parsing: Array(#"{"format":{"type":"text"}}"#.utf8))))
        #expect(response["output"] == (try JSONValue(parsing: Array(#"""
        [{"type":"message","id":"msg_abc","status":"completed","role":"assistant",
          "content":[{"type":"output_text","text":"Olá!","annotations":[],"logprobs":[]}]}]
        """#.utf8))))
        #expect(response["usage"] == (try JSONValue(parsing: Array(#"""
        {"input_tokens":20,"output_tokens":4,"total_tokens":24,
         "input_tokens_details":{"cached_tokens":0},"output_tokens_details":{"reasoning_tokens":0}}
        """#.utf8))))
        #expect(answer == .object(["role": .string("assistant"), "content": .string("Olá!")]))
    }

    @Test func geminiToolCallBecomesAFunctionCallItemWithACallID() throws {
        let request = try request(#"""
        {"input":"What time is it?","tools":[{"type":"function","name":"get_current_time","parameters":{"type":"object","properties":{}}}]}
        """#)
        let (response, answer) = try translate(try UpstreamFixtures.bytes("gemini-openai-chat-completion-tool-call.json"), request: request)
        #expect(response["status"] == .string("completed"))
        // The request named no model, so the upstream's name is shown.
        #expect(response["model"] == .string("gemini-2.5-pro-preview-05-06"))
        let output = try #require(response["output"]?.arrayValue)
        #expect(output.count == 1)
        let call = try #require(output.first?.objectValue)
        #expect(call["type"] == .string("function_call"))
        #expect(call["id"] == .string("fc_abc_0"))
        #expect(call["name"] == .string("get_current_time"))
        #expect(call["arguments"] == .string("{}"))
        #expect(call["status"] == .string("completed"))
        // Gemini sends an empty tool call id; the client still needs one to answer with.
        #expect(call["call_id"] == .string("call_abc_0"))
        #expect(response["tools"] == (try JSONValue(parsing: Array(#"""
        [{"type":"function","name":"get_current_time","parameters":{"type":"object","properties":{}}}]
        """#.utf8))))
        #expect(response["usage"]?[member: "input_tokens"] == .integer(35))
        #expect(response["usage"]?[member: "output_tokens"] == .integer(12))
        #expect(response["usage"]?[member: "total_tokens"] == .integer(109))
        #expect(answer == (try JSONValue(parsing: Array(#"""
        {"role":"assistant","content":null,"tool_calls":[
          {"id":"call_abc_0","type":"function","function":{"name":"get_current_time","arguments":"{}"}}]}
        """#.utf8))))
    }

    @Test func lengthFinishIsIncomplete() throws {
        let body = #"""
        {"id":"x","object":"chat.completion","model":"m","choices":[{"index":0,"message":{"role":"assistant","content":"Once upon"},
         "finish_reason":"length"}],"x_groq":{"usage":{"prompt_tokens":5,"completion_tokens":2,"total_tokens":7}}}
        """#
        let (response, _) = try translate(Array(body.utf8), request: try request(#"{"input":"story","max_output_tokens":2}"#))
        #expect(response["status"] == .string("incomplete"))
        #expect(response["incomplete_details"] == .object(["reason": .string("max_output_tokens")]))
        #expect(response["output"]?.arrayValue?.first?[member: "content"]?.arrayValue?.first?[member: "text"] == .string("Once upon"))
        // Usage read from Groq's x_groq.usage.
        #expect(response["usage"]?[member: "total_tokens"] == .integer(7))
    }

    @Test(arguments: ["not json", #"["a"]"#, #"{"object":"list","data":[]}"#, #"{"choices":[]}"#])
    func bodiesThatAreNotChatCompletionsAreBadResponses(body: String) throws {
        let failure = #expect(throws: UpstreamFailure.self) {
            try self.translate(Array(body.utf8), request: try self.request(#"{"input":"hi"}"#))
        }
        #expect(failure?.kind == .badResponse)
    }
}
