import Synchronization

/// Everything needed to route a request, built once per configuration and never mutated.
///
/// A reload or catalog refresh builds a new table and swaps it into ``RoutingTableStore``;
/// requests already running keep the table they started with. A class: every request and each
/// pass of its routing holds it by one reference, where a struct copy retained each member
/// (a profile put those copies at about 1% of a proxied request's CPU).
public final class RoutingTable: Sendable {
    public let routes: [Route]
    public let resolver: ModelResolver
    public let routing: RoutingConfiguration
    /// The policy for each canonical model with an override, by normalised name.
    private let policies: [String: any RoutingPolicy]
    private let defaultPolicy: any RoutingPolicy
    private let policyNames: [String: RoutingPolicyName]
    /// `routing.rules` then the code's own, in the order they are tried; empty costs nothing.
    public let rules: [any RequestRule]
    /// `routing.rules` as they are tried (the code's rules after them are tried as they are).
    private let program: RuleProgram
    /// Each of `routing.rules`' decisions, named: what the program's match returns as it is.
    private let decisions: [RuleDecision]
    /// One policy per name for rules' `then.policy`, kept with the table so stateful policies
    /// (round robin) keep their turn; empty without rules.
    private let namedPolicies: [RoutingPolicyName: any RoutingPolicy]
    /// How `model: auto` picks a model: tiers, their models, the classifier.
    public let auto: AutoRouting
    /// The request headers the rules read (lower-cased, each once); `nil` with code rules, which
    /// may read any. A list: a handful of names, compared with each request header, costs less
    /// than hashing every request header to look it up in a set.
    public let ruleHeaderNames: [String]?

    /// - Parameter rules: hooks tried after `routing.rules`, in order (see ``RequestRule``).
    public init(routes: [Route], routing: RoutingConfiguration = .init(), rules: [any RequestRule] = []) {
        self.routes = routes
        self.routing = routing
        self.rules = routing.rules + rules
        let program = RuleProgram(routing.rules.map(\.when))
        self.program = program
        self.decisions = routing.rules.map { rule in
            var decision = rule.then
            if decision.rule.isEmpty { decision.rule = rule.name }
            return decision
        }
        self.ruleHeaderNames = rules.isEmpty ? program.headerNameList : nil
        self.resolver = ModelResolver(providers: routes.map(\.configuration))
        let severalKeys = routes.contains { $0.configuration.keySlot != nil }
        func make(_ policy: RoutingPolicyName) -> any RoutingPolicy { Self.makePolicy(policy, severalKeys: severalKeys) }
        self.defaultPolicy = make(routing.policy)
        self.policies = Dictionary(
            routing.modelPolicies.map { (ModelName.normalize($0.key), make($0.value)) },
            uniquingKeysWith: { first, _ in first }
        )
        self.policyNames = Dictionary(routing.modelPolicies.map { (ModelName.normalize($0.key), $0.value) }, uniquingKeysWith: { first, _ in first })
        self.auto = AutoRouting(routes: routes, resolver: resolver, settings: routing.auto)
        self.namedPolicies = self.rules.isEmpty ? [:] : Dictionary(uniqueKeysWithValues: RoutingPolicyName.allCases.map { ($0, make($0)) })
    }

    /// With several keys per provider, every policy keeps an entry's keys together; a table
    /// without them pays nothing for it.
    static func makePolicy(_ name: RoutingPolicyName, severalKeys: Bool) -> any RoutingPolicy {
        severalKeys ? KeysTogetherPolicy(base: name.makePolicy()) : name.makePolicy()
    }

    /// A new policy called `name` as this table makes it, whose turn no request has moved.
    func freshPolicy(named name: RoutingPolicyName) -> any RoutingPolicy {
        Self.makePolicy(name, severalKeys: routes.contains { $0.configuration.keySlot != nil })
    }

    /// The name of the policy that orders candidates for `model`.
    public func policyName(for model: String?) -> RoutingPolicyName {
        guard !policyNames.isEmpty, let model else { return routing.policy }
        return policyNames[ModelName.normalize(model)] ?? routing.policy
    }

    /// The table's policy called `name`, for a rule's `then.policy`.
    func policy(named name: RoutingPolicyName) -> (any RoutingPolicy)? {
        namedPolicies[name]
    }

    /// The first rule's decision for `facts`; `nil` when none matches.
    func decide(_ facts: RequestFacts) -> RuleDecision? {
        if let index = program.firstMatch(facts) { return decisions[index] }
        // By index: `for rule in rules` copies (retains) each existential, on every request.
        for index in program.count..<rules.count {
            if var decision = rules[index].decide(facts) {
                if decision.rule.isEmpty { decision.rule = rules[index].name }
                return decision
            }
        }
        return nil
    }

    /// The policy that orders candidates for `model`.
    public func policy(for model: String?) -> any RoutingPolicy {
        guard !policies.isEmpty, let model else { return defaultPolicy }
        return policies[ModelName.normalize(model)] ?? defaultPolicy
    }

    /// Every route's spec, to keep the provider state in step with the table.
    public var specs: [RouteSpec] { routes.map(\.spec) }
}

/// Holds the current ``RoutingTable``; a reload swaps it atomically.
public final class RoutingTableStore: Sendable {
    private let table: Mutex<RoutingTable>

    public init(_ table: RoutingTable) {
        self.table = Mutex(table)
    }

    public var current: RoutingTable { table.withLock { $0 } }

    public func replace(with newTable: RoutingTable) {
        table.withLock { $0 = newTable }
    }
}
