import LLMRouterCore
import LLMRouterConfig
import Testing
import Yams

struct YAMLTextListTests {
    private func read(_ yaml: String) throws -> [String] {
        try YAMLTextList.read(try Yams.compose(yaml: "value: \(yaml)")?.mapping?["value"])
    }

    @Test func absentNullSingleAndListShapes() throws {
        #expect(try YAMLTextList.read(nil) == [])
        #expect(try read("null") == [])
        #expect(try read(" llama-3 ") == ["llama-3"])
        #expect(try read("[a, ' b ', a, c]") == ["a", "b", "c"])
    }

    @Test func wrongShapesSayWhatIsExpected() {
        #expect(throws: YAMLTextList.ShapeError.self) { try read("{a: 1}") }
        let node = try? Yams.compose(yaml: "value: [a, '']")?.mapping?["value"]
        do {
            _ = try YAMLTextList.read(node)
            Issue.record("an empty item was accepted")
        } catch {
            #expect(error.message == "must be a list of non-empty strings")
        }
    }
}
