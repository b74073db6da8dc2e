public import LLMRouterCatalog
public import LLMRouterCore
import LLMRouterConfig
public import Logging

/// Re-reads the providers configuration (or the catalog), the access keys and the secrets to
/// mask, validates all of them, and only then swaps them in, together. Keys kept in the shared
/// table (`LLMROUTER_KEYS=postgres`) are not reloaded here: every change to it is read at once.
///
/// Run on SIGHUP and by `POST /admin/reload`. An invalid file is logged and refused: the
/// running table and keys keep serving. Requests in flight keep the table they started with,
/// and providers whose settings did not change keep their health and cool-downs
/// (``RouterApplication/replaceTable(with:)``).
public actor ConfigurationReloader {
    let settings: ServerSettings
    let environment: [String: String]
    let fetcher: (any HTTPFetcher)?
    let application: RouterApplication<ContinuousClock>
    let makeTable: @Sendable (RouterConfiguration) -> RoutingTable
    let logRedactor: SharedSecretRedactor
    /// Whether the keys come from the shared table (kept current by the shared-state service).
    let keysInDatabase: Bool
    let logger: Logger

    public init(
        settings: ServerSettings,
        environment: [String: String],
        fetcher: (any HTTPFetcher)?,
        application: RouterApplication<ContinuousClock>,
        makeTable: @escaping @Sendable (RouterConfiguration) -> RoutingTable,
        logRedactor: SharedSecretRedactor = .logging,
        keysInDatabase: Bool = false,
        logger: Logger
    ) {
        self.settings = settings
        self.environment = environment
        self.fetcher = fetcher
        self.application = application
        self.makeTable = makeTable
        self.logRedactor = logRedactor
        self.keysInDatabase = keysInDatabase
        self.logger = logger
    }

    /// Loads and swaps in the new configuration and keys, or keeps the old ones and says why.
    public func reload() async -> Result<ReloadReport, ReloadFailure> {
        logger.notice("reload started")
        let configuration: RouterConfiguration
        let origin: ConfigurationSource.Origin
        let keys: AccessKeys?
        do {
            (configuration, origin) = try await ConfigurationSource.load(
                settings: settings,
                environment: environment,
                fetcher: fetcher,
                logger: logger
            )
            keys = keysInDatabase
                ? nil : try AccessKeysLoader().load(environment: environment, file: settings.keysFile, fileIsExplicit: settings.keysFileIsExplicit)
        } catch {
            logger.error("reload refused; the running configuration is kept", metadata: ["llmrouter.error": "\(error)"])
            return .failure(ReloadFailure(message: "\(error)"))
        }
        application.replaceTable(with: makeTable(configuration))
        if let keys { application.keys.replace(with: keys) }
        logRedactor.replace(with: RouterServer.redactor(configuration: configuration, environment: environment))
        let report = ReloadReport(source: origin.description, providers: configuration.providers.count, keys: application.keys.current.keys.count)
        logger.notice(
            "configuration reloaded",
            metadata: ["llmrouter.source": "\(report.source)", "llmrouter.providers": "\(report.providers)", "llmrouter.keys": "\(report.keys)"]
        )
        return .success(report)
    }
}

extension ConfigurationSource.Origin: CustomStringConvertible {
    public var description: String {
        switch self {
        case .file(let path): "file \(path)"
        case .catalog(let source): "catalog \(source)"
        case .embeddedDefault: "embedded default"
        }
    }
}
