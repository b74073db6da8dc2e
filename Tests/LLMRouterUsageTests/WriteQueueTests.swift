import LLMRouterBackgroundWriter
import LLMRouterCore
import LLMRouterUsage
import Testing

/// The usage log's queue: records wait there for the writer.
struct WriteQueueTests {
    @Test func wakesTheWriterWhenABatchIsFullAndDropsBeyondCapacity() {
        var buffer = WriteQueue<RequestRecord>(capacity: 5, batchSize: 2)
        let results = (1...7).map { buffer.append(record("r\($0)")) }
        #expect(results == [.queued, .batchReady, .queued, .queued, .queued, .dropped, .dropped])
        #expect(buffer.count == 5)
        #expect(buffer.dropped == 2)
    }

    @Test func takesEverythingWaitingOldestFirstInOneSwap() {
        var buffer = WriteQueue<RequestRecord>(capacity: 10, batchSize: 2)
        for index in 1...5 { _ = buffer.append(record("r\(index)")) }
        var taken: [RequestRecord] = []
        buffer.takeAll(swappingWith: &taken)
        #expect(taken.map(\.requestID) == ["r1", "r2", "r3", "r4", "r5"])
        #expect(buffer.count == 0 && buffer.inFlight == 5)
        // Taken but not yet written, they still count against the capacity.
        let results = (6...11).map { buffer.append(record("r\($0)")) }
        #expect(results == [.queued, .batchReady, .queued, .queued, .queued, .dropped])
        #expect(buffer.dropped == 1)
        taken.removeAll(keepingCapacity: true)
        buffer.written()
        #expect(buffer.inFlight == 0)
        buffer.takeAll(swappingWith: &taken)
        #expect(taken.map(\.requestID) == ["r6", "r7", "r8", "r9", "r10"])
        taken.removeAll(keepingCapacity: true)
        buffer.written()
        buffer.takeAll(swappingWith: &taken)
        #expect(taken.isEmpty && buffer.inFlight == 0)
        #expect(buffer.append(record("r12")) == .queued)
    }

    @Test func replacingWhatWaitsAlwaysQueuesEvenWhenFull() {
        var queue = WriteQueue<String>(capacity: 3, batchSize: 10)
        for item in ["a", "b", "c"] { _ = queue.append(item) }
        #expect(queue.append("d") == .dropped)
        queue.replaceWaiting(with: "clear")
        #expect(queue.count == 1)
        var taken: [String] = []
        queue.takeAll(swappingWith: &taken)
        #expect(taken == ["clear"])
        // Taken, it still counts until written; then there is room again.
        taken.removeAll()
        queue.replaceWaiting(with: "clear again")
        queue.written()
        #expect(queue.append("e") == .queued && queue.count == 2)
    }
}
