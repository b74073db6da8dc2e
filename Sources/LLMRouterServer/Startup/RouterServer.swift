public import AsyncHTTPClient
import Hummingbird
import LLMRouterCatalog
public import LLMRouterCore
import LLMRouterConfig
import LLMRouterProviders
import LLMRouterShared
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
        return RoutingTable(registry: ProviderRegistry(configuration: configuration, makeRemote: factory.make), routing: configuration.routing)
    }

    /// The secrets in `environment` to mask wherever text from outside is shown and in every
    /// log line: the keys providers of `configuration` read, every variable named like a
    /// credential (`*_KEY`, `*_KEYS`, `*_TOKEN`, `*_TOKENS`, `*_SECRET`; comma lists split), the
    /// router's own access keys among them.
    public static func redactor(configuration: RouterConfiguration, environment: [String: String]) -> SecretRedactor {
        let variables = Set(configuration.providers.compactMap(\.effectiveAPIKeyVariable))
        var secrets = variables.compactMap { environment[$0] } + configuration.providers.compactMap { $0.effectiveAPIKeySource?.value(in: environment) }
        for (name, value) in environment where ["_KEY", "_KEYS", "_TOKEN", "_TOKENS", "_SECRET"].contains(where: { name.uppercased().hasSuffix($0) }) {
            secrets += value.split(separator: ",").map { $0.trimmingWhitespace() }
        }
        return SecretRedactor(secrets: secrets)
    }

    /// - Parameter rules: routing hooks in code (``RequestRule``), tried after `routing.rules`;
    ///   `llmrouter serve` passes `CodeRules.all` (Sources/LLMRouterCodeRules/CodeRules.swift).
    public static func run(settings: ServerSettings, environment: [String: String], logger: Logger, rules: [any RequestRule] = []) async throws {
        // One pooled client for every upstream call and catalog download. Each call also has its
        // provider's own connect + first-byte deadline, so the client-wide connect timeout is a ceiling.
        let httpClient = HTTPClient(eventLoopGroupProvider: .singleton, configuration: .upstream())
        do {
            try await serve(settings: settings, environment: environment, httpClient: httpClient, logger: logger, rules: rules)
        } catch {
            try? await httpClient.shutdown()
            throw error
        }
        try await httpClient.shutdown()
    }

    private static func serve(settings: ServerSettings, environment: [String: String], httpClient: HTTPClient, logger: Logger, rules: [any RequestRule]) async throws {
        let fetcher = AsyncHTTPFetcher(client: httpClient)
        let loaded = try await ConfigurationSource.loadDetailed(
            settings: settings,
            environment: environment,
            fetcher: fetcher,
            logger: logger
        )
        let (configuration, origin) = (loaded.configuration, loaded.origin)
        let access = try await AccessKeysStartup.load(settings: settings, environment: environment, configured: configuration.database, logger: logger)
        logAccess(access.keys, settings: settings, logger: logger)
        let redactor = redactor(configuration: configuration, environment: environment)
        SharedSecretRedactor.logging.replace(with: redactor)
        let table = makeTable(configuration: configuration, environment: environment, httpClient: httpClient)
        logProviders(table, logger: logger)
        if !table.auto.unservedModels.isEmpty {
            logger.warning("routing.auto names models no route serves; skipped", metadata: ["llmrouter.models": "\(table.auto.unservedModels.joined(separator: ", "))"])
        }
        switch DefaultModelCheck.check(settings.defaultModel, table: table, catalogIndex: loaded.catalogIndex) {
        case .servable: break
        case .reachableLater(let reason):
            logger.warning("default model not servable now", metadata: ["llmrouter.default_model": "\(settings.defaultModel ?? "")", "llmrouter.reason": "\(reason)"])
        case .never(let reason):
            throw ConfigurationError(file: "--default-model (LLMROUTER_DEFAULT_MODEL)", message: reason)
        }
        // One name for this process in every row it writes to a shared database.
        let instance = SharedStateService.defaultInstanceName()
        let usageLog = try await UsageLogStartup.open(settings.usageLog, environment: environment, configured: configuration.database, instance: instance, logger: logger)
        let cache = try await ResponseCacheStartup.open(
            configured: configuration.cache, database: configuration.database, environment: environment, table: table, logger: logger
        )
        let application = RouterApplication(
            table: table,
            settings: settings,
            metrics: MetricsBootstrap.registry,
            redactor: redactor,
            recorder: usageLog?.writer,
            keys: access.keys,
            cache: cache?.cache,
            rules: rules
        )
        let tableMaker: @Sendable (RouterConfiguration) -> RoutingTable = {
            makeTable(configuration: $0, environment: environment, httpClient: httpClient)
        }
        let reloader = ConfigurationReloader(
            settings: settings,
            environment: environment,
            fetcher: fetcher,
            application: application,
            makeTable: tableMaker,
            keysInDatabase: access.storage == .postgres,
            logger: logger
        )
        application.reloadHook.set { await reloader.reload() }
        let shared = try SharedStateStartup.open(
            environment: environment, configured: configuration.database, state: application.state, keyQuota: application.keyQuota,
            accessKeys: access.sharing(into: application.keys), instance: instance, logger: logger
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
        if let writer = cache?.writer { services.append(writer) }
        // Before the server, so it stops after the server drained.
        if let shared { services.append(shared) }
        services.append(app)
        if case .catalog = origin, let interval = settings.catalogRefreshInterval {
            services.append(
                CatalogRefreshService(
                    interval: interval,
                    settings: settings,
                    environment: environment,
                    fetcher: fetcher,
                    application: application,
                    makeTable: tableMaker,
                    logger: logger
                )
            )
        }
        var groupConfiguration = ServiceGroupConfiguration(services: services, logger: logger)
        groupConfiguration.maximumGracefulShutdownDuration = settings.drainTimeout
        let group = ServiceGroup(configuration: groupConfiguration)
        do {
            try await ServerLifecycle.run(group, reload: { _ = await reloader.reload() }, drainTimeout: settings.drainTimeout, logger: logger)
        } catch {
            await usageLog?.close()
            throw error
        }
        await usageLog?.close()
    }
    /// Says whether clients need a key, and warns when anyone who can reach a non-loopback
    /// address may use the router.
    static func logAccess(_ keys: AccessKeys, settings: ServerSettings, logger: Logger) {
        if keys.isEnabled {
            logger.notice("access keys required", metadata: ["llmrouter.keys": "\(keys.keys.count)", "llmrouter.admin_keys": "\(keys.keys.filter(\.isAdmin).count)"])
        } else if !isLoopback(settings.host) {
            logger.warning(
                "listening beyond this machine without access keys: anyone who can reach it may spend the provider keys",
                metadata: [
                    "llmrouter.address": "\(settings.host):\(settings.port)",
                    "llmrouter.exposed": "/v1/chat/completions, /v1/models, /health/providers, /metrics, /admin/reload, /admin/explain",
                    "llmrouter.hint": "set LLMROUTER_API_KEYS or add keys with `llmrouter keys add NAME`, or listen on 127.0.0.1",
                ]
            )
        }
    }

    /// Whether `host` is reachable only from this machine.
    static func isLoopback(_ host: String) -> Bool {
        let host = host.lowercased()
        return host == "localhost" || host == "::1" || host == "[::1]" || host.hasPrefix("127.")

    }

    private static func logProviders(_ table: RoutingTable, logger: Logger) {
        for entry in table.routes {
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
