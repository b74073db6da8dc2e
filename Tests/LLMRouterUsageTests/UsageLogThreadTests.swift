#if canImport(Glibc)
import Glibc
#endif
import Foundation
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
        let creator = UsageLogThread.currentNiceness()
        let thread = UsageLogThread()
        let niceness = await thread.niceness()
        await thread.shutdown()
        #if os(Linux)
        #expect(niceness == min(19, creator + UsageLogThread.defaultNiceness))
        #endif
    }

    @Test func theStoreRunsSQLiteOnItsOwnThread() async throws {
        let folder = try TemporaryFolder()
        defer { folder.cleanup() }
        let store = try await UsageStore.open(path: folder.path("usage.sqlite"), logger: testLogger)
        let executor = try #require(store.executor)
        #expect(executor === store.thread)
        try await store.insert([record("on-the-thread")])
        #expect(try await store.recentRequests(limit: 1).map(\.requestID) == ["on-the-thread"])
        await store.close()
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
        let writerThread = await Task(executorPreference: sink.thread) { pthread_self() }.value
        let writerNiceness = await sink.thread.niceness()
        await sink.thread.shutdown()
        #expect(sink.writes.flatMap(\.ids) == ["t1", "t2", "t3", "t4", "t5"])
        #expect(sink.writes.allSatisfy { $0.thread == writerThread && $0.niceness == writerNiceness })
    }

    @Test func aStoppedThreadStillRunsWhatIsEnqueued() async throws {
        let thread = UsageLogThread()
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

/// Notes, for each batch, its request ids and the nice value of the thread that wrote it.
final class ThreadNotingSink: UsageSink {
    struct Write: Sendable {
        var ids: [String]
        var thread: pthread_t
        var niceness: Int32
    }

    let thread = UsageLogThread()
    private let state = Mutex<[Write]>([])

    var executor: (any TaskExecutor)? { thread }
    var writes: [Write] { state.withLock { $0 } }

    func insert(_ records: [RequestRecord]) async throws {
        let write = Write(ids: records.map(\.requestID), thread: pthread_self(), niceness: UsageLogThread.currentNiceness())
        state.withLock { $0.append(write) }
    }

    func deleteRows(before cutoff: Date) async throws -> Int { 0 }
}
