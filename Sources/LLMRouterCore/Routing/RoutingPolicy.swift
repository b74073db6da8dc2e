import Synchronization

/// Orders the routes that may serve a request; the first is tried first.
///
/// A policy sees the candidates and a read-only view of live state (latency, headroom) and
/// never changes that state: admission decides what may be called, the policy only the order.
public protocol RoutingPolicy: Sendable {
    func order(_ candidates: [Route], state: some RouteStateView) -> [Route]
}

/// What a policy may read of live provider state.
public protocol RouteStateView {
    /// Latency EWMA of recent answers in milliseconds; `nil` before the first.
    func latencyEWMA(_ route: String) -> Double?
    /// Share of the tightest known request limit left (0...1); `nil` when none is known.
    func headroom(_ route: String) -> Double?
}

/// Lowest `priority` first. Routes that share a priority take turns: each request starts the
/// tie group one place further along, so load spreads instead of always hitting the first.
public final class PriorityPolicy: RoutingPolicy {
    private let turn = Atomic<Int>(0)

    public init() {}

    public func order(_ candidates: [Route], state: some RouteStateView) -> [Route] {
        guard candidates.count > 1 else { return candidates }
        let sorted = candidates.enumerated().sorted { ($0.element.configuration.priority, $0.offset) < ($1.element.configuration.priority, $1.offset) }
            .map(\.element)
        let shift = turn.wrappingAdd(1, ordering: .relaxed).oldValue
        var ordered: [Route] = []
        ordered.reserveCapacity(sorted.count)
        var start = 0
        while start < sorted.count {
            var end = start + 1
            while end < sorted.count, sorted[end].configuration.priority == sorted[start].configuration.priority { end += 1 }
            let group = sorted[start..<end]
            let offset = Int(UInt(bitPattern: shift) % UInt(group.count))
            ordered += group.dropFirst(offset)
            ordered += group.prefix(offset)
            start = end
        }
        return ordered
    }
}

/// Every route in turn, whatever its priority.
public final class RoundRobinPolicy: RoutingPolicy {
    private let turn = Atomic<Int>(0)

    public init() {}

    public func order(_ candidates: [Route], state: some RouteStateView) -> [Route] {
        guard candidates.count > 1 else { return candidates }
        let offset = Int(UInt(bitPattern: turn.wrappingAdd(1, ordering: .relaxed).oldValue) % UInt(candidates.count))
        return Array(candidates[offset...] + candidates[..<offset])
    }
}

/// A random order in which each route comes first in proportion to its `weight` (weighted
/// sampling without replacement); a weight of 0 puts a route last.
public struct WeightedPolicy: RoutingPolicy {
    private let random: @Sendable () -> Double

    /// - Parameter random: a number in 0..<1 per draw; injectable for tests.
    public init(random: @escaping @Sendable () -> Double = { Double.random(in: 0..<1) }) {
        self.random = random
    }

    public func order(_ candidates: [Route], state: some RouteStateView) -> [Route] {
        var remaining = candidates
        var ordered: [Route] = []
        ordered.reserveCapacity(candidates.count)
        while !remaining.isEmpty {
            let weights = remaining.map { max($0.configuration.weight, 0) }
            let total = weights.reduce(0, +)
            guard total > 0 else {
                ordered += remaining
                break
            }
            var draw = random() * total
            var pick = remaining.count - 1
            for (index, weight) in weights.enumerated() {
                if draw < weight {
                    pick = index
                    break
                }
                draw -= weight
            }
            ordered.append(remaining.remove(at: pick))
        }
        return ordered
    }
}

/// Fastest recent answers first (latency EWMA; a route never measured counts as fastest, so it
/// gets measured). Now and then (`exploration`) a random route goes first, so a route that was
/// slow and has recovered gets traffic again and its figure catches up.
public struct LeastLatencyPolicy: RoutingPolicy {
    public let exploration: Double
    private let random: @Sendable () -> Double

    public init(exploration: Double = 0.05, random: @escaping @Sendable () -> Double = { Double.random(in: 0..<1) }) {
        self.exploration = exploration
        self.random = random
    }

    public func order(_ candidates: [Route], state: some RouteStateView) -> [Route] {
        guard candidates.count > 1 else { return candidates }
        var ordered = candidates.enumerated()
            .map { (route: $0.element, latency: state.latencyEWMA($0.element.name) ?? 0, position: $0.offset) }
            .sorted { ($0.latency, $0.position) < ($1.latency, $1.position) }
            .map(\.route)
        if random() < exploration {
            let pick = min(Int(random() * Double(ordered.count)), ordered.count - 1)
            ordered.insert(ordered.remove(at: pick), at: 0)
        }
        return ordered
    }
}

/// The route with the most quota left first (configured or learned from headers; unknown
/// counts as full), then by priority.
public struct HeadroomPolicy: RoutingPolicy {
    public init() {}

    public func order(_ candidates: [Route], state: some RouteStateView) -> [Route] {
        guard candidates.count > 1 else { return candidates }
        return candidates.enumerated()
            .map { (route: $0.element, headroom: state.headroom($0.element.name) ?? 1, position: $0.offset) }
            .sorted { ($0.headroom, -$0.route.configuration.priority, -$0.position) > ($1.headroom, -$1.route.configuration.priority, -$1.position) }
            .map(\.route)
    }
}

/// Cheapest first (`policy: cost`), by the estimated cost of a request with three prompt tokens
/// per answer token (the usual chat shape) at the route's price. Free and unpriced routes cost
/// nothing; a paid route of unknown price (`allow_paid` without `price`) comes last. Ties keep
/// priority, then file order.
public struct CostPolicy: RoutingPolicy {
    public init() {}

    public func order(_ candidates: [Route], state: some RouteStateView) -> [Route] {
        guard candidates.count > 1 else { return candidates }
        return candidates.enumerated()
            .map { (route: $0.element, cost: Self.estimatedCost($0.element.configuration), position: $0.offset) }
            .sorted { ($0.cost, $0.route.configuration.priority, $0.position) < ($1.cost, $1.route.configuration.priority, $1.position) }
            .map(\.route)
    }

    /// US dollars per million answer tokens, with three prompt tokens each.
    static func estimatedCost(_ configuration: ProviderConfiguration) -> Double {
        guard let price = configuration.price else { return configuration.allowPaid ? .infinity : 0 }
        return price.inputPerMillion * 3 + price.outputPerMillion
    }
}
