#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import Synchronization

/// Configured quotas and breaker states crossing router instances. Admission only reads what
/// was applied here under the lock; the shared-state service calls these off the request path.
extension ProviderState: SharedQuotaReceiver {
    /// The shared windows at `now`, by the scope's next daily reset `reset`.
    func quotaWindows(now: Instant, reset: Instant, shape: RateLimitConfiguration.DailyReset) -> QuotaWindows {
        // A rolling day has no fixed window: it is shared as the UTC day.
        QuotaWindows(at: wallTime(now), dayEnd: shape == .rolling ? nil : wallTime(reset))
    }

    public func drainQuotaUsage() -> [SharedQuotaUsage] {
        let now = clock.now
        let wallNow = wallTime(now)
        return table.withLock { table in
            guard table.sharesQuotas else { return [] }
            table.unsentCalls = 0
            table.handOverAsked = false
            var rows: [SharedQuotaUsage] = []
            for (scope, slot) in table.slots {
                guard let quota = table.limits[slot].quota, quota.shared != nil else { continue }
                let shape = table.limits[slot].dailyReset
                let reset = table.limits[slot].nextReset.map(wallTime) ?? DailyResetClock.next(after: wallNow, reset: shape)
                let windows = QuotaWindows(at: wallNow, dayEnd: shape == .rolling ? nil : reset)
                rows += table.limits[slot].quota?.shared?.drain(scope: scope, counters: quota.sharedCounters, windows: windows) ?? []
            }
            return rows
        }
    }

    public func apply(remoteQuota: [SharedQuotaUsage]) {
        guard !remoteQuota.isEmpty else { return }
        table.withLock { table in
            for usage in remoteQuota {
                guard let slot = table.slots[usage.scope], table.limits[slot].quota?.shared != nil else { continue }
                table.limits[slot].quota?.shared?.setOthers(usage.used, counter: usage.counter, window: usage.windowStart)
            }
        }
    }

    /// Turns quota reconciliation on or off: off drops what was counted for it.
    func shareQuotas(_ on: Bool) {
        table.withLock { table in
            table.sharesQuotas = on
            table.unsentCalls = 0
            table.handOverAsked = false
            for slot in table.limits.indices where table.limits[slot].quota != nil {
                table.limits[slot].quota?.shared = on ? SharedQuotaCounts() : nil
            }
        }
    }

    // MARK: Breakers

    /// Every route's breaker state now, for an instance's first publication.
    public func breakerStates() -> [SharedBreakerState] {
        let since = wallAnchor.date
        return table.withLock { table in
            table.routes.map { SharedBreakerState(route: $0.spec.name, state: Self.label(of: $0.breaker.state), since: since) }
        }
    }

    /// Replaces what is known of the other instances' breakers.
    public func apply(remoteBreakers: [String: [RemoteBreakerState]]) {
        elsewhere.withLock { $0 = remoteBreakers.mapValues { $0.sorted { $0.instance < $1.instance } } }
    }

    /// The other instances' breakers on `route`; `nil` when none reported one.
    func breakersElsewhere(_ route: String) -> [RemoteBreakerState]? {
        elsewhere.withLock { $0[route] }
    }

    static func label(of state: CircuitBreaker<Instant>.State) -> String {
        switch state {
        case .closed: "closed"
        case .open: "open"
        case .halfOpen: "half_open"
        }
    }
}
