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

    /// Code rules see every header a client sent: thousands of names must neither square the
    /// work of filling the view nor lose one.
    @Test func manyNamesAreIndexed() {
        var headers = RuleHeaders()
        for number in 0..<5_000 { headers.add("v\(number)", for: "x-h\(number)") }
        headers.add("again", for: "x-h3")
        headers.add("again", for: "x-h4000")
        #expect(headers.count == 5_000)
        #expect(headers["x-h0"] == "v0")
        #expect(headers["x-h3"] == "v3,again")
        #expect(headers["x-h4000"] == "v4000,again")
        #expect(headers["x-h4999"] == "v4999")
        #expect(headers["x-h5000"] == nil)
        #expect(headers.all.first?.name == "x-h0", "order kept")
        var few = RuleHeaders()
        for number in (0..<5_000).reversed() { few.add("v\(number)", for: "x-h\(number)") }
        few.add("again", for: "x-h3")
        few.add("again", for: "x-h4000")
        #expect(few == headers, "equal whatever the order they were added in")
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
