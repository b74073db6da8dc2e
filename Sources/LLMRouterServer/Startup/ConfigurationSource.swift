#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
public import LLMRouterCatalog
public import LLMRouterCore
import LLMRouterProviders
import LLMRouterConfig
public import Logging

/// Decides which providers the server starts with, and says so in the log:
/// the providers YAML when there is one, else the free-model catalog, else the embedded echo.
public enum ConfigurationSource {
    /// Where the configuration came from.
    public enum Origin: Sendable, Equatable {
        case file(String)
        case catalog(CatalogSource)
        case embeddedDefault
    }

    /// The configuration and what the catalog knew, for the startup checks.
    public struct Loaded: Sendable {
        public var configuration: RouterConfiguration
        public var origin: Origin
        /// The catalog index that loaded (also when no key made it usable); `nil` with a config file.
        public var catalogIndex: ModelIndex?
    }

    /// Loads the configuration the server starts with.
    /// - Throws: ``ConfigurationError`` for a malformed file, or a missing file named by `--config`.
    public static func load(
        settings: ServerSettings,
        environment: [String: String],
        fetcher: (any HTTPFetcher)?,
        logger: Logger
    ) async throws(ConfigurationError) -> (RouterConfiguration, Origin) {
        let loaded = try await loadDetailed(settings: settings, environment: environment, fetcher: fetcher, logger: logger)
        return (loaded.configuration, loaded.origin)
    }

    /// Loads the configuration the server starts with.
    /// - Parameters:
    ///   - environment: catalog variables (`LLMROUTER_MODEL_INDEX_URL`, `LLMROUTER_PROVIDERS`,
    ///     `LLMROUTER_CACHE_DIR`, ...) and the provider keys (checked for presence only).
    ///   - fetcher: downloads an http(s) catalog.
    /// - Throws: ``ConfigurationError`` for a malformed file, or a missing file named by `--config`.
    public static func loadDetailed(
        settings: ServerSettings,
        environment: [String: String],
        fetcher: (any HTTPFetcher)?,
        logger: Logger
    ) async throws(ConfigurationError) -> Loaded {
        var loaded = try await loadSource(settings: settings, environment: environment, fetcher: fetcher, logger: logger)
        loaded.configuration = try ModelMapVariable.applying(environment, to: loaded.configuration)
        return loaded
    }

    /// The configuration from its source, before the environment's additions.
    private static func loadSource(
        settings: ServerSettings,
        environment: [String: String],
        fetcher: (any HTTPFetcher)?,
        logger: Logger
    ) async throws(ConfigurationError) -> Loaded {
        let path = settings.configPath
        if FileManager.default.fileExists(atPath: path) {
            let loaded = try ConfigurationLoader().load(path: path)
            for warning in loaded.warnings {
                logger.warning("config warning", metadata: ["llmrouter.warning": "\(warning)"])
            }
            logger.notice("configuration loaded", metadata: ["llmrouter.source": "file", "llmrouter.config": "\(path)"])
            return Loaded(configuration: loaded.configuration, origin: .file(path), catalogIndex: nil)
        }
        if settings.configPathIsExplicit {
            throw ConfigurationError(file: path, message: "no such file (named by --config)")
        }
        if settings.configPathFromEnvironment {
            logger.warning(
                "config file not found; using the free-model catalog",
                metadata: ["llmrouter.config": "\(path)", "llmrouter.variable": "LLMROUTER_CONFIG"]
            )
        }
        let startup = await CatalogStartup.resolve(
            environment: environment,
            bundled: settings.bundledIndex,
            fetcher: fetcher,
            logger: logger
        )
        for failure in startup.loadFailures {
            logger.info("catalog source failed", metadata: ["llmrouter.catalog_failure": "\(failure)"])
        }
        if let source = startup.source, !startup.usesEmbeddedDefault {
            logger.notice(
                "configuration loaded",
                metadata: [
                    "llmrouter.source": "catalog",
                    "llmrouter.catalog": "\(source)",
                    "llmrouter.selection": "\(startup.selection.summary)",
                    "llmrouter.models": "\(startup.providers?.enabledModels.joined(separator: ",") ?? "")",
                ]
            )
            return Loaded(configuration: startup.configuration, origin: .catalog(source), catalogIndex: startup.index)
        }
        logger.notice(
            "serving the embedded local-echo provider",
            metadata: [
                "llmrouter.reason": "\(reason(startup))",
                "llmrouter.hint": "\(hint(startup, configPath: path))",
            ]
        )
        return Loaded(configuration: .embeddedDefault, origin: .embeddedDefault, catalogIndex: startup.index)
    }

    private static func reason(_ startup: CatalogStartup.Result) -> String {
        guard startup.source != nil else { return "no config file and no model catalog" }
        if case .all(let names) = startup.selection {
            return "no catalog model is offered by all of LLMROUTER_PROVIDERS=\(names.joined(separator: ",")) with a key set"
        }
        if !startup.idleKeys.isEmpty {
            return "the keys set serve no catalog model: " + startup.idleKeys.map(\.description).joined(separator: "; ")
        }
        return "no config file and no provider key set"
    }

    /// Names every provider's key variable: the user may have set one under another name, or none.
    private static func hint(_ startup: CatalogStartup.Result, configPath: String) -> String {
        let keys = ProviderKind.catalogKeyVariables.joined(separator: ", ")
        return "set one of \(keys) to serve the free-model catalog, or copy config/providers.example.yaml to \(configPath)"
    }
}
