import LLMRouterCore
import LLMRouterUsage
import Testing

struct UsageBufferTests {
    @Test func wakesTheWriterWhenABatchIsFullAndDropsBeyondCapacity() {
        var buffer = UsageBuffer(capacity: 5, batchSize: 2)
        let results = (1...7).map { buffer.append(record("r\($0)")) }
        #expect(results == [.queued, .batchReady, .queued, .queued, .queued, .dropped, .dropped])
        #expect(buffer.count == 5)
        #expect(buffer.dropped == 2)
    }

    @Test func takesBatchesOldestFirstUntilEmpty() {
        var buffer = UsageBuffer(capacity: 10, batchSize: 2)
        for index in 1...5 { _ = buffer.append(record("r\(index)")) }
        #expect(buffer.takeBatch().map(\.requestID) == ["r1", "r2"])
        #expect(buffer.takeBatch().map(\.requestID) == ["r3", "r4"])
        #expect(buffer.takeBatch().map(\.requestID) == ["r5"])
        #expect(buffer.takeBatch().isEmpty)
        #expect(buffer.append(record("r6")) == .queued)
        #expect(buffer.count == 1)
    }
}
