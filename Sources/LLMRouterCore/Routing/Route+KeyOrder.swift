extension Array where Element == Route {
    /// The policy's order with the keys of one entry kept together: where the policy put the
    /// first of an entry's keys, all its keys follow, in key order from that one on. So a 429 on
    /// `groq` is followed by `groq#2` before the next provider, while the policy still decides
    /// which provider (and which key) goes first.
    ///
    /// | policy's order                       | tried                                |
    /// |--------------------------------------|--------------------------------------|
    /// | `groq`, `cerebras`, `groq#2`         | `groq`, `groq#2`, `cerebras`         |
    /// | `groq#2`, `cerebras`, `groq`         | `groq#2`, `groq`, `cerebras`         |
    /// | `cerebras`, `groq#3`, `groq`, `groq#2` | `cerebras`, `groq#3`, `groq`, `groq#2` |
    public func keepingKeysTogether() -> [Route] {
        // Most tables have one key per provider: they pay one scan and no copy.
        guard contains(where: { $0.configuration.keySlot != nil }) else { return self }
        var families: [String: [Route]] = [:]
        for route in self {
            if let slot = route.configuration.keySlot { families[slot.family, default: []].append(route) }
        }
        var ordered: [Route] = []
        ordered.reserveCapacity(count)
        var placed: Set<String> = []
        for route in self {
            guard let slot = route.configuration.keySlot else {
                ordered.append(route)
                continue
            }
            guard placed.insert(slot.family).inserted, let keys = families[slot.family] else { continue }
            let sorted = keys.sorted { ($0.configuration.keySlot?.number ?? 0) < ($1.configuration.keySlot?.number ?? 0) }
            let start = sorted.firstIndex { $0 === route } ?? 0
            ordered += sorted[start...]
            ordered += sorted[..<start]
        }
        return ordered
    }
}

/// A policy's order with the keys of each entry kept together (`keepingKeysTogether()`);
/// ``RoutingTable`` wraps its policies in it when some provider has several keys.
struct KeysTogetherPolicy: RoutingPolicy {
    let base: any RoutingPolicy

    func order(_ candidates: [Route], state: some RouteStateView) -> [Route] {
        base.order(candidates, state: state).keepingKeysTogether()
    }
}
