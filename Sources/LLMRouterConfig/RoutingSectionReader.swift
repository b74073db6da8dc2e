import LLMRouterCore
import Yams

/// Reads the optional top-level `routing:` section:
///
/// ```yaml
/// routing:
///   policy: priority            # priority | round_robin | weighted | least_latency | headroom
///   max_wait_seconds: 5         # wait this long at most for a rate limit to reset, else 429
///   max_waiting: 64             # requests that may wait at once
///   models:
///     llama-3.3-70b: {policy: least_latency, hedge_after_ms: 800}
///   hedge_after_ms: 1500        # no first byte by then: call the next route too (off by default)
///   model_map:                  # requested name (glob) → model served, first match wins
///     "claude-*haiku*": llama-3.1-8b
///     "claude-*": auto
///   rules: [...]                # see RoutingRulesReader
///   sticky_minutes: 30          # a conversation stays on the route that answered it (0: off)
///   stream_failover: continue   # error (default) | continue: a broken stream goes on elsewhere
///   auto: {code: [kimi-k2], cascade: true}   # see AutoSectionReader
/// ```
struct RoutingSectionReader {
    static let knownKeys: Set<String> = [
        "policy", "max_wait_seconds", "max_waiting", "models", "model_map", "rules", "sticky_minutes", "hedge_after_ms", "stream_failover", "auto",
    ]

    let file: String
    private(set) var warnings: [ConfigurationWarning] = []

    init(file: String) {
        self.file = file
    }

    mutating func read(_ node: Node) throws(ConfigurationError) -> RoutingConfiguration {
        guard let map = node.mapping else { throw error("routing", "must be a mapping (policy, max_wait_seconds, max_waiting, models)") }
        for key in map.keys.compactMap(\.string) where !Self.knownKeys.contains(key) {
            warnings.append(ConfigurationWarning(file: file, provider: nil, message: "unknown key 'routing.\(key)' ignored"))
        }
        var routing = RoutingConfiguration()
        if let policy = map["policy"] { routing.policy = try self.policy(policy, field: "routing.policy") }
        if let node = map["max_wait_seconds"] {
            guard let value = node.float ?? node.int.map(Double.init), value.isFinite, value >= 0 else {
                throw error("routing.max_wait_seconds", "must be a number of seconds ≥ 0")
            }
            routing.maxWait = .milliseconds(Int64((value * 1000).rounded()))
        }
        if let node = map["max_waiting"] {
            guard let value = node.int, value >= 0 else { throw error("routing.max_waiting", "must be a whole number ≥ 0") }
            routing.maxWaiting = value
        }
        if let node = map["models"] {
            guard let models = node.mapping else { throw error("routing.models", "must map model names to {policy: ..., hedge_after_ms: ...}") }
            for (key, value) in models {
                guard let name = key.string, !name.isEmpty else { throw error("routing.models", "model names must be strings") }
                let policy = value.mapping?["policy"]
                let hedge = value.mapping?["hedge_after_ms"]
                guard policy != nil || hedge != nil else { throw error("routing.models.\(name)", "needs a policy or hedge_after_ms") }
                if let policy { routing.modelPolicies[name] = try self.policy(policy, field: "routing.models.\(name).policy") }
                if let hedge { routing.hedging.models[name] = try milliseconds(hedge, field: "routing.models.\(name).hedge_after_ms") }
            }
        }
        if let node = map["model_map"], !node.isNull {
            guard let entries = node.mapping else { throw error("routing.model_map", "must map name patterns to model names") }
            for (key, value) in entries {
                guard let pattern = key.string?.trimmingWhitespace(), !pattern.isEmpty else {
                    throw error("routing.model_map", "patterns must be non-empty strings")
                }
                guard let target = value.string?.trimmingWhitespace(), !target.isEmpty else {
                    throw error("routing.model_map.\(pattern)", "must name a model (or auto)")
                }
                routing.modelMap.append(ModelMapping(pattern: pattern, target: target))
            }
        }
        if let node = map["sticky_minutes"] {
            guard let value = node.float ?? node.int.map(Double.init), value.isFinite, value >= 0 else {
                throw error("routing.sticky_minutes", "must be a number of minutes ≥ 0 (0 turns sticky sessions off)")
            }
            routing.stickyFor = .milliseconds(Int64((value * 60_000).rounded()))
        }
        if let node = map["hedge_after_ms"] {
            let delay = try milliseconds(node, field: "routing.hedge_after_ms")
            routing.hedging.after = delay > .zero ? delay : nil
        }
        if let node = map["stream_failover"], !node.isNull {
            let names = StreamFailover.allCases.map(\.rawValue).joined(separator: " or ")
            guard let text = node.string, let mode = StreamFailover(rawValue: text.trimmingWhitespace().lowercased()) else {
                throw error("routing.stream_failover", "must be \(names)")
            }
            routing.streamFailover = mode
        }
        if let node = map["rules"], !node.isNull {
            routing.rules = try RoutingRulesReader(file: file).read(node)
        }
        if let node = map["auto"], !node.isNull {
            routing.auto = try AutoSectionReader(file: file).read(node)
        }
        return routing
    }

    /// A hedge delay: whole milliseconds ≥ 0, zero being off.
    private func milliseconds(_ node: Node, field: String) throws(ConfigurationError) -> Duration {
        guard let value = node.int, value >= 0 else { throw error(field, "must be a whole number of milliseconds ≥ 0 (0 turns hedging off)") }
        return .milliseconds(value)
    }

    private func policy(_ node: Node, field: String) throws(ConfigurationError) -> RoutingPolicyName {
        let names = RoutingPolicyName.allCases.map(\.rawValue).joined(separator: ", ")
        guard let text = node.string, let policy = RoutingPolicyName(rawValue: text.trimmingWhitespace().lowercased()) else {
            throw error(field, "unknown policy; expected one of \(names)")
        }
        return policy
    }

    private func error(_ field: String, _ message: String) -> ConfigurationError {
        ConfigurationError(file: file, provider: nil, field: field, message: message)
    }
}
