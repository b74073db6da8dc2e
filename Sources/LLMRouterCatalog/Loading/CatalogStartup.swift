import LLMRouterCore
import Logging

/// The catalog-driven startup of a server that has no config file, in one call.
///
/// Runs the ``CatalogLoader`` chain, converts the winning index with
/// ``ModelIndex/providerConfigurations(requiredProviders:environment:)`` and, when no index loads
/// or no provider is usable (no keys at all), falls back to
/// ``RouterConfiguration/embeddedDefault`` (local echo) so the server still starts.
///
/// ```swift
/// let startup = await CatalogStartup.resolve(
///     environment: ProcessInfo.processInfo.environment,
///     fetcher: AsyncHTTPFetcher(client: httpClient),
///     logger: logger
/// )
/// let configuration = startup.configuration
/// ```
public enum CatalogStartup {
    public struct Result: Sendable {
        /// What to route with: the catalog's providers, or the embedded echo default.
        public var configuration: RouterConfiguration
        /// The source whose index was used; `nil` when none loaded.
        public var source: CatalogSource?
        /// Sources that failed before the winner (or all of them).
        public var loadFailures: [CatalogSourceFailure]
        /// The conversion details; `nil` when no index loaded.
        public var providers: CatalogProviders?
        /// The providers a model had to be offered by.
        public var requiredProviders: [String]
        /// Whether ``configuration`` is the embedded echo default.
        public var usesEmbeddedDefault: Bool
    }

    /// Loads the catalog and builds the router configuration.
    /// - Parameters:
    ///   - environment: `LLMROUTER_MODEL_INDEX_URL`, `LLMROUTER_CACHE_DIR`, `LLMROUTER_PROVIDERS`,
    ///     and the key variables (checked for presence only).
    ///   - bundledFile: the shipped index; defaults to `generated/model_index.json`.
    ///   - fetcher: downloads an http(s) index; share the server's `HTTPClient`.
    public static func resolve(
        environment: [String: String],
        bundledFile: String? = CatalogLoader.Configuration.defaultBundledFile,
        fetcher: (any HTTPFetcher)?,
        logger: Logger
    ) async -> Result {
        let loader = CatalogLoader(configuration: .init(environment: environment, bundledFile: bundledFile), fetcher: fetcher)
        let loaded = await loader.load(logger: logger)
        let required = RequiredProviders.parse(environment: environment)
        guard let index = loaded.index else {
            logger.warning("using embedded echo configuration", metadata: ["reason": "no model catalog could be loaded"])
            return Result(
                configuration: .embeddedDefault, source: nil, loadFailures: loaded.failures, providers: nil,
                requiredProviders: required, usesEmbeddedDefault: true
            )
        }
        let providers = index.providerConfigurations(requiredProviders: required, environment: environment)
        for disabled in providers.disabledProviders {
            logger.info("catalog provider disabled", metadata: ["provider": "\(disabled.name)", "reason": "\(disabled.reason)"])
        }
        guard let configuration = providers.configuration else {
            logger.warning("using embedded echo configuration", metadata: [
                "reason": "no catalog provider is usable", "required_providers": "\(required.joined(separator: ","))",
                "disabled": "\(providers.disabledProviders.count)",
            ])
            return Result(
                configuration: .embeddedDefault, source: loaded.source, loadFailures: loaded.failures, providers: providers,
                requiredProviders: required, usesEmbeddedDefault: true
            )
        }
        logger.info("catalog configuration ready", metadata: [
            "source": "\(loaded.source?.kind.rawValue ?? "none")", "models": "\(providers.enabledModels.count)",
            "providers": "\(providers.providers.count)", "required_providers": "\(required.joined(separator: ","))",
        ])
        return Result(
            configuration: configuration, source: loaded.source, loadFailures: loaded.failures, providers: providers,
            requiredProviders: required, usesEmbeddedDefault: false
        )
    }
}
