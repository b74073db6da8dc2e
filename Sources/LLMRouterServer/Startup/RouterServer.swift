public import AsyncHTTPClient
import Hummingbird
public import LLMRouterCore
import LLMRouterProviders
public import Logging
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
        let (configuration, _) = try ConfigurationSource.load(settings: settings, logger: logger)
        // One pooled client for every upstream; its connect timeout is the tightest any provider asks for.
        let connectTimeout = configuration.providers.map(\.timeouts.connect).min() ?? .seconds(5)
        let httpClient = HTTPClient(eventLoopGroupProvider: .singleton, configuration: .upstream(connectTimeout: connectTimeout))
        let table = makeTable(configuration: configuration, environment: environment, httpClient: httpClient)
        logProviders(table, logger: logger)
        let application = RouterApplication(
            table: table,
            settings: settings,
            metrics: MetricsBootstrap.registry,
            redactor: redactor(configuration: configuration, environment: environment)
        )
        let app = application.buildApplication(logger: logger) { channel in
            logger.notice(
                "llmrouter listening",
                metadata: ["llmrouter.address": "\(channel.localAddress.map { "\($0)" } ?? "?")"]
            )
        }
        let group = ServiceGroup(
            configuration: .init(services: [app], gracefulShutdownSignals: [.sigterm, .sigint], logger: logger)
        )
        do {
            try await group.run()
        } catch {
            try? await httpClient.shutdown()
            throw error
        }
        try await httpClient.shutdown()
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
