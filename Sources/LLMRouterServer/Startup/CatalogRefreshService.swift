public import LLMRouterCatalog
public import LLMRouterCore
public import Logging
public import ServiceLifecycle

/// Reloads the free-model catalog every `interval` and swaps the routing table in place.
///
/// Requests in flight keep the table they started with; providers whose settings did not change
/// keep their breaker and statistics. A reload that finds no usable catalog keeps the current table.
public struct CatalogRefreshService: Service {
    let interval: Duration
    let settings: ServerSettings
    let environment: [String: String]
    let fetcher: (any HTTPFetcher)?
    let application: RouterApplication<ContinuousClock>
    let makeTable: @Sendable (RouterConfiguration) -> RoutingTable
    let logger: Logger

    public init(
        interval: Duration,
        settings: ServerSettings,
        environment: [String: String],
        fetcher: (any HTTPFetcher)?,
        application: RouterApplication<ContinuousClock>,
        makeTable: @escaping @Sendable (RouterConfiguration) -> RoutingTable,
        logger: Logger
    ) {
        self.interval = interval
        self.settings = settings
        self.environment = environment
        self.fetcher = fetcher
        self.application = application
        self.makeTable = makeTable
        self.logger = logger
    }

    public func run() async throws {
        do {
            try await cancelWhenGracefulShutdown {
                while true {
                    try await Task.sleep(for: interval)
                    await refreshOnce()
                }
            }
        } catch is CancellationError {
            return
        }
    }

    /// Loads the catalog once; returns whether the table was replaced.
    @discardableResult
    public func refreshOnce() async -> Bool {
        let startup = await CatalogStartup.resolve(
            environment: environment,
            bundled: settings.bundledIndex,
            fetcher: fetcher,
            logger: logger
        )
        guard !startup.usesEmbeddedDefault, let source = startup.source else {
            logger.warning("catalog refresh found no usable catalog; keeping the current providers")
            return false
        }
        application.replaceTable(with: makeTable(startup.configuration))
        logger.info(
            "catalog refreshed",
            metadata: ["llmrouter.catalog": "\(source)", "llmrouter.providers": "\(startup.configuration.providers.count)"]
        )
        return true
    }
}
