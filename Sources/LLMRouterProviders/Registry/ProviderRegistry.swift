public import LLMRouterCore

/// The configured providers, each ready to call or disabled with a reason.
///
/// Built once per configuration (and again when a catalog refresh swaps the table); immutable
/// while requests use it. Indices match the configuration's provider order.
public struct ProviderRegistry: Sendable {
    public struct Entry: Sendable {
        public var configuration: ProviderConfiguration
        /// The callable provider, already wrapped for `mock_failure_rate`; `nil` when disabled.
        public var provider: (any Provider)?
        /// Why the provider is not called, e.g. `missing GROQ_API_KEY`.
        public var disabledReason: String?

        public var isEnabled: Bool { provider != nil }
    }

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
            switch built {
            case .success(let base):
                let callable: any Provider =
                    provider.mockFailureRate > 0
                    ? SimulatedFailureProvider(base: base, rate: provider.mockFailureRate, roll: roll) : base
                return Entry(configuration: provider, provider: callable, disabledReason: nil)
            case .failure(let unavailable):
                return Entry(configuration: provider, provider: nil, disabledReason: unavailable.reason)
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
