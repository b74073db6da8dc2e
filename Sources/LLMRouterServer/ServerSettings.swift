public import Logging
public import LLMRouterUsage

/// How the server runs: where it listens and the limits it applies. Built by the `llmrouter`
/// executable from flags and environment variables.
public struct ServerSettings: Sendable {
    /// Interface to bind. Defaults to `127.0.0.1` (`LLMROUTER_HOST`).
    public var host: String
    /// Port to bind; 0 picks a free one. Defaults to 8000 (`PORT`).
    public var port: Int
    /// Providers YAML (`LLMROUTER_CONFIG`). Defaults to `config/providers.yaml`.
    public var configPath: String
    /// Whether ``configPath`` was given explicitly; a missing explicit file is an error, a
    /// missing default one means "no config" and the embedded default is served.
    public var configPathIsExplicit: Bool
    /// Model used when a request names none (`LLMROUTER_DEFAULT_MODEL`). Defaults to `nil`: any provider.
    public var defaultModel: String?
    /// Largest request body accepted (`LLMROUTER_MAX_BODY_BYTES`). Defaults to 4 MiB.
    public var maxBodyBytes: Int
    /// Bound on the whole failover of one request (`LLMROUTER_REQUEST_TIMEOUT_SECONDS`). Defaults to 120 s.
    public var requestDeadline: Duration
    /// Idle time on a stream before a `: keep-alive` comment (`LLMROUTER_SSE_KEEPALIVE_SECONDS`). Defaults to 10 s.
    public var streamKeepAlive: Duration
    /// The catalog shipped with the code, used when neither a config file nor a downloadable
    /// catalog is there. Defaults to `generated/model_index.json`.
    public var bundledIndexPath: String
    /// How often to reload the catalog in the background (`LLMROUTER_CATALOG_REFRESH_SECONDS`);
    /// `nil`, the default, never reloads. Applies only when serving the catalog.
    public var catalogRefreshInterval: Duration?
    /// Log level (`LLMROUTER_LOG_LEVEL`). Defaults to `info`.
    public var logLevel: Logger.Level
    /// The usage log (`LLMROUTER_DB`, `LLMROUTER_DB_RETENTION_DAYS`); `nil` keeps none. Defaults
    /// to `nil`; the `llmrouter` executable turns it on unless `LLMROUTER_DB=off`.
    public var usageLog: UsageLogSettings?

    public init(
        host: String = "127.0.0.1",
        port: Int = 8000,
        configPath: String = "config/providers.yaml",
        configPathIsExplicit: Bool = false,
        defaultModel: String? = nil,
        maxBodyBytes: Int = 4 * 1024 * 1024,
        requestDeadline: Duration = .seconds(120),
        streamKeepAlive: Duration = .seconds(10),
        bundledIndexPath: String = "generated/model_index.json",
        catalogRefreshInterval: Duration? = nil,
        logLevel: Logger.Level = .info,
        usageLog: UsageLogSettings? = nil
    ) {
        self.host = host
        self.port = port
        self.configPath = configPath
        self.configPathIsExplicit = configPathIsExplicit
        self.defaultModel = defaultModel
        self.maxBodyBytes = maxBodyBytes
        self.requestDeadline = requestDeadline
        self.streamKeepAlive = streamKeepAlive
        self.bundledIndexPath = bundledIndexPath
        self.catalogRefreshInterval = catalogRefreshInterval
        self.logLevel = logLevel
        self.usageLog = usageLog
    }
}
