#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import Synchronization

extension ProviderState {
    /// The current state of `route`, or `nil` for an unknown name.
    public func snapshot(_ route: String) -> ProviderHealthSnapshot? {
        let now = clock.now
        let elsewhere = breakersElsewhere(route)
        return table.withLock { table -> ProviderHealthSnapshot? in
            guard let entry = table.route(route) else { return nil }
            let state: ProviderHealthSnapshot.BreakerState
            var nextTrial: Instant?
            switch entry.breaker.state {
            case .closed: state = .closed
            case .open(let until):
                state = .open
                nextTrial = until
            case .halfOpen: state = .halfOpen
            }
            let counts = entry.breaker.windowCounts(now: now)
            let stats = entry.stats
            var snapshot = ProviderHealthSnapshot(
                state: state,
                nextTrialAt: nextTrial.map(wallTime),
                requests: stats.requests,
                successes: stats.successes,
                failures: stats.failuresByKind.values.reduce(0, +),
                failuresByKind: Dictionary(uniqueKeysWithValues: stats.failuresByKind.map { ($0.key.rawValue, $0.value) }),
                consecutiveFailures: entry.breaker.consecutiveFailures,
                window: .init(
                    seconds: entry.breaker.configuration.window.seconds,
                    requests: counts.total,
                    failures: counts.failures,
                    failureRate: counts.total == 0 ? 0 : Double(counts.failures) / Double(counts.total)
                ),
                latencyMilliseconds: .init(
                    ewma: stats.latency.ewmaMilliseconds,
                    p50: stats.latency.percentile(0.5),
                    p95: stats.latency.percentile(0.95)
                ),
                lastError: stats.lastError,
                lastSuccessAt: stats.lastSuccessAt.map(wallTime),
                lastFailureAt: stats.lastFailureAt.map(wallTime)
            )
            snapshot.coolDowns = stats.coolDowns
            for scope in entry.slots.scopes {
                let limit = table.limits[scope.slot]
                guard let until = limit.coolDown.until, now < until else { continue }
                if snapshot.coolDown.map({ $0.until < wallTime(until) }) ?? true {
                    snapshot.coolDown = CoolDownSnapshot(scope: scope.name, until: wallTime(until), reason: limit.coolDown.reason?.label ?? "rate_limited")
                }
            }
            var limits = LimitsSnapshot(scope: entry.spec.limitScope, account: entry.spec.account)
            do {
                var scoped = table.limits[entry.slots.limit]
                if let configured = scoped.quota?.limits {
                    limits.configured = .init(
                        rpm: configured.requestsPerMinute,
                        rpd: configured.requestsPerDay,
                        tpm: configured.tokensPerMinute,
                        tpd: configured.tokensPerDay,
                        maxConcurrency: configured.maxConcurrency
                    )
                    let reset = scoped.nextReset ?? now.advanced(by: .seconds(86_400))
                    limits.used = scoped.quota?.usage(now: now, dailyReset: reset)
                }
                // Headers that describe the whole account were learned on the account's scope.
                var learned = scoped.learned.inForce(now: now)
                if learned.requests == nil, learned.tokens == nil {
                    learned = table.limits[entry.slots.account].learned.inForce(now: now)
                }
                limits.remainingRequests = learned.requests?.remaining
                limits.requestsLimit = learned.requests?.limit
                limits.requestsResetAt = learned.requests.map { wallTime($0.resetAt) }
                if table.peers.count > 1 { limits.shareRequests = learned.requests.map { max($0.allowance, 0) } }
                limits.remainingTokens = learned.tokens?.remaining
                limits.tokensLimit = learned.tokens?.limit
                limits.tokensResetAt = learned.tokens.map { wallTime($0.resetAt) }
            }
            snapshot.limits = limits
            snapshot.key = entry.spec.key
            snapshot.keyPool = keyPool(of: entry, in: table)
            snapshot.elsewhere = elsewhere
            return snapshot
        }
    }
}
