import LLMRouterCore
import Yams

/// Reads the optional top-level `cache:` section:
///
/// ```yaml
/// cache:
///   ttl_seconds: 3600        # 0 = off (LLMROUTER_CACHE_TTL)
///   mode: deterministic      # deterministic (temperature 0, a seed, embeddings) | all
///   tool_calls: false        # store answers that call tools
///   max_bytes: 67108864      # memory bound (LLMROUTER_CACHE_MAX_BYTES)
///   backend: memory          # memory | sqlite:PATH | postgres (LLMROUTER_CACHE)
///   semantic:                # opt-in (LLMROUTER_SEMANTIC_CACHE_ENABLED)
///     model: nv-embedqa-e5-v5
///     threshold: 0.97
///     max_entries: 512
/// ```
struct CacheSectionReader {
    static let knownKeys: Set<String> = ["ttl_seconds", "mode", "tool_calls", "max_bytes", "max_entry_bytes", "backend", "semantic"]
    static let semanticKeys: Set<String> = ["model", "threshold", "max_entries", "enabled"]

    let file: String
    private(set) var warnings: [ConfigurationWarning] = []

    init(file: String) {
        self.file = file
    }

    mutating func read(_ node: Node) throws(ConfigurationError) -> ResponseCacheSettings {
        guard let map = node.mapping else { throw error("cache", "must be a mapping (ttl_seconds, mode, tool_calls, max_bytes, backend, semantic)") }
        for key in map.keys.compactMap(\.string) where !Self.knownKeys.contains(key) {
            warnings.append(ConfigurationWarning(file: file, provider: nil, message: "unknown key 'cache.\(key)' ignored"))
        }
        var settings = ResponseCacheSettings()
        do throws(CacheSettingsError) {
            if let text = map["ttl_seconds"]?.string { settings.ttl = try CacheSettingsParser.ttl(text) }
            if let text = map["mode"]?.string { settings.mode = try CacheSettingsParser.mode(text) }
            if let text = map["tool_calls"]?.string { settings.storesToolCalls = try CacheSettingsParser.flag(text) }
            if let text = map["max_bytes"]?.string { settings.maxBytes = try CacheSettingsParser.byteCount(text) }
            if let text = map["max_entry_bytes"]?.string { settings.maxEntryBytes = try CacheSettingsParser.byteCount(text) }
            if let text = map["backend"]?.string { settings.backend = try CacheSettingsParser.backend(text) }
        } catch {
            throw self.error("cache.\(error.field)", error.message)
        }
        if let node = map["semantic"], !node.isNull {
            settings.semantic = try semantic(node)
        }
        settings.maxEntryBytes = min(settings.maxEntryBytes, settings.maxBytes)
        return settings
    }

    private mutating func semantic(_ node: Node) throws(ConfigurationError) -> SemanticCacheSettings? {
        guard let map = node.mapping else { throw error("cache.semantic", "must be a mapping (model, threshold, max_entries)") }
        for key in map.keys.compactMap(\.string) where !Self.semanticKeys.contains(key) {
            warnings.append(ConfigurationWarning(file: file, provider: nil, message: "unknown key 'cache.semantic.\(key)' ignored"))
        }
        if let enabled = map["enabled"]?.string, (try? CacheSettingsParser.flag(enabled)) == false { return nil }
        guard let model = map["model"]?.string?.trimmingWhitespace(), !model.isEmpty else {
            throw error("cache.semantic.model", "must name an embedding model the router serves")
        }
        var semantic = SemanticCacheSettings(model: model)
        do throws(CacheSettingsError) {
            if let text = map["threshold"]?.string { semantic.threshold = try CacheSettingsParser.threshold(text) }
            if let text = map["max_entries"]?.string { semantic.maxEntries = try CacheSettingsParser.entries(text) }
        } catch {
            throw self.error("cache.semantic.\(error.field)", error.message)
        }
        return semantic
    }

    private func error(_ field: String, _ message: String) -> ConfigurationError {
        ConfigurationError(file: file, provider: nil, field: field, message: message)
    }
}
