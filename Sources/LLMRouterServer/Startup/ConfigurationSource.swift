#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
public import LLMRouterCore
public import Logging

/// Decides which providers the server starts with and says so in the log.
public enum ConfigurationSource {
    /// Where the configuration came from, for the startup log.
    public enum Origin: Sendable, Equatable {
        case file(String)
        case embeddedDefault
    }

    /// Loads the providers YAML, or the embedded echo default when the default path does not exist.
    /// - Throws: ``ConfigurationError`` for a malformed file, or a missing file that was named explicitly.
    public static func load(settings: ServerSettings, logger: Logger) throws(ConfigurationError) -> (RouterConfiguration, Origin) {
        let path = settings.configPath
        if !FileManager.default.fileExists(atPath: path) {
            if settings.configPathIsExplicit {
                throw ConfigurationError(file: path, message: "no such file (named by --config or LLMROUTER_CONFIG)")
            }
            logger.notice(
                "no config file; serving the embedded local-echo provider",
                metadata: [
                    "llmrouter.config": "\(path)",
                    "llmrouter.hint": "copy config/providers.example.yaml to config/providers.yaml and set provider keys to route to real models",
                ]
            )
            return (.embeddedDefault, .embeddedDefault)
        }
        let loaded = try ConfigurationLoader().load(path: path)
        for warning in loaded.warnings {
            logger.warning("config warning", metadata: ["llmrouter.warning": "\(warning)"])
        }
        return (loaded.configuration, .file(path))
    }
}
