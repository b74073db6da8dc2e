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
        attempts: inout [AttemptRecord]
    ) async throws -> Pass<Operation.Output> {
        var limited: [Route] = []
        var earliestLimited: C.Instant?
        var earliestTrial: C.Instant?
        let logger = journey.info.logger
        for route in order {
            try Task.checkCancellation()
            if clock.now >= deadline { return .expired }
            guard let provider = route.provider else { continue }
            let (admission, admitEvents) = state.admit(route.name)
            handle(admitEvents, route: route.name, logger: logger)
            if case .skipped(let skip) = admission {
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
                    limited.append(route)
                    earliestLimited = Self.earliest(earliestLimited, skip.resumeAt)
                } else if skip.cause == .breakerOpen {
                    earliestTrial = Self.earliest(earliestTrial, skip.resumeAt)
                }
                continue
            }
            let started = clock.now
            let context = ProviderContext(
                providerName: route.name,
                upstreamModel: route.configuration.model,
                timeLeft: started.duration(to: deadline),
                logger: logger,
                eventLoop: journey.info.eventLoop
            )
            journey.calls += 1
            do {
                let output = try await operation.call(provider, context: context)
                let latency = started.duration(to: clock.now)
                journey.upstreamTime += latency
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
                    handle(state.settle(route.name, .answered(latency: latency, report: answerReport, tokens: tokens.prompt + tokens.completion)), route: route.name, logger: logger)
                }
                return .answered(answer)
            } catch {
                if error is CancellationError || Task.isCancelled {
                    state.settle(route.name, .abandoned)
                    throw CancellationError()
                }
                let failure = (error as? UpstreamFailure) ?? UpstreamFailure(kind: .serverError, message: "unexpected error: \(type(of: error))")
                let now = clock.now
                let latency = started.duration(to: now)
                journey.upstreamTime += latency
                let events = state.settle(route.name, .failed(failure, latency: latency))
                handle(events, route: route.name, logger: logger)
                count("llmrouter_upstream_attempts_total", provider: route.name, ("outcome", failure.kind.rawValue))
                logger.debug("upstream attempt failed", metadata: ["llmrouter.provider": "\(route.name)", "llmrouter.failure": "\(failure.kind.rawValue)"])
                var resumeAt: C.Instant?
                if failure.kind == .rateLimited {
                    resumeAt = Self.coolDownEnd(events) ?? failure.retryAfter.map { now.advanced(by: $0) }
                    limited.append(route)
                    earliestLimited = Self.earliest(earliestLimited, resumeAt ?? now.advanced(by: .seconds(1)))
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
                if !failure.kind.isRetryable { return .rejected(failure, provider: route.name) }
            }
        }
        if clock.now >= deadline { return .expired }
        return .noAnswer(limited: limited, earliestLimited: earliestLimited, earliestTrial: earliestTrial)
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
