import LLMRouterCore

/// Breaker overrides as the seed and the index write them (`circuit_breaker:`); absent fields keep
/// the router's defaults.
///
/// Kept apart from ``BreakerConfiguration`` because the index must round-trip exactly what the seed
/// said: a seed that sets only `failure_threshold` should not freeze today's default recovery time
/// into every published index.
public struct CircuitBreakerSettings: Sendable, Equatable {
    /// Consecutive failures that open the breaker (`failure_threshold`, ≥ 1).
    public var failureThreshold: Int?
    /// Seconds an open breaker waits before a trial call (`recovery_time_seconds`, ≥ 0).
    public var recoveryTimeSeconds: Double?
    /// Seconds the failure rate is measured over (`window_seconds`, ≥ 0).
    public var windowSeconds: Double?
    /// Failure rate (0...1) that opens the breaker (`failure_rate_threshold`).
    public var failureRateThreshold: Double?
    /// Fewest calls in the window before the rate counts (`min_requests`, ≥ 1).
    public var minRequests: Int?

    public init(
        failureThreshold: Int? = nil,
        recoveryTimeSeconds: Double? = nil,
        windowSeconds: Double? = nil,
        failureRateThreshold: Double? = nil,
        minRequests: Int? = nil
    ) {
        self.failureThreshold = failureThreshold
        self.recoveryTimeSeconds = recoveryTimeSeconds
        self.windowSeconds = windowSeconds
        self.failureRateThreshold = failureRateThreshold
        self.minRequests = minRequests
    }

    /// The YAML/JSON keys, in the order they are documented.
    static let keys = ["failure_threshold", "recovery_time_seconds", "window_seconds", "failure_rate_threshold", "min_requests"]

    /// These overrides applied on top of `base`.
    public func applied(to base: BreakerConfiguration = .init()) -> BreakerConfiguration {
        var breaker = base
        if let failureThreshold { breaker.failureThreshold = failureThreshold }
        if let recoveryTimeSeconds { breaker.recoveryTime = Self.duration(recoveryTimeSeconds) }
        if let windowSeconds { breaker.window = Self.duration(windowSeconds) }
        if let failureRateThreshold { breaker.failureRateThreshold = failureRateThreshold }
        if let minRequests { breaker.minimumRequests = minRequests }
        return breaker
    }

    private static func duration(_ seconds: Double) -> Duration {
        .milliseconds(Int64((seconds * 1000).rounded()))
    }
}

extension CircuitBreakerSettings {
    /// Checks the ranges the router relies on; returns the offending key and why.
    func violation() -> (key: String, message: String)? {
        if let failureThreshold, failureThreshold < 1 { return ("failure_threshold", "must be ≥ 1, got \(failureThreshold)") }
        if let recoveryTimeSeconds, !(recoveryTimeSeconds >= 0) || !recoveryTimeSeconds.isFinite {
            return ("recovery_time_seconds", "must be a number ≥ 0, got \(recoveryTimeSeconds)")
        }
        if let windowSeconds, !(windowSeconds >= 0) || !windowSeconds.isFinite {
            return ("window_seconds", "must be a number ≥ 0, got \(windowSeconds)")
        }
        if let failureRateThreshold, !(0...1).contains(failureRateThreshold) {
            return ("failure_rate_threshold", "must be between 0 and 1, got \(failureRateThreshold)")
        }
        if let minRequests, minRequests < 1 { return ("min_requests", "must be ≥ 1, got \(minRequests)") }
        return nil
    }
}
