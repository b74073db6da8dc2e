import LLMRouterCore

/// A cache setting that does not parse, with the field's short name.
public struct CacheSettingsError: Error, Sendable, Equatable {
    public var field: String
    public var message: String
}

/// Parses each cache setting from text, the same for YAML and the environment.
public enum CacheSettingsParser {
    static func ttl(_ text: String) throws(CacheSettingsError) -> Duration {
        guard let seconds = Double(text.trimmingWhitespace()), seconds >= 0, seconds.isFinite else {
            throw CacheSettingsError(field: "ttl_seconds", message: "must be a number of seconds ≥ 0 (0 turns the cache off), got '\(text)'")
        }
        return .milliseconds(Int64((seconds * 1000).rounded()))
    }

    static func mode(_ text: String) throws(CacheSettingsError) -> ResponseCacheSettings.Mode {
        guard let mode = ResponseCacheSettings.Mode(rawValue: text.trimmingWhitespace().lowercased()) else {
            throw CacheSettingsError(field: "mode", message: "must be deterministic or all, got '\(text)'")
        }
        return mode
    }

    static func flag(_ text: String) throws(CacheSettingsError) -> Bool {
        switch text.trimmingWhitespace().lowercased() {
        case "1", "true", "yes", "on": return true
        case "0", "false", "no", "off", "": return false
        default: throw CacheSettingsError(field: "flag", message: "must be true or false, got '\(text)'")
        }
    }

    static func byteCount(_ text: String) throws(CacheSettingsError) -> Int {
        guard let bytes = Int(text.trimmingWhitespace()), bytes > 0 else {
            throw CacheSettingsError(field: "max_bytes", message: "must be a number of bytes > 0, got '\(text)'")
        }
        return bytes
    }

    static func backend(_ text: String) throws(CacheSettingsError) -> ResponseCacheSettings.Backend {
        let trimmed = text.trimmingWhitespace()
        if trimmed.lowercased() == "memory" || trimmed.isEmpty { return .memory }
        if ["postgres", "postgresql"].contains(trimmed.lowercased()) { return .postgres }
        if trimmed.lowercased().hasPrefix("sqlite:") {
            let path = String(trimmed.dropFirst("sqlite:".count))
            guard !path.isEmpty else { throw CacheSettingsError(field: "backend", message: "sqlite: needs a file path, as in sqlite:data/cache.sqlite") }
            return .sqlite(path: path)
        }
        throw CacheSettingsError(field: "backend", message: "must be memory, sqlite:PATH or postgres, got '\(text)'")
    }

    static func threshold(_ text: String) throws(CacheSettingsError) -> Double {
        guard let value = Double(text.trimmingWhitespace()), value > 0, value <= 1 else {
            throw CacheSettingsError(field: "threshold", message: "must be a similarity in (0, 1], got '\(text)'")
        }
        return value
    }

    static func entries(_ text: String) throws(CacheSettingsError) -> Int {
        guard let value = Int(text.trimmingWhitespace()), value > 0 else {
            throw CacheSettingsError(field: "max_entries", message: "must be a whole number > 0, got '\(text)'")
        }
        return value
    }

    /// The settings `base` (the file's, or the defaults) with the environment's variables
    /// applied over it; an error names the variable.
    public static func applyingEnvironment(_ environment: [String: String], to base: ResponseCacheSettings) throws(CacheSettingsError) -> ResponseCacheSettings {
        var settings = base
        func value(_ name: String) -> String? {
            guard let text = environment[name]?.trimmingWhitespace(), !text.isEmpty else { return nil }
            return text
        }
        func named<T>(_ variable: String, _ parse: (String) throws(CacheSettingsError) -> T) throws(CacheSettingsError) -> T? {
            guard let text = value(variable) else { return nil }
            do throws(CacheSettingsError) {
                return try parse(text)
            } catch {
                throw CacheSettingsError(field: variable, message: "\(variable) \(error.message)")
            }
        }
        if let ttl = try named("LLMROUTER_CACHE_TTL", ttl) { settings.ttl = ttl }
        if let mode = try named("LLMROUTER_CACHE_MODE", mode) { settings.mode = mode }
        if let flag = try named("LLMROUTER_CACHE_TOOL_CALLS", flag) { settings.storesToolCalls = flag }
        if let bytes = try named("LLMROUTER_CACHE_MAX_BYTES", byteCount) { settings.maxBytes = bytes }
        if let bytes = try named("LLMROUTER_CACHE_MAX_ENTRY_BYTES", byteCount) { settings.maxEntryBytes = bytes }
        if let backend = try named("LLMROUTER_CACHE", backend) { settings.backend = backend }
        if let enabled = try named("LLMROUTER_SEMANTIC_CACHE_ENABLED", flag) {
            if enabled {
                guard let model = value("LLMROUTER_SEMANTIC_MODEL") ?? settings.semantic?.model else {
                    throw CacheSettingsError(
                        field: "LLMROUTER_SEMANTIC_MODEL",
                        message: "LLMROUTER_SEMANTIC_CACHE_ENABLED is on but LLMROUTER_SEMANTIC_MODEL names no embedding model"
                    )
                }
                var semantic = settings.semantic ?? SemanticCacheSettings(model: model)
                semantic.model = model
                settings.semantic = semantic
            } else {
                settings.semantic = nil
            }
        }
        if settings.semantic != nil {
            if let model = value("LLMROUTER_SEMANTIC_MODEL") { settings.semantic?.model = model }
            if let threshold = try named("LLMROUTER_SEMANTIC_CACHE_THRESHOLD", threshold) { settings.semantic?.threshold = threshold }
            if let entries = try named("LLMROUTER_SEMANTIC_CACHE_MAX_ENTRIES", entries) { settings.semantic?.maxEntries = entries }
        }
        settings.maxEntryBytes = min(settings.maxEntryBytes, settings.maxBytes)
        return settings
    }
}
