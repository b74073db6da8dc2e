#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import Logging
public import Metrics
import Synchronization

/// The way of one request, with no HTTP in it:
/// resolve the model → ask the policy for an order → admission (breaker, cool-down, quota) →
/// attempt loop, calling each ``Provider`` through the request's ``RouterOperation`` →
/// settlement; and, when every route is rate-limited, wait for the earliest reset or say when
/// to come back.
///
/// One injected clock times everything: admission, cool-downs, waits and latencies, so the
/// timing logic is tested by moving a mock clock.
public final class RequestRouter<Store: ProviderStateStore, C: Clock>: Sendable where C.Instant == Store.Instant, C.Duration == Duration {
    public let state: Store
    public let clock: C
    /// Where attempt, skip, cool-down and breaker counters go.
    public let metrics: any MetricsFactory
    /// Receives every finished request's record.
    public let recorder: (any RequestRecorder)?
    /// The response cache, consulted before routing; `nil` when it is off.
    public let cache: ResponseCache?
    let waitLine: WaitLine
    let counters: RouterCounters
    /// Which route each conversation stays on (`routing.sticky_minutes`).
    let sessions: StickySessions<C.Instant>
    /// The day's spend at route prices, for `budget` and `usd_per_day`.
    let spend = SpendLedger()
    /// The wall time at `clockBase`: cache entries carry wall times (they outlive the process)
    /// but are aged on the router's clock, so a mock clock ages them too.
    private let wallBase: Int64
    private let clockBase: C.Instant

    /// - Parameters:
    ///   - wallStart: the wall time now, so tests pin the dates rules see.
    ///   - stickySessions: the most conversations sticky routing remembers; the least recently
    ///     used is forgotten first. Defaults to 10,000.
    public init(
        state: Store,
        clock: C,
        metrics: any MetricsFactory = MetricsSystem.factory,
        recorder: (any RequestRecorder)? = nil,
        cache: ResponseCache? = nil,
        wallStart: Date = Date(),
        stickySessions: Int = 10_000
    ) {
        self.state = state
        self.clock = clock
        self.metrics = metrics
        self.recorder = recorder
        self.cache = cache.flatMap { $0.settings.isEnabled ? $0 : nil }
        self.waitLine = WaitLine()
        self.counters = RouterCounters(factory: metrics)
        self.sessions = StickySessions(capacity: stickySessions)
        self.wallBase = Int64((wallStart.timeIntervalSince1970 * 1000).rounded())
        self.clockBase = clock.now
    }

    /// Milliseconds since 1970, advanced by the router's clock.
    func wallTime() -> Int64 {
        wallBase + clockBase.duration(to: clock.now).wholeMilliseconds
    }

    /// How many requests are waiting for a rate limit to reset.
    public var waitingRequests: Int { waitLine.count }

    // The server's clock and operations, specialized here: specialized in the server instead, a
    // call left every step below (attempts, provider state, breakers) generic, which cost about
    // 30 µs a request in runtime metadata lookups and unspecialized code.
    /// Routes `operation` over `table`.
    /// - Parameters:
    ///   - model: the model asked for (the default model applied); `nil` serves any. The
    ///     table's `routing.model_map` rewrites it first.
    ///   - deadline: when the request gives up; no attempt or wait runs past it, and providers
    ///     bound their calls by it.
    /// - Returns: the outcome; a streamed answer settles itself when it ends (see ``PrimedStream``).
    /// - Throws: `CancellationError` when the request is cancelled (the client left).
    @_specialize(exported: true, where Store == ProviderState<ContinuousClock>, C == ContinuousClock, Operation == CompleteChat)
    @_specialize(exported: true, where Store == ProviderState<ContinuousClock>, C == ContinuousClock, Operation == StreamChat)
    @_specialize(exported: true, where Store == ProviderState<ContinuousClock>, C == ContinuousClock, Operation == Embed)
    public func route<Operation: RouterOperation>(
        _ operation: Operation,
        model: String?,
        table: RoutingTable,
        deadline: C.Instant,
        info: RequestInfo
    ) async throws -> RoutingOutcome<Operation.Output> {
        typealias Outcome = RoutingOutcome<Operation.Output>
        let arrival = clock.now
        var journey = Journey(arrival: arrival, stream: operation.isStream, model: model, info: info)
        let serving = servingPlan(operation, model: model, table: table, info: info)
        let (served, decision) = (serving.served, serving.decision)
        info.decision?.note(RoutingDecision(rule: decision?.rule, policy: serving.policy, auto: serving.auto?.main.header(answeredBy: nil)))
        if let decision {
            journey.rule = decision.rule
            // Rules come before the cache: a refusal or another model must not be answered from it.
            if let message = decision.deny { return finish(Outcome.denied(rule: decision.rule, message: message), journey: journey) }
        }
        if let refused = serving.refusedModel {
            return finish(Outcome.modelNotAllowed(model: refused, key: info.keyName ?? ""), journey: journey)
        }
        journey.auto = serving.auto?.main
        let indices: [Int]
        switch Self.resolve(serving, kind: operation.routeKind, table: table) {
        case .routes(let found): indices = found
        case .modelNotFound: return finish(Outcome.modelNotFound(served ?? ""), journey: journey)
        case .wrongKind(let other): return finish(Outcome.wrongKind(model: served ?? "", kind: other), journey: journey)
        }
        var plan: CachePlan?
        if let cache, let first = indices.first {
            let canonical = table.routes[first].configuration.canonicalModel ?? served ?? "auto"
            switch try await consultCache(cache, operation: operation, model: canonical, table: table, deadline: deadline, journey: &journey) {
            case .answered(let outcome): return outcome
            case .route(let found): plan = found
            }
        }
        do {
            let outcome = if let auto = serving.auto {
                try await attemptAuto(operation, auto, served: served, table: table, decision: decision, deadline: deadline, journey: journey)
            } else {
                try await attemptRoutes(operation, indices: indices, served: served, table: table, decision: decision, deadline: deadline, journey: journey)
            }
            return cache == nil ? outcome : settleCache(plan, outcome: outcome, operation: operation, verdict: journey.cache)
        } catch {
            // Cancelled: followers go on their own.
            if let plan, let flight = plan.flight { plan.cache.flights.land(plan.key, flight, with: nil) }
            throw error
        }
    }

    /// Candidates, the policy's order, and attempt passes until an answer, a refusal, or the
    /// end of what the request may wait.
    func attemptRoutes<Operation: RouterOperation>(
        _ operation: Operation,
        indices: [Int],
        served: String?,
        table: RoutingTable,
        decision: RuleDecision?,
        deadline: C.Instant,
        journey: Journey<C.Instant>
    ) async throws -> RoutingOutcome<Operation.Output> {
        typealias Outcome = RoutingOutcome<Operation.Output>
        var journey = journey
        let arrival = journey.arrival
        let needs = operation.needs
        journey.estimatedPromptTokens = needs.estimatedPromptTokens
        let found = Self.candidates(indices, table: table, decision: decision, needs: needs)
        var attempts = found.skipped.map { skipped($0.route, reason: $0.reason, label: $0.label) }
        if found.routes.isEmpty, found.incapable {
            return finish(Outcome.unsupported(model: served ?? "", reasons: attempts), journey: journey)
        }
        let policy = decision?.policy.flatMap(table.policy(named:)) ?? table.policy(for: served)
        var order = self.order(found.routes, policy: policy, decision: decision, auto: journey.auto)
        let session = stickySession(operation, info: journey.info, table: table)
        let stuck = session.flatMap { sessions.route(for: $0.key, now: arrival) }
        if let stuck { order = Self.pin(stuck, in: order) }
        let waitUntil = arrival.advanced(by: decision?.maxWait ?? table.routing.maxWait)
        var waited = false
        defer { if waited { waitLine.leave() } }
        while true {
            let pass = try await attemptPass(order, operation: operation, deadline: deadline, journey: &journey, attempts: &attempts, routing: table.routing)
            switch pass {
            case .answered(var answer):
                answer.attempts = attempts
                if let session { answer.sticky = stick(session, stuck: stuck, answeredBy: answer.provider, table: table) }
                if operation.isStream, let stream = answer.output as? PrimedStream {
                    // A stream is settled (and recorded) when it ends.
                    stream.attach(streamSettlement(answer, journey: journey))
                    if table.routing.streamFailover == .continue, let chat = operation as? StreamChat {
                        stream.arm(continuation(chat, answer: answer, order: order, deadline: deadline, journey: journey))
                    }
                    return .answered(answer)
                }
                return finish(.answered(answer), journey: journey)
            case .rejected(let failure, let provider):
                return finish(Outcome.rejected(failure, provider: provider, attempts: attempts), journey: journey)
            case .expired:
                return finish(Outcome.expired(attempts: attempts), journey: journey)
            case .noAnswer(let limited, let earliestLimited, let earliestTrial):
                let now = clock.now
                guard !limited.isEmpty else {
                    return finish(Outcome.exhausted(attempts: attempts, retryAfter: earliestTrial.map { now.duration(to: $0) }), journey: journey)
                }
                // Nothing answers now, but some route resets soon: wait for it when the reset
                // falls within both the request's deadline and the configured wait.
                let resume = earliestLimited ?? now.advanced(by: .seconds(1))
                if resume <= deadline, resume <= waitUntil, waited || waitLine.enter(capacity: table.routing.maxWaiting) {
                    waited = true
                    journey.info.logger.debug("waiting for a rate limit to reset", metadata: ["llmrouter.wait_ms": "\(now.duration(to: resume).milliseconds)"])
                    try await clock.sleep(until: resume, tolerance: nil)
                    // The next pass looks at these again: a skip it records supersedes this
                    // pass's, so a long wait does not pile up one record per look.
                    let retried = Set(limited.map(\.name))
                    attempts.removeAll { !$0.wasCalled && retried.contains($0.provider) }
                    order = limited
                    continue
                }
                return finish(Outcome.rateLimited(retryAfter: max(now.duration(to: resume), .seconds(1)), attempts: attempts), journey: journey)
            }
        }
    }

    /// Records an outcome that ended inside the router and hands it back.
    private func finish<Output>(_ outcome: RoutingOutcome<Output>, journey: Journey<C.Instant>) -> RoutingOutcome<Output> {
        record(outcome, journey: journey)
        return outcome
    }
}

/// Bounds how many requests wait for a rate limit to reset at once.
final class WaitLine: Sendable {
    private let waiting = Atomic<Int>(0)

    /// Takes a place if fewer than `capacity` are waiting.
    func enter(capacity: Int) -> Bool {
        while true {
            let current = waiting.load(ordering: .relaxed)
            guard current < capacity else { return false }
            if waiting.compareExchange(expected: current, desired: current + 1, ordering: .relaxed).exchanged { return true }
        }
    }

    func leave() {
        waiting.subtract(1, ordering: .relaxed)
    }

    var count: Int { waiting.load(ordering: .relaxed) }
}
