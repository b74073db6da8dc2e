import Foundation
import InMemoryLogging
import LLMRouterCore
import LLMRouterUsage
import Logging
import Prometheus
import ServiceLifecycleTestKit
import Synchronization
import Testing

/// A sink that goes away and comes back (a database server): the writer keeps the rows of
/// requests answered meanwhile and writes them when it is back, dropping (and counting, and
/// saying so once) only what overflows the buffer.
struct UsageLogRetryTests {
    struct Harness {
        let sink = AwaySink()
        let logs = InMemoryLogHandler()
        let registry = PrometheusCollectorRegistry()
        let writer: UsageLogWriter

        init(capacity: Int, batchSize: Int) {
            let settings = UsageLogSettings(bufferCapacity: capacity, batchSize: batchSize, flushInterval: .milliseconds(10))
            let logs = logs
            writer = UsageLogWriter(
                sink: sink, settings: settings, logger: Logger(label: "usage", factory: { _ in logs }),
                metrics: PrometheusMetricsFactory(registry: registry)
            )
        }

        func messages(_ level: Logger.Level) -> [String] {
            logs.entries.filter { $0.level == level }.map(\.message.description)
        }

        func metric(_ reason: String) -> String? {
            String(decoding: registry.emitToBuffer(), as: UTF8.self).split(separator: "\n")
                .first { $0.hasPrefix(#"llmrouter_usage_log_dropped_rows_total{reason="\#(reason)"}"#) }
                .map { String($0.split(separator: " ").last ?? "") }
        }
    }

    @Test func rowsAnsweredWhileTheSinkIsAwayAreWrittenWhenItIsBack() async throws {
        let harness = Harness(capacity: 100, batchSize: 4)
        harness.sink.setAway(true)
        try await testGracefulShutdown { trigger in
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask { try await harness.writer.run() }
                for index in 1...10 { harness.writer.record(record("r\(index)")) }
                // Several failed tries: the rows stay, one warning says so.
                await harness.sink.waitForFailures(5)
                #expect(harness.sink.written.isEmpty)
                harness.sink.setAway(false)
                await harness.sink.waitForRows(10)
                trigger.triggerGracefulShutdown()
                try await group.waitForAll()
            }
        }
        #expect(harness.sink.written == (1...10).map { "r\($0)" }, "every row once, oldest first")
        #expect(harness.writer.droppedCount == 0)
        #expect(harness.metric("write_failed") == "0")
        #expect(harness.messages(.warning) == ["usage log unavailable: rows wait in the buffer until it is back"])
        #expect(harness.messages(.notice) == ["usage log written again"])
    }

    @Test func anOverflowWhileAwayIsCountedAndWarnedOnce() async throws {
        let harness = Harness(capacity: 10, batchSize: 5)
        harness.sink.setAway(true)
        try await testGracefulShutdown { trigger in
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask { try await harness.writer.run() }
                for index in 1...25 { harness.writer.record(record("r\(index)")) }
                #expect(harness.writer.droppedCount == 15)
                let failures = harness.sink.failures
                await harness.sink.waitForFailures(failures + 3)
                for index in 26...30 { harness.writer.record(record("r\(index)")) }
                await harness.sink.waitForFailures(failures + 6)
                harness.sink.setAway(false)
                await harness.sink.waitForRows(10)
                // Room again: what comes now is kept.
                harness.writer.record(record("after"))
                await harness.sink.waitForRows(11)
                trigger.triggerGracefulShutdown()
                try await group.waitForAll()
            }
        }
        #expect(harness.sink.written == (1...10).map { "r\($0)" } + ["after"])
        #expect(harness.metric("buffer_full") == "20")
        // One warning for the overflow (the next may come a minute later), naming what it had
        // seen dropped (of the first 15); the metric counts every row, those dropped after it too.
        let full = harness.logs.entries.filter { $0.message.description == "usage log buffer full: new rows are dropped" }
        #expect(full.count == 1)
        let named = full.first?.metadata["llmrouter.dropped"].flatMap { Int($0.description) }
        #expect(named.map { (1...15).contains($0) } == true)
        #expect(harness.messages(.warning).filter { $0.hasPrefix("usage log unavailable") }.count == 1)
    }

    @Test func stoppingWhileAwayDropsWhatIsLeftWithoutWaitingForIt() async throws {
        let harness = Harness(capacity: 100, batchSize: 4)
        harness.sink.setAway(true)
        var failuresBeforeStopping = 0
        try await testGracefulShutdown { trigger in
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask { try await harness.writer.run() }
                for index in 1...12 { harness.writer.record(record("r\(index)")) }
                await harness.sink.waitForFailures(2)
                failuresBeforeStopping = harness.sink.failures
                trigger.triggerGracefulShutdown()
                try await group.waitForAll()
            }
        }
        // The try under way and at most one more, not one per batch nor a retry loop.
        #expect(harness.sink.failures - failuresBeforeStopping <= 2)
        #expect(harness.sink.written.isEmpty)
        #expect(harness.metric("write_failed") == "12")
        #expect(harness.messages(.warning).contains("usage log write failed while stopping: the rows still buffered are dropped"))
    }
}

/// A sink that fails every insert while ``setAway(_:)`` says so, and asks to be tried again
/// after 5 ms. Keeps the request ids it wrote.
final class AwaySink: UsageSink {
    private struct State {
        var away = false
        var failures = 0
        var written: [String] = []
    }

    private struct Away: Error {}

    private let state = Mutex(State())

    var retryDelay: Duration? { .milliseconds(5) }
    var written: [String] { state.withLock { $0.written } }
    var failures: Int { state.withLock { $0.failures } }

    func setAway(_ away: Bool) { state.withLock { $0.away = away } }

    func insert(_ records: [RequestRecord]) async throws {
        try state.withLock { state in
            guard !state.away else {
                state.failures += 1
                throw Away()
            }
            state.written += records.map(\.requestID)
        }
    }

    func deleteRows(before cutoff: Date) async throws -> Int { 0 }

    func waitForFailures(_ count: Int) async {
        while failures < count { try? await Task.sleep(for: .milliseconds(1)) }
    }

    func waitForRows(_ count: Int) async {
        while written.count < count { try? await Task.sleep(for: .milliseconds(1)) }
    }
}
