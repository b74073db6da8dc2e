import Logging
import Metrics

/// Tries candidates in order until one answers: the heart of llmrouter's failover.
///
/// For each candidate it asks ``ProviderHealth`` for a permit (skipping open breakers), calls
/// the attempt closure, and records the outcome. A retryable failure moves on to the next
/// candidate; a client error (the request itself is bad) stops at once because every provider
/// would reject it too. The loop knows nothing about HTTP: the closure does the call.
public struct FailoverLoop<C: Clock>: Sendable where C.Duration == Duration {
    /// When the loop records a success.
    public enum Settlement: Sendable {
        /// As soon as the attempt returns (a complete answer).
        case onReturn
        /// The caller records it later (a stream that may still fail), via ``ProviderHealth``.
        case deferred
    }

    /// How a request ended.
    public enum Outcome<Output: Sendable>: Sendable {
        case answered(Output, provider: String, latency: Duration, attempts: [AttemptRecord])
        /// A provider rejected the request itself; its failure carries the status and body.
        case rejected(UpstreamFailure, provider: String, attempts: [AttemptRecord])
        /// Every candidate failed or was skipped.
        case exhausted(attempts: [AttemptRecord])
        /// The request's deadline passed before a candidate answered.
        case expired(attempts: [AttemptRecord])
    }

    public let health: ProviderHealth<C>
    /// Where attempt and breaker counters go. Defaults to the process-wide metrics system.
    public let metrics: any MetricsFactory

    public init(health: ProviderHealth<C>, metrics: any MetricsFactory = MetricsSystem.factory) {
        self.health = health
        self.metrics = metrics
    }

    /// Runs the candidates in the given order.
    /// - Parameters:
    ///   - candidates: the providers to try, already ordered.
    ///   - name: each candidate's provider name, the key into ``ProviderHealth``.
    ///   - deadline: when the whole request gives up; no attempt starts after it. Providers get it
    ///     too (``ProviderContext``) and bound their own calls by it, so no timer runs per request.
    ///   - settlement: whether a returned attempt counts as a success right away.
    ///   - logger: carries the request id.
    ///   - attempt: calls one provider; throws ``UpstreamFailure`` when it cannot answer.
    /// - Throws: `CancellationError` when the request is cancelled (client gone, deadline).
    public func run<Candidate, Output: Sendable>(
        _ candidates: [Candidate],
        name: (Candidate) -> String,
        deadline: C.Instant? = nil,
        settlement: Settlement = .onReturn,
        logger: Logger,
        attempt: (Candidate) async throws -> Output
    ) async throws -> Outcome<Output> {
        var attempts: [AttemptRecord] = []
        for candidate in candidates {
            try Task.checkCancellation()
            if let deadline, health.clock.now >= deadline { return .expired(attempts: attempts) }
            let provider = name(candidate)
            let (admission, event) = health.admit(provider)
            log(event, provider: provider, logger: logger)
            if case .reject(let reason, _) = admission {
                attempts.append(AttemptRecord(provider: provider, outcome: .skipped(reason: reason)))
                continue
            }
            let started = health.clock.now
            do {
                let output = try await attempt(candidate)
                let latency = started.duration(to: health.clock.now)
                if settlement == .onReturn {
                    log(health.recordSuccess(provider, latency: latency), provider: provider, logger: logger)
                }
                attempts.append(AttemptRecord(provider: provider, outcome: .succeeded, latency: latency))
                count(provider: provider, outcome: "success")
                return .answered(output, provider: provider, latency: latency, attempts: attempts)
            } catch is CancellationError {
                health.release(provider)
                throw CancellationError()
            } catch {
                if Task.isCancelled {
                    health.release(provider)
                    throw CancellationError()
                }
                let failure = Self.failure(from: error)
                let latency = started.duration(to: health.clock.now)
                log(health.recordFailure(provider, failure), provider: provider, logger: logger)
                attempts.append(AttemptRecord(provider: provider, outcome: .failed(failure), latency: latency))
                count(provider: provider, outcome: failure.kind.rawValue)
                logger.debug(
                    "upstream attempt failed",
                    metadata: ["llmrouter.provider": "\(provider)", "llmrouter.failure": "\(failure.kind.rawValue)"]
                )
                if !failure.kind.isRetryable {
                    return .rejected(failure, provider: provider, attempts: attempts)
                }
            }
        }
        if let deadline, health.clock.now >= deadline { return .expired(attempts: attempts) }
        return .exhausted(attempts: attempts)
    }

    private static func failure(from error: any Error) -> UpstreamFailure {
        if let failure = error as? UpstreamFailure { return failure }
        return UpstreamFailure(kind: .serverError, message: "unexpected error: \(type(of: error))")
    }

    /// Counts one attempt: `success`, or the failure kind.
    private func count(provider: String, outcome: String) {
        Counter(label: "llmrouter_upstream_attempts_total", dimensions: [("provider", provider), ("outcome", outcome)], factory: metrics)
            .increment()
    }

    private func log(_ event: ProviderHealth<C>.BreakerEvent?, provider: String, logger: Logger) {
        guard let event else { return }
        switch event {
        case .opened(let retryIn):
            logger.warning(
                "circuit opened",
                metadata: ["llmrouter.provider": "\(provider)", "llmrouter.retry_in_seconds": "\(retryIn.seconds)"]
            )
        case .halfOpened:
            logger.info("circuit half-open, admitting one trial", metadata: ["llmrouter.provider": "\(provider)"])
        case .closed:
            logger.info("circuit closed", metadata: ["llmrouter.provider": "\(provider)"])
        }
        Counter(label: "llmrouter_breaker_transitions_total", dimensions: [("provider", provider), ("to", event.stateName)], factory: metrics)
            .increment()
    }
}

extension ProviderHealth.BreakerEvent {
    var stateName: String {
        switch self {
        case .opened: "open"
        case .halfOpened: "half_open"
        case .closed: "closed"
        }
    }
}
