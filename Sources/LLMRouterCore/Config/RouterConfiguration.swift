/// Everything the router needs to route: the providers, in file order.
public struct RouterConfiguration: Sendable, Equatable {
    public var providers: [ProviderConfiguration]
    /// How requests pick and wait for routes (`routing:`).
    public var routing: RoutingConfiguration

    public init(providers: [ProviderConfiguration], routing: RoutingConfiguration = .init()) {
        self.providers = providers
        self.routing = routing
    }

    /// The configuration used when there is no config file: one local echo provider that
    /// answers any model, so `swift run llmrouter` works with no keys at all.
    public static var embeddedDefault: RouterConfiguration {
        RouterConfiguration(providers: [ProviderConfiguration(name: "local-echo", kind: .echo, priority: 1)])
    }
}
