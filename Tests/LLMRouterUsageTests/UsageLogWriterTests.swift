import Foundation
import LLMRouterCore
import LLMRouterUsage
import Prometheus
import ServiceLifecycle
import ServiceLifecycleTestKit
import Synchronization
import Testing

struct UsageLogWriterTests {
    @Test func gracefulShutdownWritesEverythingStillBuffered() async throws {
        let folder = try TemporaryFolder()
        defer { folder.cleanup() }
        let path = folder.path("data/usage.sqlite")
        let store = try await UsageStore.open(path: path, logger: testLogger)
        // A flush interval far beyond the test and batches larger than the traffic: only the
        // shutdown flush can write these rows.
        let settings = UsageLogSettings(path: path, batchSize: 1000, flushInterval: .seconds(3600))
        let writer = UsageLogWriter(sink: store, settings: settings, logger: testLogger)
        try await testGracefulShutdown { trigger in
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask { try await writer.run() }
                for index in 1...25 { writer.record(record("req-\(index)")) }
                trigger.triggerGracefulShutdown()
                try await group.waitForAll()
            }
        }
        let rows = try await store.recentRequests(limit: 100)
        await store.close()
        #expect(Set(rows.map(\.requestID)) == Set((1...25).map { "req-\($0)" }))
    }

    @Test func aFullBatchIsWrittenWithoutWaitingForTheTick() async throws {
        let folder = try TemporaryFolder()
        defer { folder.cleanup() }
        let sink = RecordingSink()
        let settings = UsageLogSettings(path: folder.path("unused"), batchSize: 4, flushInterval: .seconds(3600))
        let writer = UsageLogWriter(sink: sink, settings: settings, logger: testLogger)
        try await testGracefulShutdown { trigger in
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask { try await writer.run() }
                for index in 1...4 { writer.record(record("b\(index)")) }
                await sink.waitForRows(4)
                #expect(sink.batches == [["b1", "b2", "b3", "b4"]])
                trigger.triggerGracefulShutdown()
                try await group.waitForAll()
            }
        }
    }

    @Test func aStalledSinkNeverBlocksRecordingAndDropsAreCounted() async throws {
        let registry = PrometheusCollectorRegistry()
        let sink = StalledSink()
        let settings = UsageLogSettings(path: "stalled.sqlite", bufferCapacity: 10, batchSize: 5, flushInterval: .milliseconds(10))
        let writer = UsageLogWriter(sink: sink, settings: settings, logger: testLogger, metrics: PrometheusMetricsFactory(registry: registry))
        try await testGracefulShutdown { trigger in
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask { try await writer.run() }
                // The first batch goes to the sink and hangs there; the buffer then fills.
                for index in 1...5 { writer.record(record("first-\(index)")) }
                await sink.waitUntilStalled()
                // The 5 being written still count against the capacity of 10: 5 more fit.
                for index in 1...13 { writer.record(record("more-\(index)")) }
                #expect(writer.droppedCount == 8)
                let metrics = String(decoding: registry.emitToBuffer(), as: UTF8.self)
                #expect(metrics.contains(#"llmrouter_usage_log_dropped_rows_total{reason="buffer_full"} 8"#))
                sink.release()
                trigger.triggerGracefulShutdown()
                try await group.waitForAll()
            }
        }
        #expect(sink.written == 10)
    }

    @Test func aBacklogIsWrittenInBatchesOldestFirst() async throws {
        let sink = StalledSink()
        let settings = UsageLogSettings(path: "backlog.sqlite", bufferCapacity: 100, batchSize: 4, flushInterval: .seconds(3600))
        let writer = UsageLogWriter(sink: sink, settings: settings, logger: testLogger)
        try await testGracefulShutdown { trigger in
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask { try await writer.run() }
                for index in 1...4 { writer.record(record("r\(index)")) }
                await sink.waitUntilStalled()
                // Ten more wait while the first batch is stuck; the writer takes them in one go.
                for index in 5...14 { writer.record(record("r\(index)")) }
                sink.release()
                await sink.waitForRows(14)
                trigger.triggerGracefulShutdown()
                try await group.waitForAll()
            }
        }
        #expect(sink.batches == [["r1", "r2", "r3", "r4"], ["r5", "r6", "r7", "r8"], ["r9", "r10", "r11", "r12"], ["r13", "r14"]])
        #expect(writer.droppedCount == 0)
    }

    @Test func environmentSettings() throws {
        #expect(try UsageLogSettings.fromEnvironment([:]) == UsageLogSettings())
        #expect(try UsageLogSettings.fromEnvironment(["LLMROUTER_DB": "off"]) == nil)
        #expect(try UsageLogSettings.fromEnvironment(["LLMROUTER_DB": "OFF"]) == nil)
        let custom = try UsageLogSettings.fromEnvironment(["LLMROUTER_DB": "/var/lib/x.sqlite", "LLMROUTER_DB_RETENTION_DAYS": "7"])
        #expect(custom?.path == "/var/lib/x.sqlite")
        #expect(custom?.retentionDays == 7)
        #expect(custom?.pathIsExplicit == true, "with a database URL too, the rows go to this file")
        #expect(try UsageLogSettings.fromEnvironment(["LLMROUTER_DB_RETENTION_DAYS": "7"])?.pathIsExplicit == false)
        #expect(UsageLogSettings().path == "data/llmrouter.sqlite")
        #expect(UsageLogSettings().retentionDays == 30)
        let error = #expect(throws: UsageLogSettings.Failure.self) {
            _ = try UsageLogSettings.fromEnvironment(["LLMROUTER_DB_RETENTION_DAYS": "a month"])
        }
        #expect(error?.message == "LLMROUTER_DB_RETENTION_DAYS must be a number of days greater than 0, got 'a month'")
    }
}

/// Keeps the request ids of each batch it gets.
final class RecordingSink: UsageSink {
    private let state = Mutex<[[String]]>([])

    var batches: [[String]] { state.withLock { $0 } }

    func insert(_ records: [RequestRecord]) async throws {
        state.withLock { $0.append(records.map(\.requestID)) }
    }

    func deleteRows(before cutoff: Date) async throws -> Int { 0 }

    func waitForRows(_ count: Int) async {
        while state.withLock({ $0.joined().count }) < count { await Task.yield() }
    }
}

/// A disk that stops answering: its first insert hangs until ``release()``. Keeps the request
/// ids of each batch written.
final class StalledSink: UsageSink {
    private struct State {
        var stalled = false
        var released = false
        var batches: [[String]] = []
    }

    private let state = Mutex(State())

    var batches: [[String]] { state.withLock { $0.batches } }
    var written: Int { batches.joined().count }

    func insert(_ records: [RequestRecord]) async throws {
        state.withLock { $0.stalled = true }
        while !state.withLock({ $0.released }) { try await Task.sleep(for: .milliseconds(1)) }
        state.withLock { $0.batches.append(records.map(\.requestID)) }
    }

    func deleteRows(before cutoff: Date) async throws -> Int { 0 }

    func waitUntilStalled() async {
        while !state.withLock({ $0.stalled }) { await Task.yield() }
    }

    func waitForRows(_ count: Int) async {
        while written < count { try? await Task.sleep(for: .milliseconds(1)) }
    }

    func release() { state.withLock { $0.released = true } }
}
