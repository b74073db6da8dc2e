/// How requests pick and wait for routes (`routing:` in the config file).
public struct RoutingConfiguration: Sendable, Equatable {
    /// The order candidates are tried in. Defaults to ``RoutingPolicyName/priority``.
    public var policy: RoutingPolicyName
    /// Per canonical model overrides of ``policy``.
    public var modelPolicies: [String: RoutingPolicyName]
    /// How long a request may wait for a rate-limited route to reset before it is answered 429.
    /// Defaults to 5 seconds; zero never waits.
    public var maxWait: Duration
    /// How many requests may wait at once; more are answered 429 at once. Defaults to 64.
    public var maxWaiting: Int

    public init(policy: RoutingPolicyName = .priority, modelPolicies: [String: RoutingPolicyName] = [:], maxWait: Duration = .seconds(5), maxWaiting: Int = 64) {
        self.policy = policy
        self.modelPolicies = modelPolicies
        self.maxWait = maxWait
        self.maxWaiting = maxWaiting
    }
}

/// The routing policies `routing.policy` can name.
public enum RoutingPolicyName: String, Sendable, CaseIterable {
    /// Lowest `priority` first; equal priorities take turns.
    case priority
    /// Every route in turn, whatever its priority.
    case roundRobin = "round_robin"
    /// Random order, each route drawn in proportion to its `weight`.
    case weighted
    /// Fastest recent answers (latency EWMA) first, with a little exploration.
    case leastLatency = "least_latency"
    /// The route with the most quota left first.
    case headroom

    public func makePolicy() -> any RoutingPolicy {
        switch self {
        case .priority: PriorityPolicy()
        case .roundRobin: RoundRobinPolicy()
        case .weighted: WeightedPolicy()
        case .leastLatency: LeastLatencyPolicy()
        case .headroom: HeadroomPolicy()
        }
    }
}
