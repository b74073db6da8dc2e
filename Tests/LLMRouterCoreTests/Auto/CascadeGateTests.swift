import LLMRouterCore
import NIOCore
import Testing

/// The cascade's quality gate on answers alone.
struct CascadeGateTests {
    static func request(_ extra: String = "") -> ChatRequest {
        let body = #"{"messages":[{"role":"user","content":"hi"}]\#(extra.isEmpty ? "" : "," + extra)}"#
        do { return try ChatRequest(json: Array(body.utf8)) } catch { fatalError("test request must parse") }
    }

    static func verdict(_ message: String, finish: String = "stop", extra: String = "", usage: String = "") -> CascadeReason? {
        let usageMember = usage.isEmpty ? "" : #","usage":\#(usage)"#
        let body = #"{"choices":[{"index":0,"message":\#(message),"finish_reason":"\#(finish)"}]\#(usageMember)}"#
        return CascadeGate.verdict(ByteBuffer(string: body), request: request(extra))
    }

    @Test func aPlainAnswerPasses() {
        #expect(Self.verdict(#"{"role":"assistant","content":"Hello there."}"#) == nil)
        #expect(Self.verdict(#"{"role":"assistant","content":[{"type":"text","text":"Hi"}]}"#) == nil)
    }

    @Test func emptyAnswers() {
        #expect(Self.verdict(#"{"role":"assistant","content":""}"#) == .empty)
        #expect(Self.verdict(#"{"role":"assistant","content":null}"#) == .empty)
        #expect(Self.verdict(#"{"role":"assistant","content":" \n "}"#) == .empty)
        #expect(CascadeGate.verdict(ByteBuffer(string: #"{"choices":[]}"#), request: Self.request()) == .empty)
        #expect(CascadeGate.verdict(ByteBuffer(string: "not json"), request: Self.request()) == .empty)
    }

    @Test func cutByLength() {
        #expect(Self.verdict(#"{"role":"assistant","content":"Once upon a"}"#, finish: "length") == .length)
    }

    /// Anthropic requests always carry `max_tokens`: a cut there is the client's choice, and a
    /// stronger model would stop at the same place.
    @Test func aCutAtTheClientsOwnLimitPasses() {
        let cut = #"{"role":"assistant","content":"Once upon a"}"#
        #expect(Self.verdict(cut, finish: "length", extra: #""max_tokens":3"#, usage: #"{"completion_tokens":3}"#) == nil)
        #expect(Self.verdict(cut, finish: "length", extra: #""max_completion_tokens":3"#, usage: #"{"completion_tokens":3}"#) == nil)
        // No usage to tell by: the client's limit is the likelier cut.
        #expect(Self.verdict(cut, finish: "length", extra: #""max_tokens":3"#) == nil)
        // Cut well short of what the client allowed: the upstream's own cap, so the next tier.
        #expect(Self.verdict(cut, finish: "length", extra: #""max_tokens":4096"#, usage: #"{"completion_tokens":1024}"#) == .length)
        // A cut at the client's limit is still checked for the rest.
        #expect(Self.verdict(#"{"role":"assistant","content":""}"#, finish: "length", extra: #""max_tokens":3"#, usage: #"{"completion_tokens":3}"#) == .empty)
    }

    @Test func refusals() {
        #expect(Self.verdict(#"{"role":"assistant","content":"I’m sorry, but I can’t assist with that request."}"#) == .refusal)
        #expect(Self.verdict(#"{"role":"assistant","content":"I cannot help with that."}"#) == .refusal)
        #expect(Self.verdict(#"{"role":"assistant","content":null,"refusal":"I won't."}"#) == .refusal)
        #expect(Self.verdict(#"{"role":"assistant","content":"Filtered"}"#, finish: "content_filter") == .refusal)
        // An apology that goes on to answer at length is an answer.
        let long = "I'm sorry, but I can't see the image. " + String(repeating: "Here is how to do it anyway. ", count: 30)
        #expect(Self.verdict(#"{"role":"assistant","content":"\#(long)"}"#) == nil)
        // The phrase must open the answer.
        #expect(Self.verdict(#"{"role":"assistant","content":"Sure. I cannot help with taxes, but here is the code."}"#) == nil)
    }

    @Test func jsonModeNeedsAJSONObject() {
        let json = #""response_format":{"type":"json_object"}"#
        #expect(Self.verdict(#"{"role":"assistant","content":"{\"a\": [1, 2]}"}"#, extra: json) == nil)
        #expect(Self.verdict(#"{"role":"assistant","content":"```json\n{\"a\": 1}\n```"}"#, extra: json) == .invalidJSON)
        #expect(Self.verdict(#"{"role":"assistant","content":"[1, 2]"}"#, extra: json) == .invalidJSON)
        #expect(Self.verdict(#"{"role":"assistant","content":"{\"a\": "}"#, extra: #""response_format":{"type":"json_schema","json_schema":{"name":"x"}}"#) == .invalidJSON)
        // Without JSON mode, text is fine.
        #expect(Self.verdict(#"{"role":"assistant","content":"not json"}"#) == nil)
    }

    @Test func toolCallsMustNameOfferedTools() {
        let tools = #""tools":[{"type":"function","function":{"name":"search"}}]"#
        func call(_ name: String) -> String {
            #"{"role":"assistant","content":null,"tool_calls":[{"id":"1","type":"function","function":{"name":"\#(name)","arguments":"{}"}}]}"#
        }
        #expect(Self.verdict(call("search"), finish: "tool_calls", extra: tools) == nil)
        #expect(Self.verdict(call("serach"), finish: "tool_calls", extra: tools) == .unknownTool)
        #expect(Self.verdict(call("search"), finish: "tool_calls") == .unknownTool, "no tools offered at all")
        #expect(Self.verdict(call("lookup"), finish: "tool_calls", extra: #""functions":[{"name":"lookup"}]"#) == nil, "legacy functions")
    }
}
