/// Several keys of one entry: a cool-down a key's call started is shown to ``KeyPools``, and
/// once keys are pooled it is copied onto the same scope of every pooled key's route.
extension ProviderState {
    /// Runs after a multi-key route's call settled, with the events the call caused; appends the
    /// pool formed (if any) and the cool-downs copied to the route's pooled siblings.
    func shareCoolDowns(of routeIndex: Int, family: String, events: inout [RouteStateEvent<Instant>], table: inout Table, now: Instant) {
        let route = table.routes[routeIndex]
        let started: [(scope: String, until: Instant, reason: String)] = events.compactMap { event in
            if case .coolDownStarted(let scope, let until, let reason) = event { (scope, until, reason) } else { nil }
        }
        let siblings = table.families[family] ?? []
        for cooled in started {
            guard let slot = route.slots.scopes.first(where: { $0.name == cooled.scope })?.slot,
                let reason = table.limits[slot].coolDown.reason
            else { continue }
            // Only an announced reset says something about the account: a backoff after a 429
            // that named none, or an upstream's own congestion (every key of a model meets it),
            // would pool keys that merely were refused at the same moment.
            let announced = table.limits[slot].coolDown.unannouncedStrikes == 0 && reason != .rateLimited(.upstreamCongestion)
            if announced,
                case .pooled(let pool) = table.pools.coolDownStarted(key: route.spec.account, family: family, reason: cooled.reason, until: cooled.until, now: now)
            {
                let names = siblings.compactMap { index in
                    pool.keys.contains(table.routes[index].spec.account) ? table.routes[index].spec.key : nil
                }
                events.append(.keysPooled(keys: names, reason: pool.reason))
            }
            for sibling in siblings where sibling != routeIndex {
                let other = table.routes[sibling]
                guard table.pools.sharesLimits(route.spec.account, other.spec.account),
                    let target = route.slots.counterpart(of: slot, in: other.slots), target != slot
                else { continue }
                let before = table.limits[target].coolDown.until
                let until = table.limits[target].coolDown.hold(until: cooled.until, reason: reason)
                if until != before {
                    events.append(.coolDownStarted(scope: other.slots.name(target), until: until, reason: cooled.reason))
                }
            }
        }
    }

    /// The keys `route` shares its limits with (its own short name included), when its key is
    /// pooled with others of its entry; `nil` otherwise. For `/health/providers`.
    func keyPool(of entry: RouteEntry, in table: Table) -> KeyPoolSnapshot? {
        guard let family = entry.spec.family, let pool = table.pools.pool(of: entry.spec.account) else { return nil }
        let names = (table.families[family] ?? []).compactMap { index in
            pool.keys.contains(table.routes[index].spec.account) ? table.routes[index].spec.key : nil
        }
        guard names.count > 1 else { return nil }
        return KeyPoolSnapshot(keys: names, since: wallTime(pool.since), reason: pool.reason)
    }
}
