import LLMRouterCore
import Logging

/// The catalog-driven startup of a server that has no config file, in one call.
///
/// Runs the ``CatalogLoader`` chain, converts the winning index with
/// ``ModelIndex/providerConfigurations(selection:environment:trust:)`` and, when no index loads
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
        /// Which models are served (`LLMROUTER_PROVIDERS`).
        public var selection: ProviderSelection
        /// Whether ``configuration`` is the embedded echo default.
        public var usesEmbeddedDefault: Bool
        /// The index that loaded, to tell names that could be served later from unknown ones.
        public var index: ModelIndex?
        /// Keys that are set but serve no catalog model, with the reason (also logged).
        public var idleKeys: [IdleKey] = []
    }

    /// Loads the catalog and builds the router configuration.
    /// - Parameters:
    ///   - environment: `LLMROUTER_MODEL_INDEX_URL`, `LLMROUTER_CACHE_DIR`, `LLMROUTER_PROVIDERS`,
    ///     `LLMROUTER_CATALOG_PUBLIC_KEY`, `LLMROUTER_CATALOG_TRUST_URLS` and the key variables
    ///     (checked for presence only).
    ///   - bundled: the shipped index; defaults to the copy compiled into the binary.
    ///   - fetcher: downloads an http(s) index; share the server's `HTTPClient`.
    public static func resolve(
        environment: [String: String],
        bundled: CatalogLoader.BundledIndex = .embedded,
        fetcher: (any HTTPFetcher)?,
        logger: Logger
    ) async -> Result {
        var loaderConfiguration = CatalogLoader.Configuration(environment: environment, bundled: bundled)
        do {
            loaderConfiguration.publicKey = try CatalogPublicKey.fromEnvironment(environment)
        } catch {
            // A key that cannot be read must not silently turn verification off: refuse downloads.
            logger.error("catalog public key unusable; downloaded catalogs are refused", metadata: ["error": "\(error.message)"])
            loaderConfiguration.indexLocation = loaderConfiguration.indexLocation.flatMap { CatalogLoader.isRemote($0) ? nil : $0 }
            loaderConfiguration.cacheFile = nil
        }
        let loaded = await CatalogLoader(configuration: loaderConfiguration, fetcher: fetcher).load(logger: logger)
        let selection = ProviderSelection.parse(environment: environment)
        guard let index = loaded.index else {
            logger.warning("using embedded echo configuration", metadata: ["reason": "no model catalog could be loaded"])
            return Result(
                configuration: .embeddedDefault, source: nil, loadFailures: loaded.failures, providers: nil,
                selection: selection, usesEmbeddedDefault: true, index: nil
            )
        }
        let trust = CatalogTrust(source: loaded.source, environment: environment)
        let providers = index.providerConfigurations(selection: selection, environment: environment, trust: trust)
        for disabled in providers.disabledProviders {
            if disabled.reason.hasPrefix("untrusted") {
                logger.warning("catalog route ignored", metadata: ["provider": "\(disabled.name)", "reason": "\(disabled.reason)"])
            } else {
                logger.debug("catalog route disabled", metadata: ["provider": "\(disabled.name)", "reason": "\(disabled.reason)"])
            }
        }
        let idleKeys = index.idleKeys(conversion: providers, selection: selection, environment: environment)
        for idle in idleKeys {
            logger.warning("provider key serves nothing", metadata: [
                "provider": "\(idle.provider)", "variable": "\(idle.variable)", "reason": "\(idle.reason)",
            ])
        }
        guard let configuration = providers.configuration else {
            logger.warning("using embedded echo configuration", metadata: [
                "reason": "no catalog provider is usable", "selection": "\(selection.summary)",
                "disabled": "\(providers.disabledProviders.count)",
            ])
            return Result(
                configuration: .embeddedDefault, source: loaded.source, loadFailures: loaded.failures, providers: providers,
                selection: selection, usesEmbeddedDefault: true, index: index, idleKeys: idleKeys
            )
        }
        logger.info("catalog configuration ready", metadata: [
            "source": "\(loaded.source?.kind.rawValue ?? "none")", "models": "\(providers.enabledModels.count)",
            "providers": "\(providers.providers.count)", "selection": "\(selection.summary)",
        ])
        return Result(
            configuration: configuration, source: loaded.source, loadFailures: loaded.failures, providers: providers,
            selection: selection, usesEmbeddedDefault: false, index: index, idleKeys: idleKeys
        )
    }
}
