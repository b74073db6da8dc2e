#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import LLMRouterCacheStore
import LLMRouterConfig
import LLMRouterCore
import LLMRouterShared
import Logging
import Metrics
import ServiceLifecycle

/// Builds the response cache the file and the environment ask for, and checks it can work:
/// the semantic layer needs an embeddings route for its model.
enum ResponseCacheStartup {
    struct Opened {
        let cache: ResponseCache
        /// The SQLite or PostgreSQL backend's writer, to run with the server; `nil` for memory.
        let writer: (any Service)?
    }

    /// `nil` when the cache is off.
    /// - Parameter database: `database:` of the providers file, for the `postgres` backend.
    /// - Throws: ``ConfigurationError`` naming the variable or setting that is wrong.
    static func open(
        configured: ResponseCacheSettings?, database: DatabaseSetting? = nil, environment: [String: String], table: RoutingTable, logger: Logger
    ) async throws -> Opened? {
        let settings: ResponseCacheSettings
        do {
            settings = try CacheSettingsParser.applyingEnvironment(environment, to: configured ?? ResponseCacheSettings())
        } catch {
            throw ConfigurationError(file: error.field, message: error.message)
        }
        guard settings.isEnabled else {
            if settings.semantic != nil {
                logger.warning("semantic cache needs the response cache: set LLMROUTER_CACHE_TTL to a number of seconds")
            }
            return nil
        }
        if let semantic = settings.semantic {
            try checkEmbeddingRoute(semantic.model, table: table)
        }
        var writer: (any Service)?
        let backend: any ResponseCacheBackend
        switch settings.backend {
        case .memory:
            backend = MemoryCacheBackend(maxBytes: settings.maxBytes)
        case .sqlite(let path):
            let now = Int64((Date().timeIntervalSince1970 * 1000).rounded())
            let sqlite = try await SQLiteCacheBackend.open(path: path, maxBytes: settings.maxBytes, now: now, logger: logger)
            backend = sqlite
            writer = sqlite
        case .postgres:
            let postgres = try openPostgres(environment: environment, database: database, maxBytes: settings.maxBytes, logger: logger)
            backend = postgres
            writer = postgres
        }
        let cache = ResponseCache(settings: settings, backend: backend)
        let occupancy = await cache.occupancy()
        logger.info(
            "response cache on",
            metadata: [
                "llmrouter.cache_ttl_seconds": "\(settings.ttl.components.seconds)",
                "llmrouter.cache_mode": "\(settings.mode.rawValue)",
                "llmrouter.cache_backend": "\(settings.backend.summary)",
                "llmrouter.cache_entries": "\(occupancy.entries)",
                "llmrouter.semantic_model": "\(settings.semantic?.model ?? "off")",
            ]
        )
        return Opened(cache: cache, writer: writer)
    }

    /// The shared backend on the database of `LLMROUTER_DATABASE_URL` (or `database:` of the
    /// providers file); it connects when the server runs it.
    /// - Throws: ``ConfigurationError`` naming both variables when the address is missing, or
    ///   where the address came from when it is malformed.
    static func openPostgres(environment: [String: String], database: DatabaseSetting? = nil, maxBytes: Int, logger: Logger) throws -> PostgresCacheBackend {
        let variable = SharedStateStartup.variable
        guard let url = try SharedStateStartup.databaseURL(environment, configured: database) else {
            throw ConfigurationError(
                file: "LLMROUTER_CACHE",
                message: "postgres keeps the cache in the database of \(variable) (or database: in the providers YAML), which is unset;"
                    + " set \(variable)=postgres://user:password@host:5432/database or choose another backend (memory, sqlite:PATH)"
            )
        }
        SharedSecretRedactor.logging.replace(with: SharedSecretRedactor.logging.current.adding(url.secrets))
        let metrics = MetricsBootstrap.registry.map(MetricsBootstrap.factory(registry:)) ?? MetricsSystem.factory
        return PostgresCacheBackend(settings: .init(url: url, maxBytes: maxBytes), logger: logger, metrics: metrics)
    }

    /// The semantic layer embeds with the router's own routes: its model must be served there.
    static func checkEmbeddingRoute(_ model: String, table: RoutingTable) throws {
        guard case .providers(let indices) = table.resolver.resolve(model),
            indices.contains(where: { table.routes[$0].configuration.routeKind == .embeddings })
        else {
            throw ConfigurationError(
                file: "LLMROUTER_SEMANTIC_MODEL",
                message: "'\(model)' is not an embedding model this router serves; name one listed with kind embeddings in /v1/models"
                    + " (a provider's embedding model, or a local OpenAI-compatible embeddings server in the YAML file)"
            )
        }
    }
}

extension ResponseCacheSettings.Backend {
    var summary: String {
        switch self {
        case .memory: "memory"
        case .sqlite(let path): "sqlite:\(path)"
        case .postgres: "postgres"
        }
    }
}
