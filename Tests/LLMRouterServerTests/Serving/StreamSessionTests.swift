import LLMRouterCore
@testable import LLMRouterServer
import LLMRouterTesting
import Logging
import NIOCore
import Testing

/// The keep-alive loop and the request deadline on a mock clock: no test here sleeps.
struct StreamSessionTests {
    /// One route whose stream starts after `startDelay` and whose chunks come `chunkGap` apart,
    /// all on `clock`; the call honours the time left before the request deadline.
    static func service(
        clock: MockClock,
        startDelay: Duration,
        chunkGap: Duration = .zero,
        deadline: Duration = .seconds(120)
    ) -> RouterService<MockClock> {
        let provider = ClosureProvider(
            complete: { _, _ in throw UpstreamFailure(kind: .badResponse, message: "streams only") },
            stream: { _, context in
                let start = clock.now
                let budget = context.timeLeft ?? .seconds(3600)
                try await clock.sleep(until: start.advanced(by: min(startDelay, budget)), tolerance: nil)
                if budget < startDelay { throw UpstreamFailure(kind: .timeout, message: "no first byte before the deadline") }
                return ChatEventStream(SpacedChunks(clock: clock, gap: chunkGap, chunks: ["one", "two", "three"]))
            }
        )
        let route = Route(configuration: ProviderConfiguration(name: "slow", kind: .openai, model: "m"), provider: provider)
        let table = RoutingTable(routes: [route])
        let router = RequestRouter(state: ProviderState(routes: table.specs, clock: clock), clock: clock)
        return RouterService(
            tables: RoutingTableStore(table),
            router: router,
            settings: .init(requestDeadline: deadline, streamKeepAlive: .seconds(10))
        )
    }

    static func session(_ service: RouterService<MockClock>) throws -> StreamSession<MockClock> {
        let request = try ChatRequest(json: Array(#"{"model":"m","stream":true,"messages":[{"role":"user","content":"hi"}]}"#.utf8))
        return StreamSession(service: service, operation: StreamChat(request), model: "m", info: RequestInfo(requestID: "t", logger: Logger(label: "t")))
    }

    /// Lets the session's tasks run until `count` of them sleep on the clock.
    static func waitForSleepers(_ clock: MockClock, _ count: Int) async throws {
        for _ in 0..<100_000 where clock.sleepers < count { await Task.yield() }
        #expect(clock.sleepers >= count, "expected \(count) sleepers, found \(clock.sleepers)")
    }

    @Test func keepAlivesWhileWaitingForTheFirstChunkThenTheStream() async throws {
        let clock = MockClock()
        let session = try Self.session(Self.service(clock: clock, startDelay: .seconds(25)))
        try await Self.waitForSleepers(clock, 2)
        clock.advance(by: .seconds(10))
        #expect(await session.next()?.label == "keep-alive")
        try await Self.waitForSleepers(clock, 2)
        clock.advance(by: .seconds(10))
        #expect(await session.next()?.label == "keep-alive")
        try await Self.waitForSleepers(clock, 2)
        clock.advance(by: .seconds(5))
        var labels: [String] = []
        while let event = await session.next() { labels.append(event.label) }
        #expect(labels == ["routed:slow", "chunk:one", "chunk:two", "chunk:three", "finished"], "no keep-alive while chunks flow")
    }

    @Test func aStreamIdleMidwayGetsAKeepAliveOnlyAfterAWholeInterval() async throws {
        let clock = MockClock()
        let session = try Self.session(Self.service(clock: clock, startDelay: .zero, chunkGap: .seconds(15)))
        #expect(await session.next()?.label == "routed:slow")
        #expect(await session.next()?.label == "chunk:one")
        try await Self.waitForSleepers(clock, 2)
        clock.advance(by: .seconds(9))
        try await Self.waitForSleepers(clock, 2)
        clock.advance(by: .seconds(1))
        #expect(await session.next()?.label == "keep-alive")
        try await Self.waitForSleepers(clock, 2)
        clock.advance(by: .seconds(5))
        #expect(await session.next()?.label == "chunk:two")
    }

    @Test func theRequestDeadlineEndsTheWaitWithKeepAlivesBefore() async throws {
        let clock = MockClock()
        let service = Self.service(clock: clock, startDelay: .seconds(60), deadline: .seconds(25))
        let session = try Self.session(service)
        for _ in 0..<2 {
            try await Self.waitForSleepers(clock, 2)
            clock.advance(by: .seconds(10))
            #expect(await session.next()?.label == "keep-alive")
        }
        try await Self.waitForSleepers(clock, 2)
        clock.advance(by: .seconds(5))
        guard case .routed(let outcome)? = await session.next() else {
            Issue.record("expected the routing outcome at the deadline")
            return
        }
        #expect(service.failure(of: outcome, model: "m").status == 504)
        #expect(service.failure(of: outcome, model: "m").code == "deadline_exceeded")
        #expect(await session.next() == nil)
    }

    @Test func cancellingTheSessionCancelsRoutingAndEndsTheEvents() async throws {
        let clock = MockClock()
        let service = Self.service(clock: clock, startDelay: .seconds(60))
        let session = try Self.session(service)
        try await Self.waitForSleepers(clock, 2)
        session.cancel()
        #expect(await session.next() == nil)
        #expect(service.router.state.snapshot("slow")?.successes == 0)
    }
}

extension StreamSession.Event {
    /// A short name for comparing event sequences.
    var label: String {
        switch self {
        case .routed(let outcome):
            if case .answered(let answer) = outcome { return "routed:\(answer.provider)" }
            if case .expired = outcome { return "routed:expired" }
            return "routed:other"
        case .chunk(let chunk): return "chunk:\(String(buffer: chunk))"
        case .finished: return "finished"
        case .failed: return "failed"
        case .keepAlive: return "keep-alive"
        case .continued(let handover): return "continued:\(handover.route)"
        }
    }
}

/// Chunks `gap` apart on a mock clock.
struct SpacedChunks: AsyncSequence, Sendable {
    let clock: MockClock
    let gap: Duration
    let chunks: [String]

    func makeAsyncIterator() -> Iterator { Iterator(clock: clock, gap: gap, chunks: chunks) }

    struct Iterator: AsyncIteratorProtocol {
        let clock: MockClock
        let gap: Duration
        let chunks: [String]
        var index = 0

        mutating func next() async throws -> ByteBuffer? {
            guard index < chunks.count else { return nil }
            if index > 0, gap > .zero { try await clock.sleep(until: clock.now.advanced(by: gap), tolerance: nil) }
            defer { index += 1 }
            return ByteBuffer(string: chunks[index])
        }
    }
}
