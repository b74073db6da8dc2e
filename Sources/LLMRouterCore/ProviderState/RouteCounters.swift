/// A route's running statistics for `/health/providers` and the `least_latency` policy.
struct RouteCounters<Instant: InstantProtocol>: Sendable where Instant.Duration == Duration {
    var requests = 0
    var successes = 0
    var failuresByKind: [FailureKind: Int] = [:]
    /// 429s (or 402s) that cooled the route or its pool.
    var coolDowns = 0
    var latency = LatencyStats()
    var lastError: String?
    var lastSuccessAt: Instant?
    var lastFailureAt: Instant?

    mutating func recordSuccess(latency: Duration, now: Instant) {
        successes += 1
        self.latency.record(latency)
        lastSuccessAt = now
    }

    mutating func recordFailure(_ kind: FailureKind, message: String?, now: Instant) {
        failuresByKind[kind, default: 0] += 1
        lastError = message
        lastFailureAt = now
    }
}

/// The seam between the router and where provider state lives.
///
/// ``ProviderState`` keeps it in process. A store shared by several router instances
/// (PostgreSQL, Redis) would implement the same surface over wall-clock instants, answering
/// from a local copy it reconciles in the background: admission sits on every request's path
/// and must cost a lock and a few comparisons, never a network round trip. The router only
/// admits, settles and reads these views.
public protocol ProviderStateStore: RouteStateView, Sendable {
    associatedtype Instant: InstantProtocol where Instant.Duration == Duration

    /// Asks whether `route` may be called now; `true` in the success means a breaker trial.
    func admit(_ route: String) -> (RouteAdmission<Instant>, [RouteStateEvent<Instant>])
    /// What ``admit(_:)`` would answer now, counting nothing and changing nothing (explain).
    func peek(_ route: String) -> RouteAdmission<Instant>
    /// Records how an admitted call ended.
    @discardableResult
    func settle(_ route: String, _ outcome: RouteCallOutcome) -> [RouteStateEvent<Instant>]
    /// Adopts a new route list, keeping the state of unchanged routes.
    func replaceRoutes(_ routes: [RouteSpec])
}

/// How a call that was admitted ended.
public enum RouteCallOutcome: Sendable {
    /// It answered; `tokens` is prompt + completion, counted or estimated.
    case answered(latency: Duration, report: UpstreamReport, tokens: Int)
    case failed(UpstreamFailure, latency: Duration)
    /// No outcome: the client left or the request was cancelled.
    case abandoned
}
