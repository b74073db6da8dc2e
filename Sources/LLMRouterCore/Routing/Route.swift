/// One provider entry ready to route to: its configuration, the callable provider (or why it
/// cannot be called) and the spec its state is kept under. A class: a request's candidate lists
/// and attempts pass routes around, and a struct this size cost a retain per field per copy.
public final class Route: Sendable {
    public let configuration: ProviderConfiguration
    /// The callable provider; `nil` when disabled.
    public let provider: (any Provider)?
    /// Why the provider is not called, e.g. `missing GROQ_API_KEY`.
    public let disabledReason: String?
    public let spec: RouteSpec

    /// - Parameter defaultAPIKeyVariable: the kind's key variable when the entry names none; it
    ///   names the provider account the route shares limits with (see ``RouteSpec/account``).
    public init(configuration: ProviderConfiguration, provider: (any Provider)?, disabledReason: String? = nil, defaultAPIKeyVariable: String? = nil) {
        self.configuration = configuration
        self.provider = provider
        self.disabledReason = provider == nil ? (disabledReason ?? "no provider") : nil
        self.spec = RouteSpec(configuration, defaultAPIKeyVariable: defaultAPIKeyVariable)
    }

    public var name: String { configuration.name }
    public var isEnabled: Bool { provider != nil }
}
