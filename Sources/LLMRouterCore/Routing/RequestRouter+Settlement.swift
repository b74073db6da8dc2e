#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import Logging
import Metrics

/// What happened to one request on its way through the router, gathered for its record.
struct Journey<Instant: InstantProtocol>: Sendable where Instant.Duration == Duration {
    let arrival: Instant
    let stream: Bool
    let model: String?
    let info: RequestInfo
    /// Four bytes of request body a token, for answers that report no usage.
    var estimatedPromptTokens = 0
    var calls = 0
    var upstreamTime: Duration = .zero
    var firstToken: Instant?
    var promptTokens: Int?
    var completionTokens: Int?
    var cache: CacheVerdict?
    /// The routing rule that decided, for the record.
    var rule: String?
    /// Chunks a broken stream sent before another route continued it (`stream_failover`).
    var carriedCompletionTokens = 0
    /// What `auto` chose, when the request asked for any model.
    var auto: AutoChoice?
    /// Keeps the record instead of sending it: a cascade decides what it says once both steps ran.
    var held: HeldRecord?

    init(arrival: Instant, stream: Bool, model: String?, info: RequestInfo) {
        self.arrival = arrival
        self.stream = stream
        self.model = model
        self.info = info
    }
}

extension RequestRouter {
    /// The handle a stream's relay reports its end to: settles the route (breaker, quota,
    /// tokens), logs and counts what that changed, and records the request.
    func streamSettlement<Output>(_ answer: RoutedAnswer<Output>, journey: Journey<C.Instant>) -> StreamSettlement {
        let state = self.state
        let clock = self.clock
        let router = self
        let route = answer.provider
        let firstChunkLatency = answer.latency
        let headReport = answer.report
        let price = answer.price
        return StreamSettlement { end in
            var journey = journey
            let now = clock.now
            // The upstream was busy from the call to the stream's end.
            journey.upstreamTime += journey.firstToken.map { $0.duration(to: now) } ?? .zero
            var status = 200
            var errorCode: String?
            switch end {
            case .finished(let prompt, let completion, let chunks):
                journey.promptTokens = prompt ?? journey.estimatedPromptTokens
                journey.completionTokens = (completion ?? chunks) + journey.carriedCompletionTokens
                let tokens = (journey.promptTokens ?? 0) + (journey.completionTokens ?? 0)
                router.handle(state.settle(route, .answered(latency: firstChunkLatency, report: headReport, tokens: tokens)), route: route, logger: journey.info.logger)
            case .failed(let failure, let chunks):
                journey.completionTokens = chunks + journey.carriedCompletionTokens
                errorCode = "upstream_stream_failed"
                router.handle(state.settle(route, .failed(failure, latency: firstChunkLatency)), route: route, logger: journey.info.logger)
                router.count("llmrouter_upstream_attempts_total", provider: route, ("outcome", failure.kind.rawValue))
            case .abandoned(let chunks):
                journey.completionTokens = chunks + journey.carriedCompletionTokens
                status = 499
                errorCode = "client_closed_request"
                state.settle(route, .abandoned)
            }
            var record = router.baseRecord(journey: journey, status: status, errorCode: errorCode, now: now)
            record.provider = route
            record.upstreamModel = answer.upstreamModel
            record.attempts = answer.attempts.map(Self.recordAttempt)
            record.estimatedCostUSD = price.map { $0.cost(promptTokens: record.promptTokens ?? 0, completionTokens: record.completionTokens ?? 0) }
            router.recordSpend(price, promptTokens: record.promptTokens ?? 0, completionTokens: record.completionTokens ?? 0, key: journey.info.keyName)
            router.recorder?.record(record)
        }
    }

    /// Records a request that ended inside the router (everything but a running stream); its
    /// status and error code come from the one outcome table, ``RoutingOutcome/failure(model:deadline:)``.
    func record<Output>(_ outcome: RoutingOutcome<Output>, journey: Journey<C.Instant>) {
        guard recorder != nil else { return }
        if let held = journey.held { return held.keep(makeRecord(outcome, journey: journey)) }
        recorder?.record(makeRecord(outcome, journey: journey))
    }

    func makeRecord<Output>(_ outcome: RoutingOutcome<Output>, journey: Journey<C.Instant>) -> RequestRecord {
        let now = clock.now
        var record: RequestRecord
        if case .answered(let answer) = outcome {
            record = baseRecord(journey: journey, status: 200, errorCode: nil, now: now)
            record.provider = answer.provider
            record.upstreamModel = answer.upstreamModel
            record.estimatedCostUSD = answer.price.map { $0.cost(promptTokens: record.promptTokens ?? 0, completionTokens: record.completionTokens ?? 0) }
        } else {
            let failure = outcome.failure(model: journey.model, deadline: .zero)
            record = baseRecord(journey: journey, status: failure?.status ?? 502, errorCode: failure?.code, now: now)
            record.provider = failure?.provider
        }
        record.attempts = outcome.attempts.map(Self.recordAttempt)
        return record
    }

    func baseRecord(journey: Journey<C.Instant>, status: Int, errorCode: String?, now: C.Instant) -> RequestRecord {
        RequestRecord(
            startedAt: journey.info.startedAt,
            requestID: journey.info.requestID,
            keyName: journey.info.keyName,
            requestedModel: journey.model,
            endpoint: journey.info.endpoint,
            stream: journey.stream,
            status: status,
            errorCode: errorCode,
            latency: journey.arrival.duration(to: now),
            upstreamLatency: journey.calls > 0 ? journey.upstreamTime : nil,
            timeToFirstToken: journey.firstToken.map { journey.arrival.duration(to: $0) },
            promptTokens: journey.promptTokens,
            completionTokens: journey.completionTokens,
            cacheHit: journey.cache?.age != nil,
            cache: journey.cache?.recordValue,
            rule: journey.rule,
            autoTier: journey.auto?.tier.rawValue
        )
    }

    static func recordAttempt(_ attempt: AttemptRecord) -> RequestRecord.Attempt {
        let skipReason: String? = if case .skipped(let reason) = attempt.outcome { reason } else { nil }
        return RequestRecord.Attempt(
            provider: attempt.provider,
            upstreamModel: attempt.upstreamModel,
            outcome: attempt.outcomeLabel,
            skipReason: skipReason,
            latency: attempt.latency
        )
    }

    /// Logs and counts state changes: breaker transitions and cool-downs.
    func handle(_ events: [RouteStateEvent<C.Instant>], route: String, logger: Logger) {
        guard !events.isEmpty else { return }
        let now = clock.now
        for event in events {
            switch event {
            case .breakerOpened(let retryIn):
                logger.warning("circuit opened", metadata: ["llmrouter.provider": "\(route)", "llmrouter.retry_in_seconds": "\(retryIn.seconds)"])
                count("llmrouter_breaker_transitions_total", provider: route, ("to", "open"))
            case .breakerHalfOpened:
                logger.info("circuit half-open, admitting one trial", metadata: ["llmrouter.provider": "\(route)"])
                count("llmrouter_breaker_transitions_total", provider: route, ("to", "half_open"))
            case .breakerClosed:
                logger.info("circuit closed", metadata: ["llmrouter.provider": "\(route)"])
                count("llmrouter_breaker_transitions_total", provider: route, ("to", "closed"))
            case .coolDownStarted(let scope, let until, let reason):
                logger.info(
                    "cool-down started",
                    metadata: [
                        "llmrouter.provider": "\(route)", "llmrouter.scope": "\(scope)", "llmrouter.reason": "\(reason)",
                        "llmrouter.retry_in_seconds": "\(now.duration(to: until).seconds)",
                    ]
                )
                count("llmrouter_cooldowns_total", route: route, ("reason", reason))
            case .coolDownEnded(let scope):
                logger.info("cool-down ended", metadata: ["llmrouter.provider": "\(route)", "llmrouter.scope": "\(scope)"])
            case .keysPooled(let keys, let reason):
                logger.notice(
                    "keys share their limits: pooled",
                    metadata: ["llmrouter.provider": "\(route)", "llmrouter.keys": "\(keys.joined(separator: ","))", "llmrouter.reason": "\(reason)"]
                )
                count("llmrouter_key_pools_total", route: route, ("reason", reason))
            }
        }
    }

    func count(_ label: String, provider: String, _ dimension: (String, String)) {
        counters.increment(label, ("provider", provider), dimension)
    }

    func count(_ label: String, route: String, _ dimension: (String, String)) {
        counters.increment(label, ("route", route), dimension)
    }
}
