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
    /// Requested names rewritten before resolution, first match wins (`routing.model_map`), so
    /// a tool that asks for models by its own names (Claude Code's `claude-sonnet-4-5-…`) works
    /// with one setting. Defaults to none.
    public var modelMap: [ModelMapping]
    /// `routing.rules:`, tried in order before routing; the first that matches decides.
    public var rules: [RoutingRule] = []
    /// `routing.sticky_minutes`: how long a conversation stays on the route that answered it
    /// since its last answer, while that route is admissible. Defaults to zero: off.
    public var stickyFor: Duration = .zero
    /// `routing.hedge_after_ms` and per model `routing.models.NAME.hedge_after_ms`. Defaults to off.
    public var hedging = Hedging()
    /// The top-level `budget: {usd_per_day: N}`: paid routes are skipped once the day's spend
    /// at route prices reaches it. Defaults to `nil`: no budget.
    public var budgetUSDPerDay: Double?
    /// `routing.stream_failover`: what a stream that breaks after its first chunk does.
    /// Defaults to ``StreamFailover/error``.
    public var streamFailover: StreamFailover = .error
    /// `routing.auto:`, how `model: auto` picks a model (tiers, their models, cascade).
    public var auto = AutoSettings()

    public init(
        policy: RoutingPolicyName = .priority,
        modelPolicies: [String: RoutingPolicyName] = [:],
        maxWait: Duration = .seconds(5),
        maxWaiting: Int = 64,
        modelMap: [ModelMapping] = []
    ) {
        self.policy = policy
        self.modelPolicies = modelPolicies
        self.maxWait = maxWait
        self.maxWaiting = maxWaiting
        self.modelMap = modelMap
    }

    /// The name `requested` is served as: the target of the first mapping whose pattern
    /// matches it, or `requested` itself. A target of `auto` serves any model.
    public func mappedModel(_ requested: String?) -> String? {
        guard let requested, !modelMap.isEmpty else { return requested }
        return modelMap.first { $0.matches(requested) }?.target ?? requested
    }
}

/// One `routing.model_map` entry: a glob (`*` any run of characters, `?` one; case-insensitive)
/// and the model it is served as.
public struct ModelMapping: Sendable, Equatable {
    public var pattern: String
    public var target: String

    public init(pattern: String, target: String) {
        self.pattern = pattern
        self.target = target
    }

    public func matches(_ name: String) -> Bool {
        Glob.matches(Array(pattern.lowercased().utf8), Array(name.lowercased().utf8))
    }
}

/// Glob matching with `*` and `?`, iterative with one backtrack point (no exponential cases).
enum Glob {
    static func matches(_ pattern: [UInt8], _ text: [UInt8]) -> Bool {
        pattern.withUnsafeBufferPointer { pattern in text.withUnsafeBufferPointer { matches(pattern, $0, foldCase: false) } }
    }

    /// `foldCase` lower-cases ASCII letters of `text` (the pattern is lower-cased already).
    static func matches(_ pattern: UnsafeBufferPointer<UInt8>, _ text: UnsafeBufferPointer<UInt8>, foldCase: Bool) -> Bool {
        var p = 0, t = 0
        var star: Int?, resume = 0
        while t < text.count {
            var byte = text[t]
            if foldCase, byte >= UInt8(ascii: "A"), byte <= UInt8(ascii: "Z") { byte += 32 }
            if p < pattern.count, pattern[p] == UInt8(ascii: "?") || pattern[p] == byte {
                p += 1; t += 1
            } else if p < pattern.count, pattern[p] == UInt8(ascii: "*") {
                star = p; resume = t; p += 1
            } else if let star {
                p = star + 1; resume += 1; t = resume
            } else {
                return false
            }
        }
        while p < pattern.count, pattern[p] == UInt8(ascii: "*") { p += 1 }
        return p == pattern.count
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
    /// Cheapest first by estimated cost at route prices; free routes cost nothing.
    case cost

    public func makePolicy() -> any RoutingPolicy {
        switch self {
        case .priority: PriorityPolicy()
        case .roundRobin: RoundRobinPolicy()
        case .weighted: WeightedPolicy()
        case .leastLatency: LeastLatencyPolicy()
        case .headroom: HeadroomPolicy()
        case .cost: CostPolicy()
        }
    }
}
