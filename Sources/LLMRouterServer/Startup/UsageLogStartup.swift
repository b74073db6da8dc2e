import LLMRouterCore
import LLMRouterShared
import LLMRouterUsage
import Logging
import Metrics

/// Opens the usage log: in PostgreSQL, every instance's rows in one table, when
/// `LLMROUTER_DATABASE_URL` (or `database:`) is set and `LLMROUTER_DB` names no file; in the SQLite file
/// otherwise; none when `LLMROUTER_DB` is `off`.
enum UsageLogStartup {
    struct Opened {
        /// The recorder and the service that writes its rows.
        var writer: UsageLogWriter
        /// Releases the store once the writer has stopped.
        var close: @Sendable () async -> Void
    }

    /// - Parameters:
    ///   - configured: `database:` of the providers file; `LLMROUTER_DATABASE_URL` wins over it.
    ///   - instance: the name written into each row (the shared state's).
    /// - Throws: ``UsageStoreError`` for a SQLite file that cannot be used;
    ///   ``ConfigurationError`` for a malformed database address. A database that is away is
    ///   no error: its rows wait in the writer's buffer.
    static func open(
        _ settings: UsageLogSettings?, environment: [String: String], configured: DatabaseSetting? = nil, instance: String, logger: Logger
    ) async throws -> Opened? {
        guard let settings else {
            logger.info("usage log off")
            return nil
        }
        let metrics = MetricsBootstrap.registry.map(MetricsBootstrap.factory(registry:)) ?? MetricsSystem.factory
        let database = try SharedStateStartup.databaseURL(environment, configured: configured)
        if let database, !settings.pathIsExplicit {
            let store = PostgresUsageStore(url: database, instance: instance, logger: logger)
            logger.info(
                "usage log in PostgreSQL",
                metadata: [
                    "llmrouter.database": "\(database)", "llmrouter.instance": "\(instance)",
                    "llmrouter.retention_days": "\(settings.retentionDays)",
                ]
            )
            return Opened(writer: UsageLogWriter(sink: store, settings: settings, logger: logger, metrics: metrics), close: { await store.close() })
        }
        // Rows name the instance only when there are others to tell apart.
        let store = try await UsageStore.open(path: settings.path, instance: database == nil ? nil : instance, logger: logger)
        logger.info("usage log", metadata: ["llmrouter.db": "\(settings.path)", "llmrouter.retention_days": "\(settings.retentionDays)"])
        return Opened(writer: UsageLogWriter(sink: store, settings: settings, logger: logger, metrics: metrics), close: { await store.close() })
    }
}
