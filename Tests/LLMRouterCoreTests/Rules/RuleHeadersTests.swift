import LLMRouterCore
import Testing

/// The headers rules read: looked up by lower-cased name, repeated headers joined as HTTP joins
/// them, compared as a dictionary would be.
struct RuleHeadersTests {
    @Test func looksUpByLowerCasedName() {
        var headers = RuleHeaders(minimumCapacity: 2)
        headers.add("web", for: "x-team")
        headers.add("OpenAI/Python 1.99.0", for: "user-agent")
        #expect(headers["x-team"] == "web")
        #expect(headers["user-agent"] == "OpenAI/Python 1.99.0")
        #expect(headers["x-tenant"] == nil)
        #expect(headers.count == 2)
        #expect(!headers.isEmpty)
        #expect(RuleHeaders().isEmpty)
    }

    @Test func repeatedHeadersAreJoinedWithCommasInOrder() {
        var headers = RuleHeaders()
        headers.add("a", for: "x-team")
        headers.add("b", for: "x-team")
        #expect(headers["x-team"] == "a,b")
        #expect(headers.count == 1)
    }

    @Test func literalNamesAreLowerCased() {
        let headers: RuleHeaders = ["X-Team": "Data-Science"]
        #expect(headers["x-team"] == "Data-Science", "values keep their case; glob matching folds it")
        #expect(headers.all.map(\.name) == ["x-team"])
    }

    @Test func equalityIgnoresOrderLikeADictionary() {
        let one: RuleHeaders = ["x-team": "a", "x-other": "b"]
        let other: RuleHeaders = ["x-other": "b", "x-team": "a"]
        #expect(one == other)
        #expect(one != ["x-team": "a"])
        #expect(one != ["x-team": "a", "x-other": "c"])
        #expect(one.description == "[x-team: a, x-other: b]")
    }
}
