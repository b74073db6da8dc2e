#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import LLMRouterCore
import Prometheus
import Synchronization

/// Per-route gauges read from the provider state when `/metrics` is scraped, so a dashboard
/// sees breakers, cool-downs and quota headroom without the request path paying for them.
///
/// | metric | labels | value |
/// |---|---|---|
/// | `llmrouter_route_breaker_state` | `route` | 0 closed, 1 half-open, 2 open |
/// | `llmrouter_route_cooldown_seconds` | `route` | seconds until the route's cool-down ends (0 when none) |
/// | `llmrouter_route_remaining_requests` | `route` | what the upstream's headers said is left, counted down since (-1 unknown) |
/// | `llmrouter_route_quota_used` | `route`, `limit` (`rpm`, `rpd`, `tpm`, `tpd`) | calls or tokens counted against a configured limit |
/// | `llmrouter_route_quota_limit` | `route`, `limit` | the configured limit |
/// | `llmrouter_spend_usd` | `key` | US dollars spent on paid routes today (UTC), per access key (`-`: none) |
final class RouteStateGauges: Sendable {
    let registry: PrometheusCollectorRegistry
    /// Keys with a spend gauge, to zero them on a new day.
    private let spendKeys = Mutex<Set<String>>([])

    init(registry: PrometheusCollectorRegistry) {
        self.registry = registry
    }

    private static func name(_ metric: String, _ unit: String, _ help: String) -> MetricNameDescriptor {
        MetricNameDescriptor(namespace: "llmrouter", subsystem: "route", metricName: metric, unitName: unit, helpText: help)
    }

    private static var breaker: MetricNameDescriptor { name("breaker", "state", "Circuit breaker per route: 0 closed, 1 half-open, 2 open.") }
    private static var coolDown: MetricNameDescriptor { name("cooldown", "seconds", "Seconds until the route's rate-limit cool-down ends.") }
    private static var remaining: MetricNameDescriptor { name("remaining", "requests", "Requests left by the upstream's headers, counted down locally; -1 unknown.") }
    private static var quotaLimit: MetricNameDescriptor { name("quota", "limit", "A configured limit of the route.") }
    private static var quotaUsed: MetricNameDescriptor { name("quota", "used", "Calls or tokens counted against a configured limit.") }

    func update<AppClock: Clock>(table: RoutingTable, state: ProviderState<AppClock>, now: Date = Date()) where AppClock.Duration == Duration {
        for route in table.routes {
            guard let snapshot = state.snapshot(route.name) else { continue }
            let labels = [("route", route.name)]
            let breaker: Double = switch snapshot.state {
            case .closed: 0
            case .halfOpen: 1
            case .open: 2
            }
            registry.makeGauge(descriptor: Self.breaker, labels: labels).set(breaker)
            let coolDown = snapshot.coolDown.map { max($0.until.timeIntervalSince(now), 0) } ?? 0
            registry.makeGauge(descriptor: Self.coolDown, labels: labels).set(coolDown)
            registry.makeGauge(descriptor: Self.remaining, labels: labels).set(Double(snapshot.limits?.remainingRequests ?? -1))
            guard let configured = snapshot.limits?.configured, let used = snapshot.limits?.used else { continue }
            for (limit, value, count) in [
                ("rpm", configured.rpm, used.requestsLastMinute), ("rpd", configured.rpd, used.requestsToday),
                ("tpm", configured.tpm, used.tokensLastMinute), ("tpd", configured.tpd, used.tokensToday),
            ] {
                guard let value else { continue }
                let limitLabels = labels + [("limit", limit)]
                registry.makeGauge(descriptor: Self.quotaLimit, labels: limitLabels).set(Double(value))
                registry.makeGauge(descriptor: Self.quotaUsed, labels: limitLabels).set(Double(count ?? 0))
            }
        }
    }

    private static var spend: MetricNameDescriptor {
        MetricNameDescriptor(namespace: "llmrouter", metricName: "spend", unitName: "usd", helpText: "US dollars spent on paid routes today (UTC), per access key.")
    }

    /// Today's spend per key; a key that spent yesterday but not yet today reads 0.
    func updateSpend(_ spent: [String: Double]) {
        for (key, usd) in spent { registry.makeGauge(descriptor: Self.spend, labels: [("key", key)]).set(usd) }
        spendKeys.withLock { known in
            for key in known.subtracting(spent.keys) { registry.makeGauge(descriptor: Self.spend, labels: [("key", key)]).set(Double(0)) }
            known.formUnion(spent.keys)
        }
    }
}
