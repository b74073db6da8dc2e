import Foundation
import LLMRouterCore
import LLMRouterTesting
import Logging
import NIOCore
import Synchronization

/// A Core router over scripted providers on a mock clock: no network, no sleeping.
final class RouterHarness: Sendable {
    /// What one scripted call does: answer (with an optional report) or throw.
    typealias Script = @Sendable (_ call: Int, _ now: MockClock.Instant) throws -> UpstreamReport

    let clock = MockClock()
    let state: ProviderState<MockClock>
    let router: RequestRouter<ProviderState<MockClock>, MockClock>
    let table: RoutingTable
    let recorded = Locked<[RequestRecord]>([])
    private let calls: Locked<[String: Int]>

    /// - Parameter routes: name, configuration tweaks and script, in file order; every route
    ///   serves the model `m`.
    init(
        _ routes: [(name: String, configure: @Sendable (inout ProviderConfiguration) -> Void, script: Script)],
        routing: RoutingConfiguration = .init(maxWait: .zero),
        breaker: BreakerConfiguration = .init(failureThreshold: 3, recoveryTime: .seconds(30)),
        wallStart: Date = Date()
    ) {
        let calls = Locked<[String: Int]>([:])
        let clock = self.clock
        var built: [Route] = []
        for route in routes {
            var configuration = ProviderConfiguration(name: route.name, kind: .openrouter, priority: 1, model: "m-\(route.name)", canonicalModel: "m", circuitBreaker: breaker)
            route.configure(&configuration)
            let name = route.name
            let script = route.script
            let provider = ClosureProvider(
                complete: { _, _ in
                    let index = calls.withLock { counts -> Int in
                        counts[name, default: 0] += 1
                        return counts[name] ?? 0
                    }
                    let report = try script(index, clock.now)
                    return ChatCompletion(body: ByteBuffer(string: #"{"answer":"\#(name)"}"#), report: report)
                },
                stream: { _, _ in
                    let index = calls.withLock { counts -> Int in
                        counts[name, default: 0] += 1
                        return counts[name] ?? 0
                    }
                    let report = try script(index, clock.now)
                    // A route whose name ends in `-cut` fails after its first chunk.
                    let rest: [Result<ByteBuffer, UpstreamFailure>] = name.hasSuffix("-cut")
                        ? [.failure(UpstreamFailure(kind: .connection, message: "reset"))]
                        : [.success(ByteBuffer(string: "more")), .success(ByteBuffer(string: #"{"choices":[],"usage":{"prompt_tokens":12,"completion_tokens":34}}"#))]
                    return ChatEventStream(ScriptedChunks(results: [.success(ByteBuffer(string: "chunk-\(name)"))] + rest), report: report)
                }
            )
            // As the registry does with the vendor's default key variable: routes of one kind share an account.
            built.append(Route(configuration: configuration, provider: provider, defaultAPIKeyVariable: "API_KEY"))
        }
        self.calls = calls
        self.table = RoutingTable(routes: built, routing: routing)
        self.state = ProviderState(routes: table.specs, clock: clock, wallClockAtStart: .init(timeIntervalSince1970: 1_750_000_000), jitter: { 0 })
        let recorded = self.recorded
        self.router = RequestRouter(state: state, clock: clock, recorder: ClosureRecorder { record in recorded.withLock { $0.append(record) } }, wallStart: wallStart)
    }

    func calls(_ name: String) -> Int { calls.withLock { $0[name] ?? 0 } }
    var totalCalls: Int { calls.withLock { $0.values.reduce(0, +) } }

    static let request: ChatRequest = {
        do { return try ChatRequest(json: Array(#"{"model":"m","messages":[{"role":"user","content":"hi"}]}"#.utf8)) } catch { fatalError("test request must parse") }
    }()

    /// Routes one complete request.
    func send(_ request: ChatRequest = RouterHarness.request, deadline: Duration = .seconds(120)) async throws -> RoutingOutcome<ChatCompletion> {
        try await router.route(
            CompleteChat(request), model: request.model, table: table, deadline: clock.now.advanced(by: deadline),
            info: RequestInfo(requestID: "test", logger: Logger(label: "test"))
        )
    }

    /// Routes one streamed request, waiting for its first chunk.
    func sendStream() async throws -> RoutingOutcome<PrimedStream> {
        let request = RouterHarness.request
        return try await router.route(
            StreamChat(request), model: "m", table: table, deadline: clock.now.advanced(by: .seconds(120)),
            info: RequestInfo(requestID: "stream", logger: Logger(label: "test"))
        )
    }
}

/// A recorder made of a closure.
struct ClosureRecorder: RequestRecorder {
    let body: @Sendable (RequestRecord) -> Void
    func record(_ record: RequestRecord) { body(record) }
}

extension Array where Element: Sendable {
    /// The elements as an async sequence.
    var async: AsyncStream<Element> {
        AsyncStream { continuation in
            for element in self { continuation.yield(element) }
            continuation.finish()
        }
    }
}

/// Scripts.
enum Scripts {
    static let ok: RouterHarness.Script = { _, _ in UpstreamReport() }
    static func fail(_ kind: FailureKind, status: Int? = nil) -> RouterHarness.Script {
        { _, _ in throw UpstreamFailure(kind: kind, message: "scripted", status: status) }
    }
    static func rateLimited(_ kind: RateLimitKind = .shortWindow, after wait: Duration?, accountWide: Bool = false) -> RouterHarness.Script {
        { _, _ in
            throw UpstreamFailure(kind: .rateLimited, message: "slow down", status: 429, rateLimit: RateLimitSignal(kind: kind, retryAfter: wait, accountWide: accountWide))
        }
    }
    static let none: @Sendable (inout ProviderConfiguration) -> Void = { _ in }
}

extension RoutingOutcome {
    var answeredBy: String? {
        if case .answered(let answer) = self { return answer.provider }
        return nil
    }

    var retryAfter: Duration? {
        if case .rateLimited(let retryAfter, _) = self { return retryAfter }
        return nil
    }
}

/// Chunks and failures in a fixed order, as a scripted upstream stream.
struct ScriptedChunks: AsyncSequence, Sendable {
    let results: [Result<ByteBuffer, UpstreamFailure>]

    func makeAsyncIterator() -> Iterator { Iterator(results: results) }

    struct Iterator: AsyncIteratorProtocol {
        var results: [Result<ByteBuffer, UpstreamFailure>]
        var index = 0

        mutating func next() async throws -> ByteBuffer? {
            guard index < results.count else { return nil }
            defer { index += 1 }
            return try results[index].get()
        }
    }
}
