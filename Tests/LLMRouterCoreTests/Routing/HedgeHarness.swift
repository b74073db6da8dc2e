import Foundation
import LLMRouterCore
import LLMRouterTesting
import Logging
import NIOCore
import Synchronization
import Testing

/// A Core router over providers that take a set time (on the mock clock) before their first
/// byte, for hedging races; every route serves the model `m` (or the embedding model `e`).
final class HedgeHarness: Sendable {
    let clock = MockClock()
    let state: ProviderState<MockClock>
    let router: RequestRouter<ProviderState<MockClock>, MockClock>
    let table: RoutingTable
    let recorded = Locked<[RequestRecord]>([])
    private let callCounts = Locked<[String: Int]>([:])
    private let cancellations = Locked<[String]>([])

    /// - Parameters:
    ///   - routes: name and time to the first byte, in priority order.
    ///   - limitFirst, limitSecond: requests a day the first or second route takes.
    init(
        _ routes: [(name: String, latency: Duration)],
        hedgeAfter: Duration?,
        kind: RouteKind = .chat,
        limitFirst: Int? = nil,
        limitSecond: Int? = nil
    ) {
        let clock = self.clock
        let counts = callCounts
        let cancellations = cancellations
        var built: [Route] = []
        for (position, route) in routes.enumerated() {
            var configuration = ProviderConfiguration(
                name: route.name, kind: .openrouter, routeKind: kind, priority: position + 1,
                model: "up-\(route.name)", canonicalModel: kind == .embeddings ? "e" : "m"
            )
            let limit = position == 0 ? limitFirst : (position == 1 ? limitSecond : nil)
            if let limit { configuration.rateLimit = RateLimitConfiguration(requestsPerDay: limit) }
            let name = route.name
            let latency = route.latency
            // Waits `latency` on the mock clock; a cancellation is noted and thrown on.
            let firstByte: @Sendable () async throws -> Void = {
                counts.withLock { $0[name, default: 0] += 1 }
                do {
                    try await clock.sleep(until: clock.now.advanced(by: latency), tolerance: nil)
                } catch {
                    cancellations.withLock { $0.append(name) }
                    throw error
                }
            }
            let provider = ClosureProvider(
                complete: { _, _ in
                    try await firstByte()
                    return ChatCompletion(body: ByteBuffer(string: #"{"answer":"\#(name)"}"#))
                },
                stream: { _, _ in
                    // Accepted at once; the wait is for the first chunk.
                    ChatEventStream(SlowFirstChunk(name: name, before: firstByte))
                },
                embed: { _, _ in
                    try await firstByte()
                    return EmbeddingsAnswer(body: ByteBuffer(string: #"{"data":[]}"#))
                }
            )
            built.append(Route(configuration: configuration, provider: provider, defaultAPIKeyVariable: "KEY_\(name)"))
        }
        var routing = RoutingConfiguration(maxWait: .zero)
        routing.hedging = Hedging(after: hedgeAfter)
        self.table = RoutingTable(routes: built, routing: routing)
        self.state = ProviderState(routes: table.specs, clock: clock, wallClockAtStart: .init(timeIntervalSince1970: 1_750_000_000), jitter: { 0 })
        let recorded = self.recorded
        self.router = RequestRouter(state: state, clock: clock, recorder: ClosureRecorder { record in recorded.withLock { $0.append(record) } })
    }

    func calls(_ name: String) -> Int { callCounts.withLock { $0[name] ?? 0 } }
    var totalCalls: Int { callCounts.withLock { $0.values.reduce(0, +) } }
    var cancelled: [String] { cancellations.withLock { $0 } }

    /// Yields until `sleepers` tasks sleep on the clock and `calls` calls were made: the race is
    /// then where the test expects it before the clock moves.
    /// Gives up (recording an issue) after a million yields rather than hang.
    func waitFor(sleepers: Int, calls: Int, sourceLocation: SourceLocation = #_sourceLocation) async {
        for _ in 0..<1_000_000 {
            if clock.sleepers == sleepers, totalCalls == calls { return }
            await Task.yield()
        }
        Issue.record("never reached \(sleepers) sleepers and \(calls) calls (at \(clock.sleepers), \(totalCalls))", sourceLocation: sourceLocation)
    }

    func send() async throws -> RoutingOutcome<ChatCompletion> {
        try await router.route(CompleteChat(RouterHarness.request), model: "m", table: table, deadline: clock.now.advanced(by: .seconds(120)), info: info)
    }

    func sendStream() async throws -> RoutingOutcome<PrimedStream> {
        try await router.route(StreamChat(RouterHarness.request), model: "m", table: table, deadline: clock.now.advanced(by: .seconds(120)), info: info)
    }

    func embed() async throws -> RoutingOutcome<EmbeddingsAnswer> {
        let request = try EmbeddingsRequest(json: Array(#"{"model":"e","input":"hello"}"#.utf8))
        return try await router.route(Embed(request), model: "e", table: table, deadline: clock.now.advanced(by: .seconds(120)), info: info)
    }

    private var info: RequestInfo { RequestInfo(requestID: "hedge", logger: Logger(label: "test")) }
}

/// A stream whose first chunk comes after `before` returns, then two more chunks.
struct SlowFirstChunk: AsyncSequence, Sendable {
    let name: String
    let before: @Sendable () async throws -> Void

    func makeAsyncIterator() -> Iterator { Iterator(name: name, before: before) }

    struct Iterator: AsyncIteratorProtocol {
        let name: String
        let before: @Sendable () async throws -> Void
        var sent = 0

        mutating func next() async throws -> ByteBuffer? {
            defer { sent += 1 }
            switch sent {
            case 0:
                try await before()
                return ByteBuffer(string: "chunk-\(name)")
            case 1: return ByteBuffer(string: "more")
            default: return nil
            }
        }
    }
}
