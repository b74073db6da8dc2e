public import LLMRouterCore

/// The configured providers, each ready to call or disabled with a reason.
///
/// Built once per configuration (and again when a catalog refresh swaps the table); immutable
/// while requests use it. Indices match the configuration's provider order.
public struct ProviderRegistry: Sendable {
    /// A configured provider with its callable provider (already wrapped for
    /// `mock_failure_rate`), or the reason it is disabled.
    public typealias Entry = Route

    /// Builds a remote (HTTP) provider, or says why it cannot be enabled.
    public typealias RemoteFactory = @Sendable (ProviderConfiguration) -> Result<any Provider, ProviderUnavailable>

    public let entries: [Entry]

    /// - Parameters:
    ///   - configuration: the providers, in file order.
    ///   - makeRemote: builds the HTTP providers; echo providers are built here.
    ///   - roll: the random source for simulated failures.
    public init(
        configuration: RouterConfiguration,
        makeRemote: RemoteFactory,
        roll: @escaping @Sendable () -> Double = { Double.random(in: 0..<1) }
    ) {
        entries = configuration.providers.map { provider in
            let built: Result<any Provider, ProviderUnavailable> =
                provider.kind.isLocal ? .success(EchoProvider(latency: provider.mockLatency)) : makeRemote(provider)
            let keyVariable = Vendor.for(provider.kind).defaultAPIKeyVariable
            switch built {
            case .success(let base):
                let callable: any Provider =
                    provider.mockFailureRate > 0
                    ? SimulatedFailureProvider(base: base, rate: provider.mockFailureRate, roll: roll) : base
                return Route(configuration: provider, provider: callable, defaultAPIKeyVariable: keyVariable)
            case .failure(let unavailable):
                return Route(configuration: provider, provider: nil, disabledReason: unavailable.reason, defaultAPIKeyVariable: keyVariable)
            }
        }
    }
}

/// Why a provider cannot be called at all, shown as `disabled: <reason>`.
public struct ProviderUnavailable: Error, Sendable, Equatable {
    public var reason: String

    public init(reason: String) {
        self.reason = reason
    }

    public static func missingKey(_ variable: String) -> ProviderUnavailable {
        ProviderUnavailable(reason: "missing \(variable)")
    }
}

extension RoutingTable {
    /// The table for a registry's routes.
    public convenience init(registry: ProviderRegistry, routing: RoutingConfiguration = .init(), rules: [any RequestRule] = []) {
        self.init(routes: registry.entries, routing: routing, rules: rules)
    }
}
