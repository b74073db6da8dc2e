import Foundation
import LLMRouterCore
import LLMRouterTesting
import Testing

struct JSONParserTests {
    /// Foundation's reading of the same text, as the oracle.
    static func oracle(_ object: Any) -> JSONValue {
        switch object {
        case let text as String: return .string(text)
        case let number as NSNumber:
            switch UInt8(bitPattern: number.objCType.pointee) {
            case UInt8(ascii: "c"), UInt8(ascii: "B"): return .bool(number.boolValue)
            case UInt8(ascii: "d"), UInt8(ascii: "f"): return .number(number.doubleValue)
            default: return .integer(number.int64Value)
            }
        case let array as [Any]: return .array(array.map(oracle))
        case let dictionary as [String: Any]: return .object(dictionary.mapValues(oracle))
        default: return .null
        }
    }

    /// Integral doubles compare equal to integers: Foundation reads `1.0` as an integer.
    static func normalized(_ value: JSONValue) -> JSONValue {
        switch value {
        case .number(let number) where number.rounded() == number && abs(number) < 1e15: .integer(Int64(number))
        case .array(let items): .array(items.map(normalized))
        case .object(let members): .object(members.mapValues(normalized))
        default: value
        }
    }

    @Test(arguments: [
        "openrouter-models-2026-08.json", "openrouter-models.json", "groq-models.json", "nvidia-nim-models.json",
        "groq-chat-completion.json", "openrouter-chat-completion.json", "openrouter-429.json", "groq-chat-completion-kimi.json",
    ])
    func readsTheRealCapturesAsFoundationDoes(fixture: String) throws {
        let bytes = try UpstreamFixtures.bytes(fixture)
        let parsed = try JSONValue(parsing: bytes)
        let expected = Self.oracle(try JSONSerialization.jsonObject(with: Data(bytes), options: [.fragmentsAllowed]))
        #expect(Self.normalized(parsed) == Self.normalized(expected))
    }

    @Test func readsEveryKindOfValue() throws {
        let text = #" {"s":"a\"b\\c\/d\n\u00e9\ud83d\ude00","i":-12345678901234,"d":-1.5e-3,"z":0,"t":true,"f":false,"n":null,"a":[[],{}]} "#
        let value = try JSONValue(parsing: Array(text.utf8))
        #expect(
            value
                == .object([
                    "s": .string("a\"b\\c/d\né😀"), "i": .integer(-12_345_678_901_234), "d": .number(-0.0015), "z": .integer(0),
                    "t": .bool(true), "f": .bool(false), "n": .null, "a": .array([.array([]), .object([:])]),
                ])
        )
        #expect(try JSONValue(parsing: Array("12345678901234567890".utf8)) == .number(Double("12345678901234567890")!))
    }

    @Test(arguments: [
        "", "{", "{\"a\":}", "{\"a\" 1}", "[1,]", "[1 2]", "01", "-", "1.", "1e", "tru", "nul", "\"abc",
        "\"\\x\"", "\"\\u12\"", "\"\\ud83d\"", "\"a\u{01}b\"", "{} x", "{\"a\":1,}", "'a'",
    ])
    func rejectsMalformedText(text: String) {
        #expect(throws: JSONParseError.self) { _ = try JSONValue(parsing: Array(text.utf8)) }
    }

    @Test func rejectsHostileNestingInsteadOfCrashing() throws {
        let deep = String(repeating: "[", count: 100_000) + String(repeating: "]", count: 100_000)
        #expect(throws: JSONParseError.self) { _ = try JSONValue(parsing: Array(deep.utf8)) }
        let fine = String(repeating: "[", count: 500) + String(repeating: "]", count: 500)
        #expect(throws: Never.self) { _ = try JSONValue(parsing: Array(fine.utf8)) }
    }

    @Test(arguments: ["groq-chat-completion.json", "openrouter-chat-completion.json", "groq-chat-completion-kimi.json"])
    func readsOnlyTheKeptMembersOfARealAnswer(fixture: String) throws {
        let bytes = try UpstreamFixtures.bytes(fixture)
        let full = try #require(try JSONValue(parsing: bytes).objectValue)
        let shallow = try #require(try JSONValue.parsingObject(bytes, keeping: ["usage", "error"]))
        #expect(Set(shallow.keys) == Set(full.keys))
        #expect(shallow["usage"] == full["usage"])
        #expect(shallow["choices"] == .array([]))
        #expect(shallow["model"] == .string(""))
    }

    @Test func shallowParsingKeepsScalarsAndEmptiesTheRest() throws {
        let text = #"{"keep":{"a":[1,"x"]},"s":"a\né","o":{"b":[{}]},"a":[1,2],"i":7,"t":true,"n":null}"#
        let members = try JSONValue.parsingObject(Array(text.utf8), keeping: ["keep"])
        #expect(members == ["keep": .object(["a": .array([.integer(1), .string("x")])]), "s": .string(""), "o": .object([:]), "a": .array([]), "i": .integer(7), "t": .bool(true), "n": .null])
        #expect(try JSONValue.parsingObject(Array("[1]".utf8), keeping: []) == nil)
    }

    @Test(arguments: [
        "", "{", "{\"a\":}", "{\"a\":[1,]}", "{\"a\":{\"b\" 1}}", "{\"a\":\"\\x\"}", "{\"a\":\"\\ud83d\"}", "{\"a\":\"a\u{01}b\"}",
        "{\"a\":tru}", "{\"a\":[01]}", "{} x", "{\"a\":1,}", "[1,]", "{\"a\":\"abc}",
    ])
    func shallowParsingRejectsWhatTheFullParserRejects(text: String) {
        #expect(throws: JSONParseError.self) { _ = try JSONValue.parsingObject(Array(text.utf8), keeping: []) }
        #expect(throws: JSONParseError.self) { _ = try JSONValue(parsing: Array(text.utf8)) }
    }

    @Test func shallowParsingRejectsHostileNesting() {
        let deep = "{\"a\":" + String(repeating: "[", count: 100_000) + String(repeating: "]", count: 100_000) + "}"
        #expect(throws: JSONParseError.self) { _ = try JSONValue.parsingObject(Array(deep.utf8), keeping: []) }
    }
}
