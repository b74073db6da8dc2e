public import LLMRouterCore
public import LLMRouterProviders
import Synchronization

/// Everything needed to route a request, built once per configuration and never mutated.
///
/// A catalog refresh builds a new table and swaps it into ``RoutingTableStore``; requests
/// already running keep the table they started with.
public struct RoutingTable: Sendable {
    public let registry: ProviderRegistry
    public let resolver: ModelResolver
    /// Each provider's priority, by index, for ``CandidateOrder``.
    public let priorities: [Int]

    public init(registry: ProviderRegistry) {
        self.registry = registry
        let providers = registry.entries.map(\.configuration)
        self.resolver = ModelResolver(providers: providers)
        self.priorities = providers.map(\.priority)
    }

    /// Provider names and breaker settings, to keep ``ProviderHealth`` in step with the table.
    public var healthEntries: [(name: String, breaker: BreakerConfiguration)] {
        registry.entries.map { ($0.configuration.name, $0.configuration.circuitBreaker) }
    }
}

/// Holds the current ``RoutingTable``; a refresh swaps it atomically.
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
