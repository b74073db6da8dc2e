import LLMRouterConfig
import LLMRouterCore
import LLMRouterShared
import Logging
import Metrics

/// Turns on state shared with other instances when `LLMROUTER_DATABASE_URL` (or `database:`
/// in the providers YAML) names a PostgreSQL database; without it nothing changes.
enum SharedStateStartup {
    static let variable = DatabaseAddress.variable

    /// The service to run with the server, already told of every cool-down `state` starts;
    /// `nil` when no address is set. `keyQuota`'s limits are reconciled too, and `accessKeys`
    /// takes the access keys table. The database need not be up: the service waits for it.
    /// `instance` names this process in the rows it writes (the usage log's too).
    /// - Parameter configured: `database:` of the providers file; the variable wins over it.
    /// - Throws: ``ConfigurationError`` naming the variable or the file when the address is malformed.
    static func open(
        environment: [String: String], configured: DatabaseSetting? = nil, state: ProviderState<ContinuousClock>,
        keyQuota: KeyQuota<ContinuousClock>? = nil, accessKeys: SharedAccessKeys? = nil,
        instance: String = SharedStateService.defaultInstanceName(), logger: Logger
    ) throws -> SharedStateService? {
        guard let url = try databaseURL(environment, configured: configured, logger: logger) else { return nil }
        // Should a driver message ever quote the password, the log handler masks it.
        SharedSecretRedactor.logging.replace(with: SharedSecretRedactor.logging.current.adding(url.secrets))
        let metrics = MetricsBootstrap.registry.map(MetricsBootstrap.factory(registry:)) ?? MetricsSystem.factory
        let settings = SharedStateService.Settings(url: url, instance: instance)
        let service = SharedStateService(
            settings: settings, receiver: state, quotas: keyQuota.map { [$0] } ?? [], accessKeys: accessKeys, logger: logger, metrics: metrics
        )
        state.share(with: service)
        keyQuota?.shareWithOtherInstances(true)
        logger.notice(
            "sharing cool-downs, learned limits, quotas and breaker states with other instances through PostgreSQL",
            metadata: ["llmrouter.database": "\(url)", "llmrouter.instance": "\(service.settings.instance)"]
        )
        return service
    }

    /// The database `environment` (`LLMROUTER_DATABASE_URL`) or else `configured` names; `nil`
    /// when neither does. A notice says when the variable overrides the file.
    /// - Throws: ``ConfigurationError`` naming the variable or the file when the address is malformed.
    static func databaseURL(_ environment: [String: String], configured: DatabaseSetting? = nil, logger: Logger? = nil) throws -> DatabaseURL? {
        guard let address = try DatabaseAddress.resolve(configured: configured, environment: environment) else { return nil }
        if let file = address.overriddenFile {
            logger?.notice("\(variable) overrides database: of the providers file", metadata: ["llmrouter.config": "\(file)"])
        }
        do {
            return try DatabaseURL(address.text, variable: address.source)
        } catch {
            throw ConfigurationError(file: error.variable, message: error.reason)
        }
    }
}
