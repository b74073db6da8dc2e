/// Everything the router needs to route: the providers, in file order.
public struct RouterConfiguration: Sendable, Equatable {
    public var providers: [ProviderConfiguration]
    /// How requests pick and wait for routes (`routing:`).
    public var routing: RoutingConfiguration
    /// The response cache as the file sets it (`cache:`); the environment may override it, and a
    /// reload does not change it.
    public var cache: ResponseCacheSettings?
    /// The shared-state database as the file sets it (`database:`); `LLMROUTER_DATABASE_URL`
    /// wins over it, and a reload does not change it.
    public var database: DatabaseSetting?

    public init(
        providers: [ProviderConfiguration], routing: RoutingConfiguration = .init(), cache: ResponseCacheSettings? = nil, database: DatabaseSetting? = nil
    ) {
        self.providers = providers
        self.routing = routing
        self.cache = cache
        self.database = database
    }

    /// The configuration used when there is no config file: one local echo provider that
    /// answers any model, so `swift run llmrouter` works with no keys at all.
    public static var embeddedDefault: RouterConfiguration {
        RouterConfiguration(providers: [ProviderConfiguration(name: "local-echo", kind: .echo, priority: 1)])
    }
}
