#if canImport(FoundationEssentials)
public import FoundationEssentials
#else
public import Foundation
#endif
public import LLMRouterCore

/// `GET /dashboard/api/summary`.
public struct DashboardSummary: Encodable, Sendable, Equatable {
    public struct Bucket: Encodable, Sendable, Equatable {
        public var minute: Date
        public var requests: Int
        public var errors: Int
        public var failovers: Int
        public var latencyP50Ms: Double?
        public var latencyP95Ms: Double?
        public var ttftP50Ms: Double?
        public var ttftP95Ms: Double?
        /// Requests per ``ChoiceLabel`` in the minute (`rule:NAME`, `auto:TIER`); only those seen.
        public var choices: [String: Int] = [:]

        enum CodingKeys: String, CodingKey {
            case minute, requests, errors, failovers, choices
            case latencyP50Ms = "latency_p50_ms"
            case latencyP95Ms = "latency_p95_ms"
            case ttftP50Ms = "ttft_p50_ms"
            case ttftP95Ms = "ttft_p95_ms"
        }
    }

    public var now: Date
    /// Requests since the server started.
    public var totalRequests: Int
    public var requestsLastHour: Int
    /// Over the last 60 seconds (the previous minute's share estimated evenly).
    public var requestsPerSecond: Double
    public var errorRate: Double
    public var failoverRate: Double
    /// Answers from the response cache in the last hour, and their share of the requests.
    public var cacheHitsLastHour: Int
    public var cacheHitRate: Double
    /// Requests in the last hour per API: every known endpoint (0 when unused), plus `other`
    /// when a request named one the dashboard does not know.
    public var requestsByEndpoint: [String: Int]
    /// Requests in the last hour per route that answered them (cache hits excluded): each
    /// route's share of the traffic.
    public var requestsByRoute: [String: Int] = [:]
    /// Requests in the last hour per ``ChoiceLabel``.
    public var choicesLastHour: [String: Int] = [:]
    public var buckets: [Bucket]

    enum CodingKeys: String, CodingKey {
        case now, buckets
        case totalRequests = "total_requests"
        case requestsLastHour = "requests_last_hour"
        case requestsPerSecond = "requests_per_second"
        case errorRate = "error_rate"
        case failoverRate = "failover_rate"
        case cacheHitsLastHour = "cache_hits_last_hour"
        case cacheHitRate = "cache_hit_rate"
        case requestsByEndpoint = "requests_by_endpoint"
        case requestsByRoute = "requests_by_route"
        case choicesLastHour = "choices_last_hour"
    }
}

/// What decided a request, as the dashboard counts it per minute: `rule:NAME` for the routing
/// rule that matched, `auto:TIER` for the tier a smart `auto` chose. A request may carry both
/// or neither.
public enum ChoiceLabel {
    public static func labels(_ record: RequestRecord) -> [String] {
        let (rule, tier) = choices(record)
        return [rule.map { "rule:" + $0 }, tier.map { "auto:" + $0 }].compactMap { $0 }
    }

    /// The rule and the tier `record` counts for, as they are: every request counts them, and
    /// its labels are only built when the dashboard asks.
    static func choices(_ record: RequestRecord) -> (rule: String?, tier: String?) {
        guard let tier = record.autoTier else { return (record.rule, nil) }
        // A cascade's discarded step (`cascade_*`) is the same request as the step that answered.
        return (record.rule, record.errorCode?.hasPrefix("cascade_") == true ? nil : tier)
    }

    /// Counts by rule and by tier as counts by label; each one's `other` stays `other`.
    static func labels(rules: [String: Int], tiers: [String: Int]) -> [String: Int] {
        var labels: [String: Int] = [:]
        for (prefix, counts) in [("rule:", rules), ("auto:", tiers)] {
            for (name, count) in counts {
                labels[name == RecentRequests.otherLabel ? name : prefix + name, default: 0] += count
            }
        }
        return labels
    }
}
