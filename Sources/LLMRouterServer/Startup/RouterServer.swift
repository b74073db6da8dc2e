public import AsyncHTTPClient
import Hummingbird
import LLMRouterCatalog
public import LLMRouterCore
import LLMRouterProviders
import LLMRouterUsage
public import Logging
import Metrics
import ServiceLifecycle
import UnixSignals

/// Runs llmrouter: builds the routing table from the configuration and serves it until SIGINT
/// or SIGTERM, then stops accepting, lets in-flight requests finish, and returns.
public enum RouterServer {
    /// Builds the routing table for `configuration`; HTTP providers share `httpClient`.
    public static func makeTable(
        configuration: RouterConfiguration,
        environment: [String: String],
        httpClient: HTTPClient
    ) -> RoutingTable {
        let factory = RemoteProviderFactory(environment: environment, httpClient: httpClient)
        return RoutingTable(registry: ProviderRegistry(configuration: configuration, makeRemote: factory.make))
    }

    /// The keys in `environment` that providers of `configuration` read, so they can be masked
    /// wherever text from outside is shown.
    public static func redactor(configuration: RouterConfiguration, environment: [String: String]) -> SecretRedactor {
        let variables = Set(configuration.providers.compactMap(\.effectiveAPIKeyVariable))
        return SecretRedactor(secrets: variables.compactMap { environment[$0] })
    }

    public static func run(settings: ServerSettings, environment: [String: String], logger: Logger) async throws {
        // One pooled client for every upstream call and catalog download. Each call also has its
        // provider's own connect + first-byte deadline, so the client-wide connect timeout is a ceiling.
        let httpClient = HTTPClient(eventLoopGroupProvider: .singleton, configuration: .upstream())
        do {
            try await serve(settings: settings, environment: environment, httpClient: httpClient, logger: logger)
        } catch {
            try? await httpClient.shutdown()
            throw error
        }
        try await httpClient.shutdown()
    }

    private static func serve(settings: ServerSettings, environment: [String: String], httpClient: HTTPClient, logger: Logger) async throws {
        let fetcher = AsyncHTTPFetcher(client: httpClient)
        let (configuration, origin) = try await ConfigurationSource.load(
            settings: settings,
            environment: environment,
            fetcher: fetcher,
            logger: logger
        )
        let table = makeTable(configuration: configuration, environment: environment, httpClient: httpClient)
        logProviders(table, logger: logger)
        let usageLog = try await openUsageLog(settings.usageLog, logger: logger)
        let application = RouterApplication(
            table: table,
            settings: settings,
            metrics: MetricsBootstrap.registry,
            redactor: redactor(configuration: configuration, environment: environment),
            recorder: usageLog?.writer
        )
        let app = application.buildApplication(logger: logger) { channel in
            logger.notice(
                "llmrouter listening",
                metadata: ["llmrouter.address": "\(channel.localAddress.map { "\($0)" } ?? "?")"]
            )
        }
        // The usage-log writer comes first: the group stops services last to first, so the server
        // has drained (and recorded) its requests before the writer's final flush.
        var services: [any Service] = usageLog.map { [$0.writer] } ?? []
        services.append(app)
        if case .catalog = origin, let interval = settings.catalogRefreshInterval {
            services.append(
                CatalogRefreshService(
                    interval: interval,
                    settings: settings,
                    environment: environment,
                    fetcher: fetcher,
                    application: application,
                    makeTable: { makeTable(configuration: $0, environment: environment, httpClient: httpClient) },
                    logger: logger
                )
            )
        }
        let group = ServiceGroup(
            configuration: .init(services: services, gracefulShutdownSignals: [.sigterm, .sigint], logger: logger)
        )
        do {
            try await group.run()
        } catch {
            await usageLog?.store.close()
            throw error
        }
        await usageLog?.store.close()
    }

    /// Opens the usage log `settings` asks for; `nil` when it is off.
    private static func openUsageLog(_ settings: UsageLogSettings?, logger: Logger) async throws -> (store: UsageStore, writer: UsageLogWriter)? {
        guard let settings else {
            logger.info("usage log off")
            return nil
        }
        let store = try await UsageStore.open(path: settings.path, logger: logger)
        let metrics = MetricsBootstrap.registry.map(MetricsBootstrap.factory(registry:)) ?? MetricsSystem.factory
        logger.info("usage log", metadata: ["llmrouter.db": "\(settings.path)", "llmrouter.retention_days": "\(settings.retentionDays)"])
        return (store, UsageLogWriter(sink: store, settings: settings, logger: logger, metrics: metrics))
    }

    private static func logProviders(_ table: RoutingTable, logger: Logger) {
        for entry in table.registry.entries {
            let provider = entry.configuration
            logger.info(
                "provider",
                metadata: [
                    "llmrouter.provider": "\(provider.name)",
                    "llmrouter.type": "\(provider.kind.rawValue)",
                    "llmrouter.priority": "\(provider.priority)",
                    "llmrouter.model": "\(provider.publicModelName ?? "*")",
                    "llmrouter.status": "\(entry.disabledReason.map { "disabled: \($0)" } ?? "enabled")",
                ]
            )
        }
    }
}
