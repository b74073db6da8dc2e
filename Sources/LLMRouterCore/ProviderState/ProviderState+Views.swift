import Synchronization

/// What routing policies read of the provider state: latency and headroom.
extension ProviderState {
    /// The route's latency EWMA in milliseconds; `nil` before its first answer.
    public func latencyEWMA(_ route: String) -> Double? {
        table.withLock { $0.route(route)?.stats.latency.ewmaMilliseconds }
    }

    /// Share of the route's tightest known request limit left (0...1); `nil` when none is known.
    public func headroom(_ route: String) -> Double? {
        let now = clock.now
        return table.withLock { table in
            guard let scopes = table.route(route)?.slots.scopes else { return nil }
            var shares: [Double] = []
            for scope in scopes {
                if let share = table.limits[scope.slot].learned.requestHeadroom { shares.append(share) }
                if table.limits[scope.slot].quota != nil {
                    let reset = dailyReset(&table.limits[scope.slot], now: now)
                    if let share = table.limits[scope.slot].quota?.headroom(now: now, dailyReset: reset) { shares.append(share) }
                }
            }
            return shares.min()
        }
    }
}
