import LLMRouterCore
@testable import LLMRouterServer
import LLMRouterTesting
import NIOCore
import Testing

struct ResponsesStreamTranslatorTests {
    /// One rendered event, split back into its SSE `event:` name and its JSON.
    struct Event {
        var name: String
        var payload: [String: JSONValue]
        var type: String? { payload["type"]?.stringValue }
    }

    private func request(_ json: String = #"{"model":"small","input":"hi","stream":true}"#) throws -> ResponsesRequest {
        try ResponsesRequest.parse(Array(json.utf8))
    }

    /// The `data: ` payloads of an SSE fixture, `[DONE]` left out.
    private func chunkPayloads(_ fixture: String) throws -> [ByteBuffer] {
        let text = String(decoding: try UpstreamFixtures.bytes(fixture), as: UTF8.self)
        return text.split(separator: "\n")
            .filter { $0.hasPrefix("data: ") && $0 != "data: [DONE]" }
            .map { ByteBuffer(string: String($0.dropFirst(6))) }
    }

    private func decode(_ buffer: ByteBuffer) throws -> Event {
        let text = String(buffer: buffer)
        #expect(text.hasSuffix("\n\n"))
        let lines = text.split(separator: "\n")
        try #require(lines.count == 2)
        #expect(lines[0].hasPrefix("event: "))
        #expect(lines[1].hasPrefix("data: "))
        let payload = try #require(try JSONValue(parsing: Array(lines[1].dropFirst(6).utf8)).objectValue)
        return Event(name: String(lines[0].dropFirst(7)), payload: payload)
    }

    private func translate(_ fixture: String, request: ResponsesRequest) throws -> (events: [Event], answer: JSONValue) {
        var translator = ResponsesStreamTranslator(request: request, id: "resp_abc", createdAt: 1_700_000_000, usageLocation: .anyVendor)
        var buffers: [ByteBuffer] = []
        for payload in try chunkPayloads(fixture) {
            buffers += try translator.events(forChunk: payload)
        }
        buffers += translator.finish()
        #expect(translator.finish().isEmpty)
        let events = try buffers.map(decode)
        for (index, event) in events.enumerated() {
            #expect(event.payload["sequence_number"] == .integer(Int64(index)))
            #expect(event.type == event.name)
        }
        return (events, translator.answerMessage)
    }

    private func joinedDeltas(_ events: [Event], type: String) -> String {
        events.filter { $0.type == type }.compactMap { $0.payload["delta"]?.stringValue }.joined()
    }

    @Test func groqTextStream() throws {
        let (events, answer) = try translate("groq-chat-stream.sse", request: try request())
        #expect(events.map(\.name) == [
            "response.created", "response.in_progress",
            "response.output_item.added", "response.content_part.added",
            "response.output_text.delta", "response.output_text.delta", "response.output_text.delta",
            "response.output_text.done", "response.content_part.done", "response.output_item.done",
            "response.completed",
        ])
        #expect(events[0].payload["response"]?[member: "status"] == .string("in_progress"))
        #expect(events[0].payload["response"]?[member: "output"] == .array([]))
        #expect(events[1].payload["response"]?[member: "id"] == .string("resp_abc"))
        let delta = events[4].payload
        #expect(delta["item_id"] == .string("msg_abc"))
        #expect(delta["output_index"] == .integer(0))
        #expect(delta["content_index"] == .integer(0))
        #expect(delta["delta"] == .string("Ol"))
        let text = joinedDeltas(events, type: "response.output_text.delta")
        #expect(text == "Olá!")
        #expect(events[7].payload["text"] == .string(text))
        #expect(events[8].payload["part"]?[member: "text"] == .string(text))
        #expect(events[9].payload["item"]?[member: "status"] == .string("completed"))

        let response = try #require(events.last?.payload["response"]?.objectValue)
        #expect(response["status"] == .string("completed"))
        #expect(response["model"] == .string("small"))
        #expect(response["output"] == .array([ResponsesObject.messageItem(id: "msg_abc", text: "Olá!", status: .completed)]))
        #expect(response["usage"]?[member: "input_tokens"] == .integer(20))
        #expect(response["usage"]?[member: "output_tokens"] == .integer(4))
        #expect(response["usage"]?[member: "total_tokens"] == .integer(24))
        #expect(answer == .object(["role": .string("assistant"), "content": .string("Olá!")]))
    }

    @Test func groqTextThenToolCallStream() throws {
        let (events, answer) = try translate("groq-chat-stream-tool-call.sse", request: try request())
        let textDeltas = Array(repeating: "response.output_text.delta", count: 11)
        #expect(events.map(\.name) == ["response.created", "response.in_progress",
                                       "response.output_item.added", "response.content_part.added"]
            + textDeltas
            + ["response.output_text.done", "response.content_part.done", "response.output_item.done",
               "response.output_item.added", "response.function_call_arguments.delta",
               "response.function_call_arguments.done", "response.output_item.done",
               "response.completed"])
        let text = "I'll check the weather in Florence, Italy for you."
        #expect(joinedDeltas(events, type: "response.output_text.delta") == text)
        let arguments = #"{"location":"Florence,Italy"}"#
        #expect(joinedDeltas(events, type: "response.function_call_arguments.delta") == arguments)
        let argumentsDone = try #require(events.first { $0.type == "response.function_call_arguments.done" })
        #expect(argumentsDone.payload["arguments"] == .string(arguments))
        #expect(argumentsDone.payload["output_index"] == .integer(1))
        #expect(argumentsDone.payload["name"] == .string("weather"))

        let added = try #require(events.last { $0.type == "response.output_item.added" })
        #expect(added.payload["item"]?[member: "type"] == .string("function_call"))
        #expect(added.payload["item"]?[member: "status"] == .string("in_progress"))
        #expect(added.payload["item"]?[member: "name"] == .string("weather"))
        #expect(added.payload["item"]?[member: "call_id"] == .string("functions.weather:0"))

        let response = try #require(events.last?.payload["response"]?.objectValue)
        #expect(response["status"] == .string("completed"))
        #expect(response["output"] == .array([
            ResponsesObject.messageItem(id: "msg_abc", text: text, status: .completed),
            ResponsesObject.functionCallItem(
                id: "fc_abc_0", callID: "functions.weather:0", name: "weather", arguments: arguments, status: .completed
            ),
        ]))
        #expect(response["usage"]?[member: "total_tokens"] == .integer(125))
        #expect(answer == ResponsesObject.answerMessage(text: text, toolCalls: [("functions.weather:0", "weather", arguments)]))
    }

    @Test func cerebrasToolCallOnlyStream() throws {
        let (events, answer) = try translate("cerebras-chat-stream-tool-call.sse", request: try request())
        #expect(events.map(\.name) == [
            "response.created", "response.in_progress",
            "response.output_item.added", "response.function_call_arguments.delta",
            "response.function_call_arguments.done", "response.output_item.done",
            "response.completed",
        ])
        let arguments = #"{"location": "Florence,Italy"}"#
        #expect(joinedDeltas(events, type: "response.function_call_arguments.delta") == arguments)
        #expect(events[4].payload["arguments"] == .string(arguments))
        #expect(events[4].payload["item_id"] == .string("fc_abc_0"))
        let response = try #require(events.last?.payload["response"]?.objectValue)
        #expect(response["output"] == .array([
            ResponsesObject.functionCallItem(id: "fc_abc_0", callID: "27781e665", name: "weather", arguments: arguments, status: .completed),
        ]))
        #expect(response["usage"]?[member: "input_tokens"] == .integer(277))
        #expect(response["usage"]?[member: "output_tokens"] == .integer(25))
        #expect(answer == ResponsesObject.answerMessage(text: nil, toolCalls: [("27781e665", "weather", arguments)]))
    }

    @Test func argumentFragmentsAccumulateAndLengthFinishIsIncomplete() throws {
        var translator = ResponsesStreamTranslator(request: try request(), id: "resp_abc", createdAt: 1, usageLocation: .anyVendor)
        let chunks = [
            #"{"choices":[{"index":0,"delta":{"tool_calls":[{"index":0,"id":"call_9","type":"function","function":{"name":"f","arguments":""}}]}}]}"#,
            #"{"choices":[{"index":0,"delta":{"tool_calls":[{"index":0,"function":{"arguments":"{\"a\""}}]}}]}"#,
            #"{"choices":[{"index":0,"delta":{"tool_calls":[{"index":0,"function":{"arguments":":1}"}}]}}]}"#,
            #"{"choices":[{"index":0,"delta":{},"finish_reason":"length"}]}"#,
            #"{"choices":[],"usage":{"prompt_tokens":3,"completion_tokens":4,"total_tokens":7}}"#,
        ]
        var buffers: [ByteBuffer] = []
        for chunk in chunks {
            buffers += try translator.events(forChunk: ByteBuffer(string: chunk))
        }
        buffers += translator.finish()
        let events = try buffers.map(decode)
        #expect(events.map(\.name) == [
            "response.created", "response.in_progress", "response.output_item.added",
            "response.function_call_arguments.delta", "response.function_call_arguments.delta",
            "response.function_call_arguments.done", "response.output_item.done", "response.incomplete",
        ])
        #expect(events[5].payload["arguments"] == .string(#"{"a":1}"#))
        let response = try #require(events.last?.payload["response"]?.objectValue)
        #expect(response["status"] == .string("incomplete"))
        #expect(response["incomplete_details"] == .object(["reason": .string("max_output_tokens")]))
        #expect(response["usage"]?[member: "total_tokens"] == .integer(7))
    }

    @Test(arguments: [0, 1])
    func parallelToolCallsBecomeSeparateItems(secondIndex: Int) throws {
        // Some upstreams number every call 0 and tell them apart only by id.
        var translator = ResponsesStreamTranslator(request: try request(), id: "resp_abc", createdAt: 1, usageLocation: .anyVendor)
        let chunks = [
            #"{"choices":[{"index":0,"delta":{"tool_calls":[{"index":0,"id":"call_r","function":{"name":"weather","arguments":"{\"city\":\"Rome\"}"}}]}}]}"#,
            #"{"choices":[{"index":0,"delta":{"tool_calls":[{"index":\#(secondIndex),"id":"call_o","function":{"name":"weather","arguments":"{\"city\":\"Oslo\"}"}}]}}]}"#,
            #"{"choices":[{"index":0,"delta":{},"finish_reason":"tool_calls"}]}"#,
        ]
        var buffers: [ByteBuffer] = []
        for chunk in chunks {
            buffers += try translator.events(forChunk: ByteBuffer(string: chunk))
        }
        buffers += translator.finish()
        let events = try buffers.map(decode)
        #expect(events.map(\.name) == [
            "response.created", "response.in_progress",
            "response.output_item.added", "response.function_call_arguments.delta",
            "response.output_item.added", "response.function_call_arguments.delta",
            "response.function_call_arguments.done", "response.output_item.done",
            "response.function_call_arguments.done", "response.output_item.done",
            "response.completed",
        ])
        let response = try #require(events.last?.payload["response"]?.objectValue)
        #expect(response["output"] == .array([
            ResponsesObject.functionCallItem(id: "fc_abc_0", callID: "call_r", name: "weather", arguments: #"{"city":"Rome"}"#, status: .completed),
            ResponsesObject.functionCallItem(id: "fc_abc_1", callID: "call_o", name: "weather", arguments: #"{"city":"Oslo"}"#, status: .completed),
        ]))
        #expect(translator.answerMessage[member: "tool_calls"]?.arrayValue?.count == 2)
    }

    @Test func failureMidStreamEndsWithResponseFailed() throws {
        var translator = ResponsesStreamTranslator(request: try request(), id: "resp_abc", createdAt: 1, usageLocation: .anyVendor)
        let first = try translator.events(forChunk: ByteBuffer(string: #"{"choices":[{"index":0,"delta":{"content":"Hel"}}]}"#))
        let failure = translator.failureEvents(message: "upstream went away", code: "server_error")
        let events = try (first + failure).map(decode)
        #expect(events.map(\.name) == [
            "response.created", "response.in_progress", "response.output_item.added",
            "response.content_part.added", "response.output_text.delta", "response.failed",
        ])
        #expect(events.last?.payload["sequence_number"] == .integer(5))
        let response = try #require(events.last?.payload["response"]?.objectValue)
        #expect(response["status"] == .string("failed"))
        #expect(response["error"] == .object(["code": .string("server_error"), "message": .string("upstream went away")]))
    }

    @Test func failureBeforeAnyChunkStillOpensTheResponse() throws {
        let translator = ResponsesStreamTranslator(request: try request(), id: "resp_abc", createdAt: 1, usageLocation: .anyVendor)
        let events = try translator.failureEvents(message: "no provider", code: "all_providers_failed").map(decode)
        #expect(events.map(\.name) == ["response.created", "response.in_progress", "response.failed"])
        #expect(events.map { $0.payload["sequence_number"] } == [.integer(0), .integer(1), .integer(2)])
    }

    @Test(arguments: ["not json", #"{"error":{"message":"overloaded"}}"#])
    func badOrErrorChunksThrow(payload: String) throws {
        var translator = ResponsesStreamTranslator(request: try request(), id: "resp_abc", createdAt: 1, usageLocation: .anyVendor)
        #expect(throws: UpstreamFailure.self) { try translator.events(forChunk: ByteBuffer(string: payload)) }
    }
}
