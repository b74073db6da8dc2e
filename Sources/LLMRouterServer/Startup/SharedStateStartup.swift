import LLMRouterCore
import LLMRouterShared
import Logging
import Metrics

/// Turns on state shared with other instances when `LLMROUTER_DATABASE_URL` names a
/// PostgreSQL database; without it nothing changes.
enum SharedStateStartup {
    static let variable = "LLMROUTER_DATABASE_URL"

    /// The service to run with the server, already told of every cool-down `state` starts;
    /// `nil` when the variable is unset. `keyQuota`'s limits are reconciled too, and `accessKeys`
    /// takes the access keys table. The database need not be up: the service waits for it.
    /// `instance` names this process in the rows it writes (the usage log's too).
    /// - Throws: ``ConfigurationError`` naming the variable when the address is malformed.
    static func open(
        environment: [String: String], state: ProviderState<ContinuousClock>, keyQuota: KeyQuota<ContinuousClock>? = nil,
        accessKeys: SharedAccessKeys? = nil, instance: String = SharedStateService.defaultInstanceName(), logger: Logger
    ) throws -> SharedStateService? {
        guard let url = try databaseURL(environment) else { return nil }
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
            "sharing cool-downs, quotas and breaker states with other instances through PostgreSQL",
            metadata: ["llmrouter.database": "\(url)", "llmrouter.instance": "\(service.settings.instance)"]
        )
        return service
    }

    /// The database `environment` names; `nil` when the variable is unset.
    /// - Throws: ``ConfigurationError`` naming the variable when the address is malformed.
    static func databaseURL(_ environment: [String: String]) throws -> DatabaseURL? {
        guard let text = environment[variable], !text.isEmpty else { return nil }
        do {
            return try DatabaseURL(text, variable: variable)
        } catch {
            throw ConfigurationError(file: error.variable, message: error.reason)
        }
    }
}
