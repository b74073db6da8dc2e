#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
public import LLMRouterCatalog
public import LLMRouterCore
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

    /// Loads the configuration the server starts with.
    /// - Parameters:
    ///   - environment: catalog variables (`LLMROUTER_MODEL_INDEX_URL`, `LLMROUTER_PROVIDERS`,
    ///     `LLMROUTER_CACHE_DIR`) and the provider keys (checked for presence only).
    ///   - fetcher: downloads an http(s) catalog.
    /// - Throws: ``ConfigurationError`` for a malformed file, or a missing file that was named explicitly.
    public static func load(
        settings: ServerSettings,
        environment: [String: String],
        fetcher: (any HTTPFetcher)?,
        logger: Logger
    ) async throws(ConfigurationError) -> (RouterConfiguration, Origin) {
        let path = settings.configPath
        if FileManager.default.fileExists(atPath: path) {
            let loaded = try ConfigurationLoader().load(path: path)
            for warning in loaded.warnings {
                logger.warning("config warning", metadata: ["llmrouter.warning": "\(warning)"])
            }
            logger.notice("configuration loaded", metadata: ["llmrouter.source": "file", "llmrouter.config": "\(path)"])
            return (loaded.configuration, .file(path))
        }
        if settings.configPathIsExplicit {
            throw ConfigurationError(file: path, message: "no such file (named by --config or LLMROUTER_CONFIG)")
        }
        let startup = await CatalogStartup.resolve(
            environment: environment,
            bundledFile: settings.bundledIndexPath,
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
                    "llmrouter.models": "\(startup.providers?.enabledModels.joined(separator: ",") ?? "")",
                ]
            )
            return (startup.configuration, .catalog(source))
        }
        logger.notice(
            "serving the embedded local-echo provider",
            metadata: [
                "llmrouter.reason": "\(startup.source == nil ? "no config file and no model catalog" : "no config file and no provider key set")",
                "llmrouter.hint": "set GROQ_API_KEY, OPENROUTER_API_KEY or NVIDIA_NIM_KEY to serve the free-model catalog, or copy config/providers.example.yaml to \(path)",
            ]
        )
        return (.embeddedDefault, .embeddedDefault)
    }
}
