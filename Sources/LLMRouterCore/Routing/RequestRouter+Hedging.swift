import Logging

/// Hedging (`routing.hedge_after_ms`): a route that has not sent its first byte (a complete
/// answer, a stream's first chunk) by the hedge delay gets company: the next admissible route is
/// called too, the first answer wins and the other call is cancelled. Both calls were admitted,
/// so both count against their quotas; the loser is settled as abandoned (no breaker failure)
/// and recorded as `cancelled`.
///
/// The race is a task group owned by the pass: the calls and the hedge timer are its children
/// and only return results, so admission, settlement and records stay in the pass, in order.
extension RequestRouter {
    /// What a child of the race reports.
    enum RaceEvent<Output: Sendable>: Sendable {
        case finished(CallResult<Output>)
        /// The hedge delay passed on the router's clock.
        case hedgeDue
        /// The timer was cancelled: the race ended first.
        case timerStopped
    }

    /// The hedge delay for a call to `route`, or `nil` when the call is not hedged: hedging is
    /// off for its model, the request is for embeddings (vectors of two calls are never raced),
    /// or no other route is left to start.
    func hedgeDelay<Operation: RouterOperation>(_ operation: Operation, route: Route, remaining: ArraySlice<Route>, hedging: Hedging) -> Duration? {
        guard hedging.isConfigured, operation.routeKind != .embeddings else { return nil }
        guard let delay = hedging.delay(for: route.configuration.publicModelName) else { return nil }
        return remaining.contains { $0.isEnabled } ? delay : nil
    }

    /// Calls `route`, and the next admissible route of `remaining` too when no answer came
    /// within `hedgeAfter`; returns the first answer (or how both failed), the other cancelled.
    func hedgedCall<Operation: RouterOperation>(
        _ operation: Operation,
        route: Route,
        provider: any Provider,
        hedgeAfter: Duration,
        remaining: inout ArraySlice<Route>,
        deadline: C.Instant,
        journey: inout Journey<C.Instant>,
        attempts: inout [AttemptRecord],
        tally: inout PassTally
    ) async throws -> Settled<Operation.Output> {
        let clock = self.clock
        let info = journey.info
        let hedgeAt = clock.now.advanced(by: hedgeAfter)
        // The group's body cannot throw: a cancellation comes out as a failure, thrown after.
        let race: Result<Settled<Operation.Output>, any Error> = await withTaskGroup(of: RaceEvent<Operation.Output>.self) { group in
            journey.calls += 1
            group.addTask { .finished(await self.timedCall(operation, route: route, provider: provider, deadline: deadline, info: info)) }
            group.addTask {
                do {
                    try await clock.sleep(until: hedgeAt, tolerance: nil)
                    return .hedgeDue
                } catch {
                    return .timerStopped
                }
            }
            var inFlight = 1
            var hedge: Route?
            while let event = await group.next() {
                switch event {
                case .timerStopped:
                    continue
                case .hedgeDue:
                    guard inFlight > 0, hedge == nil, !Task.isCancelled, clock.now < deadline else { continue }
                    while let next = remaining.popFirst() {
                        guard let nextProvider = next.provider, admit(next, tally: &tally, attempts: &attempts, info: info) else { continue }
                        hedge = next
                        inFlight += 1
                        journey.calls += 1
                        count("llmrouter_hedges_total", route: route.name, ("hedge", next.name))
                        info.logger.debug("no first byte yet: hedging", metadata: ["llmrouter.provider": "\(route.name)", "llmrouter.hedge": "\(next.name)"])
                        group.addTask { .finished(await self.timedCall(operation, route: next, provider: nextProvider, deadline: deadline, info: info)) }
                        break
                    }
                case .finished(let call):
                    inFlight -= 1
                    let settled: Settled<Operation.Output>
                    do {
                        settled = try settle(call, operation: operation, journey: &journey, attempts: &attempts, tally: &tally)
                    } catch {
                        group.cancelAll()
                        await settleLosers(of: &group, reason: nil, journey: &journey, attempts: &attempts)
                        return .failure(error)
                    }
                    // A failure while the other call runs: it may still answer.
                    if case .retry = settled, inFlight > 0 { continue }
                    group.cancelAll()
                    switch settled {
                    case .answered(var answer):
                        await settleLosers(of: &group, reason: "hedged: \(answer.provider) answered first", journey: &journey, attempts: &attempts)
                        answer.hedged = hedge != nil
                        return .success(.answered(answer))
                    case .rejected(_, let provider):
                        await settleLosers(of: &group, reason: "\(provider) rejected the request", journey: &journey, attempts: &attempts)
                        return .success(settled)
                    case .retry:
                        await settleLosers(of: &group, reason: nil, journey: &journey, attempts: &attempts)
                        return .success(settled)
                    }
                }
            }
            return .success(.retry)
        }
        return try race.get()
    }

    /// Waits for the cancelled children and settles the calls among them: abandoned for the
    /// route's state (it was admitted: its quota stays spent) and, with a `reason`, recorded as
    /// cancelled; without one (the request itself was cancelled) only settled.
    private func settleLosers<Output>(
        of group: inout TaskGroup<RaceEvent<Output>>,
        reason: String?,
        journey: inout Journey<C.Instant>,
        attempts: inout [AttemptRecord]
    ) async {
        while let event = await group.next() {
            guard case .finished(let call) = event else { continue }
            // A loser that answered anyway: its stream is let go, never relayed.
            if case .success(let output) = call.result, let stream = output as? PrimedStream { stream.abandon() }
            state.settle(call.route.name, .abandoned)
            journey.upstreamTime += call.latency
            // The upstream read the prompt: a paid loser's prompt is spent.
            recordSpend(call.route.configuration.price, promptTokens: journey.estimatedPromptTokens, completionTokens: 0, key: journey.info.keyName)
            guard let reason else { continue }
            count("llmrouter_upstream_attempts_total", provider: call.route.name, ("outcome", "cancelled"))
            attempts.append(AttemptRecord(provider: call.route.name, outcome: .cancelled(reason: reason), latency: call.latency, upstreamModel: call.route.configuration.model))
        }
    }
}

/// `routing.hedge_after_ms` and its per-model overrides (`routing.models.NAME.hedge_after_ms`).
public struct Hedging: Sendable, Equatable {
    /// How long a call may go without its first byte before the next route is started too;
    /// `nil` never hedges. Defaults to `nil`.
    public var after: Duration?
    /// Per canonical model overrides of ``after``; zero turns hedging off for that model.
    public var models: [String: Duration] {
        didSet { normalizedModels = Self.normalize(models) }
    }

    private var normalizedModels: [String: Duration]

    public init(after: Duration? = nil, models: [String: Duration] = [:]) {
        self.after = after
        self.models = models
        self.normalizedModels = Self.normalize(models)
    }

    /// Whether any model is hedged; routing without hedging pays only this check.
    public var isConfigured: Bool { after != nil || !normalizedModels.isEmpty }

    /// The delay for `model` (a canonical name); `nil` when its calls are not hedged.
    public func delay(for model: String?) -> Duration? {
        let delay = model.flatMap { normalizedModels.isEmpty ? nil : normalizedModels[ModelName.normalize($0)] } ?? after
        guard let delay, delay > .zero else { return nil }
        return delay
    }

    private static func normalize(_ models: [String: Duration]) -> [String: Duration] {
        Dictionary(models.map { (ModelName.normalize($0.key), $0.value) }, uniquingKeysWith: { first, _ in first })
    }
}
