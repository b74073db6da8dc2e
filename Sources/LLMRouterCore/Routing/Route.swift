/// One provider entry ready to route to: its configuration, the callable provider (or why it
/// cannot be called) and the spec its state is kept under.
public struct Route: Sendable {
    public var configuration: ProviderConfiguration
    /// The callable provider; `nil` when disabled.
    public var provider: (any Provider)?
    /// Why the provider is not called, e.g. `missing GROQ_API_KEY`.
    public var disabledReason: String?
    public var spec: RouteSpec

    public init(configuration: ProviderConfiguration, provider: (any Provider)?, disabledReason: String? = nil) {
        self.configuration = configuration
        self.provider = provider
        self.disabledReason = provider == nil ? (disabledReason ?? "no provider") : nil
        self.spec = RouteSpec(configuration)
    }

    public var name: String { configuration.name }
    public var isEnabled: Bool { provider != nil }
}
