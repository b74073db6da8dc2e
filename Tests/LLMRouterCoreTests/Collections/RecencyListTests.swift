@testable import LLMRouterCore
import Testing

struct RecencyListTests {
    @Test func usingAnEntryMakesItTheNewestAndPeekingDoesNot() {
        var list = RecencyList<String, Int>()
        list.set(1, for: "a")
        list.set(2, for: "b")
        list.set(3, for: "c")
        #expect(list.peek("a") == 1)
        #expect(list.oldestFirst.map(\.key) == ["a", "b", "c"])
        #expect(list.use("a") == 1)
        #expect(list.oldestFirst.map(\.key) == ["b", "c", "a"])
        #expect(list.use("missing") == nil)
    }

    @Test func replacingAValueReturnsTheOldOneAndMovesItToTheFront() {
        var list = RecencyList<String, Int>()
        list.set(1, for: "a")
        list.set(2, for: "b")
        #expect(list.set(10, for: "a") == 1)
        #expect(list.count == 2)
        #expect(list.oldestFirst.map(\.value) == [2, 10])
    }

    @Test func removingTheOldestGoesInOrderOfUse() {
        var list = RecencyList<Int, String>()
        for key in 0..<4 { list.set("v\(key)", for: key) }
        _ = list.use(0)
        #expect(list.removeOldest()?.key == 1)
        #expect(list.removeOldest()?.key == 2)
        #expect(list.remove(0) == "v0")
        #expect(list.removeOldest()?.key == 3)
        #expect(list.removeOldest() == nil)
        #expect(list.count == 0)
    }

    @Test func freedSlotsAreReusedWithoutBreakingTheOrder() {
        var list = RecencyList<Int, Int>()
        for round in 0..<50 {
            list.set(round, for: round)
            if list.count > 3 { list.removeOldest() }
        }
        #expect(list.count == 3)
        #expect(list.oldestFirst.map(\.key) == [47, 48, 49])
        list.remove(48)
        list.set(99, for: 7)
        #expect(list.oldestFirst.map(\.key) == [47, 49, 7])
        list.removeAll()
        #expect(list.oldestFirst.isEmpty)
    }
}
