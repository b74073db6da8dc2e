#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import Logging

/// One pass over the ordered routes: admission, the call, and what each attempt left behind.
extension RequestRouter {
    /// What one pass over the routes came to.
    enum Pass<Output: Sendable> {
        case answered(RoutedAnswer<Output>)
        case rejected(UpstreamFailure, provider: String)
        case expired
        /// Nobody answered; `limited` are the routes held back by rate limits (to try again
        /// after a wait), with the earliest instant one of them resets, and the earliest
        /// instant an open breaker admits a trial.
        case noAnswer(limited: [Route], earliestLimited: C.Instant?, earliestTrial: C.Instant?)
    }

    func attemptPass<Operation: RouterOperation>(
        _ order: [Route],
        operation: Operation,
        deadline: C.Instant,
        journey: inout Journey<C.Instant>,
        attempts: inout [AttemptRecord],
        routing: RoutingConfiguration = .init()
    ) async throws -> Pass<Operation.Output> {
        var tally = PassTally(budget: routing.budgetUSDPerDay, keyBudget: journey.info.keyBudgetUSDPerDay)
        var remaining = order[...]
        while let route = remaining.popFirst() {
            try Task.checkCancellation()
            if clock.now >= deadline { return .expired }
            guard let provider = route.provider, admit(route, tally: &tally, attempts: &attempts, info: journey.info) else { continue }
            let settled: Settled<Operation.Output>
            if let hedgeAfter = hedgeDelay(operation, route: route, remaining: remaining, hedging: routing.hedging) {
                settled = try await hedgedCall(
                    operation, route: route, provider: provider, hedgeAfter: hedgeAfter, remaining: &remaining,
                    deadline: deadline, journey: &journey, attempts: &attempts, tally: &tally
                )
            } else {
                journey.calls += 1
                let call = await timedCall(operation, route: route, provider: provider, deadline: deadline, info: journey.info)
                settled = try settle(call, operation: operation, journey: &journey, attempts: &attempts, tally: &tally)
            }
            switch settled {
            case .answered(let answer): return .answered(answer)
            case .rejected(let failure, let provider): return .rejected(failure, provider: provider)
            case .retry: continue
            }
        }
        if clock.now >= deadline { return .expired }
        return .noAnswer(limited: tally.limited, earliestLimited: tally.earliestLimited, earliestTrial: tally.earliestTrial)
    }

    /// What a pass has learned of the routes held back, for the wait after it, and the day's
    /// budgets paid routes are held to.
    struct PassTally {
        let budget: Double?
        let keyBudget: Double?
        var limited: [Route] = []
        var earliestLimited: C.Instant?
        var earliestTrial: C.Instant?
    }

    /// How one settled call leaves the pass.
    enum Settled<Output: Sendable> {
        case answered(RoutedAnswer<Output>)
        case rejected(UpstreamFailure, provider: String)
        /// A retryable failure: on to the next route.
        case retry
    }

    /// One call's result, timed on the router's clock; settled by the pass, never by the call.
    struct CallResult<Output: Sendable>: Sendable {
        let route: Route
        let result: Result<Output, any Error>
        let latency: Duration
    }

    /// Admission for `route`: `true` when it may be called; a skip is recorded and tallied.
    func admit(_ route: Route, tally: inout PassTally, attempts: inout [AttemptRecord], info: RequestInfo) -> Bool {
        let logger = info.logger
        if let reason = budgetSkip(route, budget: tally.budget, keyBudget: tally.keyBudget, key: info.keyName) {
            attempts.append(skipped(route, reason: reason, label: "budget"))
            return false
        }
        let (admission, admitEvents) = state.admit(route.name)
        handle(admitEvents, route: route.name, logger: logger)
        guard case .skipped(let skip) = admission else { return true }
        let now = clock.now
        attempts.append(
            AttemptRecord(
                provider: route.name,
                outcome: .skipped(reason: skip.reason),
                upstreamModel: route.configuration.model,
                resumeIn: skip.resumeAt.map { now.duration(to: $0) },
                rateLimited: skip.isRateLimit
            )
        )
        count("llmrouter_route_skips_total", route: route.name, ("reason", skip.label))
        if skip.isRateLimit {
            tally.limited.append(route)
            tally.earliestLimited = Self.earliest(tally.earliestLimited, skip.resumeAt)
        } else if skip.cause == .breakerOpen {
            tally.earliestTrial = Self.earliest(tally.earliestTrial, skip.resumeAt)
        }
        return false
    }

    /// Calls an admitted route; never throws: a failure or a cancellation is its result.
    func timedCall<Operation: RouterOperation>(
        _ operation: Operation,
        route: Route,
        provider: any Provider,
        deadline: C.Instant,
        info: RequestInfo
    ) async -> CallResult<Operation.Output> {
        let started = clock.now
        let context = ProviderContext(
            providerName: route.name,
            upstreamModel: route.configuration.model,
            timeLeft: started.duration(to: deadline),
            logger: info.logger,
            eventLoop: info.eventLoop
        )
        let result: Result<Operation.Output, any Error>
        do {
            result = .success(try await operation.call(provider, context: context))
        } catch {
            result = .failure(error)
        }
        return CallResult(route: route, result: result, latency: started.duration(to: clock.now))
    }

    /// Settles a finished call: the route's state, the attempt, the counters; an answer becomes
    /// the request's. Throws `CancellationError` when the call was cancelled with the request.
    func settle<Operation: RouterOperation>(
        _ call: CallResult<Operation.Output>,
        operation: Operation,
        journey: inout Journey<C.Instant>,
        attempts: inout [AttemptRecord],
        tally: inout PassTally
    ) throws -> Settled<Operation.Output> {
        let route = call.route
        let latency = call.latency
        let logger = journey.info.logger
        journey.upstreamTime += latency
        switch call.result {
        case .success(let output):
            let answerReport = operation.report(of: output)
            attempts.append(AttemptRecord(provider: route.name, outcome: .succeeded, latency: latency, upstreamModel: route.configuration.model))
            count("llmrouter_upstream_attempts_total", provider: route.name, ("outcome", "success"))
            let answer = RoutedAnswer(
                output: output,
                provider: route.name,
                upstreamModel: route.configuration.model,
                price: route.configuration.price,
                latency: latency,
                attempts: [],
                report: answerReport
            )
            journey.firstToken = clock.now
            // A stream is settled when it ends, through the handle `route` attaches.
            if !journey.stream {
                let tokens = Self.tokens(answerReport, estimatedPrompt: journey.estimatedPromptTokens)
                journey.promptTokens = tokens.prompt
                journey.completionTokens = tokens.completion
                recordSpend(route.configuration.price, promptTokens: tokens.prompt, completionTokens: tokens.completion, key: journey.info.keyName)
                handle(state.settle(route.name, .answered(latency: latency, report: answerReport, tokens: tokens.prompt + tokens.completion)), route: route.name, logger: logger)
            }
            return .answered(answer)
        case .failure(let error):
            if error is CancellationError || Task.isCancelled {
                state.settle(route.name, .abandoned)
                throw CancellationError()
            }
            let failure = (error as? UpstreamFailure) ?? UpstreamFailure(kind: .serverError, message: "unexpected error: \(type(of: error))")
            let now = clock.now
            let events = state.settle(route.name, .failed(failure, latency: latency))
            handle(events, route: route.name, logger: logger)
            count("llmrouter_upstream_attempts_total", provider: route.name, ("outcome", failure.kind.rawValue))
            logger.debug("upstream attempt failed", metadata: ["llmrouter.provider": "\(route.name)", "llmrouter.failure": "\(failure.kind.rawValue)"])
            var resumeAt: C.Instant?
            if failure.kind == .rateLimited {
                resumeAt = Self.coolDownEnd(events) ?? failure.retryAfter.map { now.advanced(by: $0) }
                tally.limited.append(route)
                tally.earliestLimited = Self.earliest(tally.earliestLimited, resumeAt ?? now.advanced(by: .seconds(1)))
            }
            attempts.append(
                AttemptRecord(
                    provider: route.name,
                    outcome: .failed(failure),
                    latency: latency,
                    upstreamModel: route.configuration.model,
                    resumeIn: resumeAt.map { now.duration(to: $0) },
                    rateLimited: failure.kind == .rateLimited
                )
            )
            return failure.kind.isRetryable ? .retry : .rejected(failure, provider: route.name)
        }
    }

    func skipped(_ route: Route, reason: String, label: String) -> AttemptRecord {
        count("llmrouter_route_skips_total", route: route.name, ("reason", label))
        return AttemptRecord(provider: route.name, outcome: .skipped(reason: reason), upstreamModel: route.configuration.model)
    }

    private static func earliest(_ current: C.Instant?, _ candidate: C.Instant?) -> C.Instant? {
        guard let candidate else { return current }
        guard let current else { return candidate }
        return min(current, candidate)
    }

    private static func coolDownEnd(_ events: [RouteStateEvent<C.Instant>]) -> C.Instant? {
        for event in events {
            if case .coolDownStarted(_, let until, _) = event { return until }
        }
        return nil
    }

    /// Prompt and completion tokens of an answer: as the upstream counted them, the prompt
    /// estimated (four bytes a token) when it did not say.
    static func tokens(_ report: UpstreamReport, estimatedPrompt: Int) -> (prompt: Int, completion: Int) {
        (report.promptTokens ?? estimatedPrompt, report.completionTokens ?? 0)
    }
}
