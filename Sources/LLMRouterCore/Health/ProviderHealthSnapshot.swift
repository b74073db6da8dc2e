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
    /// 429s (or 402s) that cooled the route or its pool.
    public var coolDowns: Int = 0
    /// Set while the route, its pool or its account is cooling down.
    public var coolDown: CoolDownSnapshot?
    /// Where the route's limits are kept and what is known of them.
    public var limits: LimitsSnapshot?
    /// The key's short name (`groq#2`) when the route is one of several keys of one entry.
    public var key: String?
    /// Set once the key was found to share its limits with other keys of the entry.
    public var keyPool: KeyPoolSnapshot?
    /// The route's breaker on the other instances sharing this one's database (`nil` alone).
    public var elsewhere: [RemoteBreakerState]?

    enum CodingKeys: String, CodingKey {
        case state, requests, successes, failures, window, limits, key, elsewhere
        case keyPool = "key_pool"
        case coolDowns = "cool_downs"
        case coolDown = "cool_down"
        case nextTrialAt = "next_trial_at"
        case failuresByKind = "failures_by_kind"
        case consecutiveFailures = "consecutive_failures"
        case latencyMilliseconds = "latency_ms"
        case lastError = "last_error"
        case lastSuccessAt = "last_success_at"
        case lastFailureAt = "last_failure_at"
    }
}

/// A cool-down in force, as `/health/providers` shows it (`scope`, `until`, `reason`): the same
/// wall-time shape other instances are told of.
public typealias CoolDownSnapshot = SharedCoolDown

/// Keys of one entry the router treats as one account, because they cooled together on one reset.
public struct KeyPoolSnapshot: Sendable, Encodable, Equatable {
    /// The pooled keys' short names (`groq`, `groq#2`), this route's among them.
    public var keys: [String]
    public var since: Date
    /// The kind of limit they hit together (`rate_limited:short_window`).
    public var reason: String

    public init(keys: [String], since: Date, reason: String) {
        self.keys = keys
        self.since = since
        self.reason = reason
    }
}

/// What is known of a route's limits.
public struct LimitsSnapshot: Sendable, Encodable, Equatable {
    /// The key configured limits are kept under: the route, its account or a pool.
    public var scope: String
    /// The provider account the route belongs to.
    public var account: String
    /// Configured limits (`rate_limit:` or the catalog's); `nil` when none.
    public var configured: Configured?
    /// Calls and tokens counted against the configured limits.
    public var used: QuotaUsage?
    /// What the upstream's last headers said, counted down since; `nil` once past its reset.
    public var remainingRequests: Int?
    /// The request bucket's size, when the headers named it.
    public var requestsLimit: Int?
    public var requestsResetAt: Date?
    /// What this instance may still call of that bucket, when instances sharing state split it.
    public var shareRequests: Int?
    public var remainingTokens: Int?
    public var tokensLimit: Int?
    public var tokensResetAt: Date?

    public struct Configured: Sendable, Encodable, Equatable {
        public var rpm: Int?
        public var rpd: Int?
        public var tpm: Int?
        public var tpd: Int?
        public var maxConcurrency: Int?

        enum CodingKeys: String, CodingKey {
            case rpm, rpd, tpm, tpd
            case maxConcurrency = "max_concurrency"
        }
    }

    enum CodingKeys: String, CodingKey {
        case scope, account, configured, used
        case remainingRequests = "remaining_requests"
        case remainingTokens = "remaining_tokens"
        case requestsResetAt = "requests_reset_at"
        case requestsLimit = "requests_limit"
        case shareRequests = "share_requests"
        case tokensLimit = "tokens_limit"
        case tokensResetAt = "tokens_reset_at"
    }
}
