import Foundation
@testable import LLMRouterCore
import Testing

struct JSONObjectMembersTests {
    func rewrite(_ json: String, model: String?, stream: Bool?, removing: Set<String> = []) throws -> String {
        let request = try ChatRequest(json: Array(json.utf8))
        return String(decoding: request.upstreamBody(model: model, stream: stream, removing: removing), as: UTF8.self)
    }

    @Test func replacesOnlyTheModelAndKeepsEveryOtherByte() throws {
        let body = #"{ "model" : "llama3.3", "messages":[{"role":"user","content":"a \"quoted\" {brace} [x], \\ done"}],"temperature":0.10,"x":{"nested":["}",{"model":"inner"}]},"seed":12345678901234567}"#
        let rewritten = try rewrite(body, model: "up/llama-3.3-70b", stream: nil)
        #expect(rewritten == #"{"model":"up/llama-3.3-70b","messages":[{"role":"user","content":"a \"quoted\" {brace} [x], \\ done"}],"temperature":0.10,"x":{"nested":["}",{"model":"inner"}]},"seed":12345678901234567}"#)
    }

    @Test func addsMissingMembersAndRemovesDroppedOnes() throws {
        let body = #"{"messages":[{"role":"user","content":"hi"}],"stream":true,"stream_options":{"include_usage":true}}"#
        let rewritten = try rewrite(body, model: "m\"x", stream: false, removing: ["stream_options"])
        #expect(rewritten == #"{"messages":[{"role":"user","content":"hi"}],"stream":false,"model":"m\"x"}"#)
        let parsed = try #require(try JSONSerialization.jsonObject(with: Data(rewritten.utf8)) as? [String: Any])
        #expect(parsed["model"] as? String == "m\"x")
    }

    @Test func keepsTheModelWhenNoneIsGiven() throws {
        let body = #"{"model":"as-sent","messages":[{"role":"user","content":"hi"}]}"#
        #expect(try rewrite(body, model: nil, stream: true) == #"{"model":"as-sent","messages":[{"role":"user","content":"hi"}],"stream":true}"#)
    }

    @Test func locatesMembersInAWhitespaceHeavyBody() throws {
        let members = try #require(JSONObjectMembers(Array("\n {\n \"a\" :\t1 ,\"b\":[1,{\"c\":\"]\"}] , \"d\":null }\n".utf8)))
        #expect(members.members.map { String(decoding: $0.rawKey, as: UTF8.self) } == ["a", "b", "d"])
        #expect(JSONObjectMembers(Array("[1,2]".utf8)) == nil)
    }

    @Test(arguments: ["llama-3.3-70b-versatile", "meta-llama/llama-3.3-70b-instruct:free", "", "a\"b", "tab\there", "ünï"])
    func jsonStringReadsBackAsTheSameText(text: String) throws {
        let encoded = JSONObjectMembers.jsonString(text)
        #expect(try JSONValue(parsing: encoded) == .string(text))
    }

    @Test(arguments: [
        #"{"model":"m","messages":[{"role":"user","content":"a \"}\" b"}],"stream":true}"#,
        "\n {\n \"a\" :\t1 ,\"b\":[1,{\"c\":\"]\"}] , \"d\":null }\n",
        #"{"k\u0065y":{"x":[]},"e":{}}"#,
        "{}",
    ])
    func theParseLocatesTheSameMembersAsTheScanner(body: String) throws {
        let bytes = Array(body.utf8)
        let located = try JSONValue.parsingDocument(bytes).topLevelMembers
        let scanned = try #require(JSONObjectMembers(bytes))
        #expect(JSONObjectMembers(bytes: bytes, located: located).members == scanned.members)
    }

    @Test func jsonStringEscapesControlCharacters() {
        #expect(String(decoding: JSONObjectMembers.jsonString("a\"b\\c\nd\u{01}é"), as: UTF8.self) == #""a\"b\\c\nd\u0001é""#)
    }
}

struct OutputCapTests {
    @Test func maxTokensAboveTheRoutesCapAreLoweredAndTheRestKept() throws {
        let request = try ChatRequest(json: Array(#"{"model":"m","max_tokens":32000,"max_completion_tokens":100,"messages":[{"role":"user","content":"hi"}]}"#.utf8))
        let body = try JSONValue(parsing: request.upstreamBody(model: "up", stream: nil, outputCap: 8192)).objectValue
        #expect(body?["max_tokens"] == .integer(8192))
        #expect(body?["max_completion_tokens"] == .integer(100), "within the cap: untouched")
        #expect(body?["model"] == .string("up"))
        let uncapped = String(decoding: request.upstreamBody(model: nil, stream: nil), as: UTF8.self)
        #expect(uncapped.contains(#""max_tokens":32000"#), "no cap known: the client's value")
    }
}
