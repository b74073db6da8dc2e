#if canImport(Glibc)
import Glibc
#endif
import Foundation
import LLMRouterBackgroundWriter
import LLMRouterCore
import LLMRouterUsage
import ServiceLifecycle
import ServiceLifecycleTestKit
import Synchronization
import Testing

/// The usage log works on its own thread, below the event loops' priority.
struct UsageLogThreadTests {
    @Test func theThreadRunsBelowThePriorityOfItsCreator() async {
        // Taken on the thread that creates it, with no suspension between.
        let creator = BackgroundWriterThread.currentNiceness()
        let thread = BackgroundWriterThread(name: "test-writer")
        let niceness = await thread.niceness()
        await thread.shutdown()
        #if os(Linux)
        #expect(niceness == min(19, creator + BackgroundWriterThread.defaultNiceness))
        #endif
    }

    @Test func theStoresThreadIsNamedForTopAndPerf() async throws {
        let folder = try TemporaryFolder()
        defer { folder.cleanup() }
        let store = try await UsageStore.open(path: folder.path("usage.sqlite"), logger: testLogger)
        let thread = try #require(store.thread)
        let name = await Task(executorPreference: thread) { try? String(contentsOfFile: "/proc/thread-self/comm", encoding: .utf8) }.value
        await store.close()
        #if os(Linux)
        #expect(name == "usage-log\n")
        #endif
    }

    @Test func eachStoreHasItsOwnThread() async throws {
        let folder = try TemporaryFolder()
        defer { folder.cleanup() }
        let first = try await UsageStore.open(path: folder.path("usage.sqlite"), logger: testLogger)
        let second = try await UsageStore.open(path: folder.path("usage.sqlite"), create: false, logger: testLogger)
        let firstThread = try #require(first.thread), secondThread = try #require(second.thread)
        #expect(firstThread !== secondThread)
        try await first.insert([record("written")])
        #expect(try await second.recentRequests(limit: 1).map(\.requestID) == ["written"])
        await first.close()
        await second.close()
    }

    @Test func theWriterBuildsAndWritesItsBatchesOnTheSinksThread() async throws {
        let sink = ThreadNotingSink()
        let settings = UsageLogSettings(path: "unused.sqlite", batchSize: 2, flushInterval: .seconds(3600))
        let writer = UsageLogWriter(sink: sink, settings: settings, logger: testLogger)
        try await testGracefulShutdown { trigger in
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask { try await writer.run() }
                for index in 1...5 { writer.record(record("t\(index)")) }
                trigger.triggerGracefulShutdown()
                try await group.waitForAll()
            }
        }
        let writerThread = await Task(executorPreference: sink.own) { pthread_self() }.value
        let writerNiceness = await sink.own.niceness()
        await sink.own.shutdown()
        #expect(sink.writes.flatMap(\.ids) == ["t1", "t2", "t3", "t4", "t5"])
        #expect(sink.writes.allSatisfy { $0.thread == writerThread && $0.niceness == writerNiceness })
    }

    @Test func aWriterThatFellBehindCatchesUpThenYieldsAgain() async throws {
        let sink = ThreadNotingSink()
        let settings = UsageLogSettings(path: "unused.sqlite", batchSize: 2, flushInterval: .seconds(3600))
        let writer = UsageLogWriter(sink: sink, settings: settings, logger: testLogger)
        // Nine wait before the writer starts: more than four batches of two.
        for index in 1...9 { writer.record(record("b\(index)")) }
        try await testGracefulShutdown { trigger in
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask { try await writer.run() }
                await sink.waitForRows(9)
                writer.record(record("c1"))
                trigger.triggerGracefulShutdown()
                try await group.waitForAll()
            }
        }
        await sink.own.shutdown()
        #expect(sink.writes.map(\.ids) == [["b1", "b2"], ["b3", "b4"], ["b5", "b6"], ["b7", "b8"], ["b9"], ["c1"]])
        #expect(sink.writes.map(\.catchingUp) == [true, true, true, true, true, false])
    }

    @Test func catchingUpStartsBeyondFourBatchesAndEndsAtOne() {
        let batch = 256
        #expect(BackgroundWriterThread.catchingUp(taken: 4 * batch + 1, batchSize: batch, wasCatchingUp: false))
        #expect(!BackgroundWriterThread.catchingUp(taken: 4 * batch, batchSize: batch, wasCatchingUp: false))
        #expect(BackgroundWriterThread.catchingUp(taken: batch + 1, batchSize: batch, wasCatchingUp: true))
        #expect(!BackgroundWriterThread.catchingUp(taken: batch, batchSize: batch, wasCatchingUp: true))
        #expect(!BackgroundWriterThread.catchingUp(taken: 1, batchSize: batch, wasCatchingUp: false))
    }

    @Test(arguments: [false, true])
    func aLargeBatchIsWrittenWholeAndInOrder(catchingUp: Bool) async throws {
        let folder = try TemporaryFolder()
        defer { folder.cleanup() }
        let store = try await UsageStore.open(path: folder.path("usage.sqlite"), logger: testLogger)
        // 40 rows: three statements of at most 16 in one transaction, or one statement.
        store.thread?.isCatchingUp = catchingUp
        let now = Date()
        let records = (1...40).map { record(String(format: "r%02d", $0), at: now.addingTimeInterval(Double($0))) }
        try await store.insert(records)
        let rows = try await store.recentRequests(limit: 100)
        await store.close()
        #expect(rows.map(\.requestID) == records.reversed().map(\.requestID))
    }

    @Test func aStoppedThreadStillRunsWhatIsEnqueued() async throws {
        let thread = BackgroundWriterThread(name: "test-writer")
        await thread.shutdown()
        // Nothing is left suspended for ever, even after the thread is gone.
        let answer = await Task(executorPreference: thread) { 42 }.value
        #expect(answer == 42)
    }

    @Test func attemptsWithCharactersToEscapeReadBackAsWritten() async throws {
        let folder = try TemporaryFolder()
        defer { folder.cleanup() }
        let store = try await UsageStore.open(path: folder.path("usage.sqlite"), logger: testLogger)
        var written = record("escapes")
        written.attempts = [
            .init(provider: "groq \"eu\"", upstreamModel: "llama\\3", outcome: "rate_limited", latency: .microseconds(1500)),
            .init(provider: "café", outcome: "skipped", skipReason: "cool-down\nuntil\t12:00 \u{1}"),
        ]
        try await store.insert([written])
        let rows = try await store.recentRequests(limit: 1)
        await store.close()
        let attempts = try #require(rows.first?.attempts)
        #expect(attempts.map(\.provider) == ["groq \"eu\"", "café"])
        #expect(attempts.map(\.upstreamModel) == ["llama\\3", nil])
        #expect(attempts.map(\.outcome) == ["rate_limited", "skipped"])
        #expect(attempts.map(\.skipReason) == [nil, "cool-down\nuntil\t12:00 \u{1}"])
        #expect(attempts.map(\.latencyMs) == [1.5, nil])
    }
}

/// Notes, for each batch, its request ids, the thread that wrote it, that thread's nice value
/// and whether the writer was catching up.
final class ThreadNotingSink: UsageSink {
    struct Write: Sendable {
        var ids: [String]
        var thread: pthread_t
        var niceness: Int32
        var catchingUp: Bool
    }

    let own = BackgroundWriterThread(name: "test-sink")
    private let state = Mutex<[Write]>([])

    var thread: BackgroundWriterThread? { own }
    var writes: [Write] { state.withLock { $0 } }

    func insert(_ records: [RequestRecord]) async throws {
        let write = Write(
            ids: records.map(\.requestID),
            thread: pthread_self(),
            niceness: BackgroundWriterThread.currentNiceness(),
            catchingUp: own.isCatchingUp
        )
        state.withLock { $0.append(write) }
    }

    func deleteRows(before cutoff: Date) async throws -> Int { 0 }

    func waitForRows(_ count: Int) async {
        while writes.flatMap(\.ids).count < count { try? await Task.sleep(for: .milliseconds(1)) }
    }
}
