import LLMRouterServer
import Testing

struct RouterCacheClientTests {
    @Test func linesAreChatBodiesOrPathAndBody() throws {
        let text = """
            {"model":"m","temperature":0,"messages":[{"role":"user","content":"hi"}]}

            # a comment
            {"path":"/v1/embeddings","body":{"model":"e","input":"hello"}}
            """
        let lines = try RouterCacheClient.lines(of: text, file: "warm.jsonl")
        #expect(lines.map(\.path) == ["/v1/chat/completions", "/v1/embeddings"])
        #expect(lines.map(\.number) == [1, 4])
        #expect(String(decoding: lines[1].body, as: UTF8.self).contains(#""input":"hello""#))
    }

    @Test func aBadLineIsNamedByFileAndNumber() {
        #expect(throws: RouterCacheClient.Failure.self) { try RouterCacheClient.lines(of: "{}\nnot json", file: "warm.jsonl") }
        do {
            _ = try RouterCacheClient.lines(of: "{}\nnot json", file: "warm.jsonl")
        } catch {
            #expect(error.description == "warm.jsonl:2: not a JSON object")
        }
        do {
            _ = try RouterCacheClient.lines(of: #"{"path":"/admin/reload","body":{}}"#, file: "w.jsonl")
            Issue.record("a path outside /v1/ was accepted")
        } catch {
            #expect(error.description.contains("w.jsonl:1"))
        }
    }
}
