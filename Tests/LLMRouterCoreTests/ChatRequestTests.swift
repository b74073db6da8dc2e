import LLMRouterCore
import Testing

struct ChatRequestTests {
    func reject(_ json: String) -> ChatRequestError? {
        do {
            _ = try ChatRequest(json: Array(json.utf8))
            return nil
        } catch {
            return error
        }
    }

    @Test func keepsEveryFieldAndReplacesOnlyTheModel() throws {
        let request = try ChatRequest(
            json: Array(
                #"{"model":"llama3.3","messages":[{"role":"user","content":"hi"}],"tools":[{"type":"function","function":{"name":"f"}}],"seed":12345678901,"temperature":0.2,"x_vendor":{"a":[1,null,true]}}"#.utf8
            )
        )
        #expect(request.model == "llama3.3")
        #expect(!request.stream)
        let upstream = request.upstreamFields(model: "llama-3.3-70b-versatile")
        #expect(upstream["model"] == .string("llama-3.3-70b-versatile"))
        #expect(upstream["seed"] == .integer(12_345_678_901))
        #expect(upstream["temperature"] == .number(0.2))
        #expect(upstream["x_vendor"] == .object(["a": .array([.integer(1), .null, .bool(true)])]))
        #expect(upstream["tools"] == request.fields["tools"])
        #expect(request.upstreamFields(model: nil)["model"] == .string("llama3.3"))
    }

    @Test func lastUserTextJoinsTextParts() throws {
        let request = try ChatRequest(
            json: Array(
                #"{"messages":[{"role":"user","content":"first"},{"role":"assistant","content":"ok"},{"role":"user","content":[{"type":"text","text":"second"},{"type":"image_url","image_url":{"url":"x"}},{"type":"text","text":"part"}]}]}"#.utf8
            )
        )
        #expect(request.lastUserText == "second part")
    }

    @Test(arguments: [
        ("not json", nil as String?, "not valid JSON"),
        ("[1,2]", nil, "must be a JSON object"),
        (#"{"model":"m"}"#, "messages", "Missing required parameter"),
        (#"{"messages":[]}"#, "messages", "at least one message"),
        (#"{"messages":"hi"}"#, "messages", "expected an array"),
        (#"{"messages":[{"content":"hi"}]}"#, "messages[0].role", "Missing required parameter"),
        (#"{"messages":[{"role":"wizard","content":"hi"}]}"#, "messages[0].role", "Invalid value: 'wizard'"),
        (#"{"messages":[{"role":7,"content":"hi"}]}"#, "messages[0].role", "expected a string"),
        (#"{"messages":[{"role":"user","content":5}]}"#, "messages[0].content", "expected a string or an array"),
        (#"{"messages":["hi"]}"#, "messages[0]", "expected an object"),
        (#"{"model":5,"messages":[{"role":"user","content":"hi"}]}"#, "model", "expected a string"),
        (#"{"stream":"yes","messages":[{"role":"user","content":"hi"}]}"#, "stream", "expected a boolean"),
        (#"{"temperature":"hot","messages":[{"role":"user","content":"hi"}]}"#, "temperature", "expected a number"),
        (#"{"max_tokens":1.5,"messages":[{"role":"user","content":"hi"}]}"#, "max_tokens", "expected an integer"),
        (#"{"stop":[1],"messages":[{"role":"user","content":"hi"}]}"#, "stop", "expected a string or an array of strings"),
    ])
    func rejectsMalformedRequests(json: String, param: String?, fragment: String) throws {
        let error = try #require(reject(json))
        #expect(error.param == param)
        #expect(error.message.contains(fragment), "\(error.message)")
    }

    @Test func acceptsAssistantMessagesWithNullContentAndToolMessages() throws {
        let request = try ChatRequest(
            json: Array(
                #"{"stream":true,"messages":[{"role":"user","content":"hi"},{"role":"assistant","content":null,"tool_calls":[]},{"role":"tool","content":"42","tool_call_id":"c1"}]}"#.utf8
            )
        )
        #expect(request.stream)
        #expect(request.messages.count == 3)
    }
}

struct DuplicateKeyTests {
    @Test(arguments: [
        (#"{"model":"a","messages":[{"role":"user","content":"x"}],"model":"b"}"#, "model"),
        (#"{"stream":true,"stream":false,"model":"a","messages":[{"role":"user","content":"x"}]}"#, "stream"),
    ])
    func aRepeatedTopLevelKeyIsRejectedNamingIt(body: String, key: String) {
        #expect(throws: ChatRequestError(message: "The request body names '\(key)' more than once; send each parameter once.", param: key)) {
            try ChatRequest(json: Array(body.utf8))
        }
    }

    @Test func repeatedKeysInsideNestedObjectsAreLeftToTheUpstream() throws {
        let request = try ChatRequest(json: Array(#"{"model":"a","messages":[{"role":"user","content":"x"}],"metadata":{"k":1,"k":2}}"#.utf8))
        #expect(request.model == "a")
    }
}
