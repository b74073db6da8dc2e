#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// One provider's health as `/health/providers` reports it.
public struct ProviderHealthSnapshot: Sendable, Encodable, Equatable {
    public enum BreakerState: String, Sendable, Encodable {
        case closed
        case open
        case halfOpen = "half_open"
    }

    public struct Window: Sendable, Encodable, Equatable {
        public var seconds: Double
        public var requests: Int
        public var failures: Int
        public var failureRate: Double

        enum CodingKeys: String, CodingKey {
            case seconds, requests, failures
            case failureRate = "failure_rate"
        }
    }

    public struct Latency: Sendable, Encodable, Equatable {
        public var ewma: Double?
        public var p50: Double?
        public var p95: Double?
    }

    public var state: BreakerState
    /// Set while the breaker is open: when it will admit its next trial.
    public var nextTrialAt: Date?
    public var requests: Int
    public var successes: Int
    public var failures: Int
    public var failuresByKind: [String: Int]
    public var consecutiveFailures: Int
    public var window: Window
    public var latencyMilliseconds: Latency
    /// The last failure's message, already redacted.
    public var lastError: String?
    public var lastSuccessAt: Date?
    public var lastFailureAt: Date?

    enum CodingKeys: String, CodingKey {
        case state, requests, successes, failures, window
        case nextTrialAt = "next_trial_at"
        case failuresByKind = "failures_by_kind"
        case consecutiveFailures = "consecutive_failures"
        case latencyMilliseconds = "latency_ms"
        case lastError = "last_error"
        case lastSuccessAt = "last_success_at"
        case lastFailureAt = "last_failure_at"
    }
}
