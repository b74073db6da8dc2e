public import LLMRouterCatalog
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
    /// Whether ``configPath`` was given with `--config`; a missing file is then an error, while a
    /// missing default one means "no config" and the catalog (or the embedded echo) is served.
    public var configPathIsExplicit: Bool
    /// Whether ``configPath`` came from `LLMROUTER_CONFIG`: a missing file is warned about, naming
    /// it, and the catalog is served, as the original llmrouter does (Docker setups rely on it).
    public var configPathFromEnvironment: Bool
    /// Model used when a request names none (`LLMROUTER_DEFAULT_MODEL`). Defaults to `nil`: any provider.
    public var defaultModel: String?
    /// Largest request body accepted (`LLMROUTER_MAX_BODY_BYTES`). Defaults to 4 MiB.
    public var maxBodyBytes: Int
    /// Bound on the whole failover of one request (`LLMROUTER_REQUEST_TIMEOUT_SECONDS`). Defaults to 120 s.
    public var requestDeadline: Duration
    /// Idle time on a stream before a `: keep-alive` comment (`LLMROUTER_SSE_KEEPALIVE_SECONDS`). Defaults to 10 s.
    public var streamKeepAlive: Duration
    /// A file to use as the bundled catalog instead of the copy compiled into the binary
    /// (`generated/model_index.json` at build time). Defaults to `nil`: the compiled-in copy.
    public var bundledIndexPath: String?
    /// How often to reload the catalog in the background (`LLMROUTER_CATALOG_REFRESH_SECONDS`);
    /// `nil`, the default, never reloads. Applies only when serving the catalog.
    public var catalogRefreshInterval: Duration?
    /// Log level (`LLMROUTER_LOG_LEVEL`). Defaults to `info`.
    public var logLevel: Logger.Level
    /// Timeouts for slow or idle clients and the cap on open connections.
    public var connections: ConnectionLimits
    /// How long a graceful stop waits for requests in flight before cutting them
    /// (`LLMROUTER_DRAIN_TIMEOUT_SECONDS`). Defaults to 30 s.
    public var drainTimeout: Duration
    /// The access keys file (`LLMROUTER_KEYS_FILE`). Defaults to `config/keys.yaml`, read when it exists.
    public var keysFile: String
    /// Whether ``keysFile`` was named; a missing named file is an error.
    public var keysFileIsExplicit: Bool

    /// The bundled catalog the loader reads.
    public var bundledIndex: CatalogLoader.BundledIndex { bundledIndexPath.map { .file($0) } ?? .embedded }
    /// The usage log (`LLMROUTER_DB`, `LLMROUTER_DB_RETENTION_DAYS`); `nil` keeps none. Defaults
    /// to `nil`; the `llmrouter` executable turns it on unless `LLMROUTER_DB=off`.
    public var usageLog: UsageLogSettings?

    public init(
        host: String = "127.0.0.1",
        port: Int = 8000,
        configPath: String = "config/providers.yaml",
        configPathIsExplicit: Bool = false,
        configPathFromEnvironment: Bool = false,
        defaultModel: String? = nil,
        maxBodyBytes: Int = 4 * 1024 * 1024,
        requestDeadline: Duration = .seconds(120),
        streamKeepAlive: Duration = .seconds(10),
        bundledIndexPath: String? = nil,
        catalogRefreshInterval: Duration? = nil,
        logLevel: Logger.Level = .info,
        connections: ConnectionLimits = ConnectionLimits(),
        drainTimeout: Duration = .seconds(30),
        keysFile: String = "config/keys.yaml",
        keysFileIsExplicit: Bool = false,
        usageLog: UsageLogSettings? = nil
    ) {
        self.host = host
        self.port = port
        self.configPath = configPath
        self.configPathIsExplicit = configPathIsExplicit
        self.configPathFromEnvironment = configPathFromEnvironment
        self.defaultModel = defaultModel
        self.maxBodyBytes = maxBodyBytes
        self.requestDeadline = requestDeadline
        self.streamKeepAlive = streamKeepAlive
        self.bundledIndexPath = bundledIndexPath
        self.catalogRefreshInterval = catalogRefreshInterval
        self.logLevel = logLevel
        self.connections = connections
        self.drainTimeout = drainTimeout
        self.keysFile = keysFile
        self.keysFileIsExplicit = keysFileIsExplicit
        self.usageLog = usageLog
    }
}
