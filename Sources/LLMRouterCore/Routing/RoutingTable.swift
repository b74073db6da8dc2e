import Synchronization

/// Everything needed to route a request, built once per configuration and never mutated.
///
/// A reload or catalog refresh builds a new table and swaps it into ``RoutingTableStore``;
/// requests already running keep the table they started with.
public struct RoutingTable: Sendable {
    public let routes: [Route]
    public let resolver: ModelResolver
    public let routing: RoutingConfiguration
    /// The policy for each canonical model with an override, by normalised name.
    private let policies: [String: any RoutingPolicy]
    private let defaultPolicy: any RoutingPolicy

    public init(routes: [Route], routing: RoutingConfiguration = .init()) {
        self.routes = routes
        self.routing = routing
        self.resolver = ModelResolver(providers: routes.map(\.configuration))
        self.defaultPolicy = routing.policy.makePolicy()
        self.policies = Dictionary(
            routing.modelPolicies.map { (ModelName.normalize($0.key), $0.value.makePolicy()) },
            uniquingKeysWith: { first, _ in first }
        )
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
