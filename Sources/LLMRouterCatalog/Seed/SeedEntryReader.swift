import LLMRouterCore
import LLMRouterConfig
import Yams

/// Reads one `models:` entry of the seed, naming entry and field in every error.
struct SeedEntryReader {
    static let entryKeys: Set<String> = ["canonical", "aliases", "providers", "kind", "dimensions", "tier", "quality", "quality_source"]
    static let providerKeys: Set<String> = [
        "model", "api_key_env", "base_url", "extra_headers", "allow_paid", "priority_offset", "circuit_breaker",
        "mock_failure_rate", "limits", "context_length", "max_output_tokens", "capabilities", "documented",
    ]

    let file: String
    /// `provider_limits:`, the starting point of every mapping's `limits`.
    var providerLimits: [ProviderKind: RateLimitConfiguration] = [:]
    private(set) var warnings: [SeedWarning] = []
    /// How the entry is named in messages: its canonical name once known, its position before.
    private var label: String

    init(file: String, position: Int) {
        self.file = file
        self.label = "#\(position)"
    }

    mutating func read(_ node: Node) throws(SeedError) -> CatalogSeed.Entry {
        guard let map = node.mapping else { throw error(nil, "each model must be a mapping with 'canonical' and 'providers'") }
        let canonical = try requiredText(map, "canonical", prefix: "")
        label = canonical
        for key in map.keys.compactMap(\.string) where !Self.entryKeys.contains(key) {
            warn("unknown key '\(key)' ignored")
        }
        let aliases = try textList(map, "aliases")
        var kind = RouteKind.chat
        if let name = try text(map, "kind", prefix: "") {
            guard let named = RouteKind(named: name.lowercased()) else {
                throw error("kind", "unknown kind '\(name)'; expected one of \(RouteKind.allKinds.map(\.rawValue).joined(separator: ", "))")
            }
            kind = named
        }
        let dimensions = try count(map, "dimensions", prefix: "")
        if let dimensions, dimensions == 0 || kind != .embeddings {
            throw error("dimensions", dimensions == 0 ? "must be a positive whole number" : "only an embeddings model has dimensions; set kind: embeddings")
        }
        let (tier, quality, qualitySource) = try readRanking(map, kind: kind)
        guard let providersNode = map["providers"], let providers = providersNode.mapping, !providers.isEmpty else {
            throw error("providers", "missing or empty; map provider names (groq, openrouter, nvidia_nim, ...) to upstream models")
        }
        var seeds: [CatalogSeed.Provider] = []
        for (keyNode, value) in providers {
            guard let name = keyNode.string, let kind = ProviderKind(rawValue: name.lowercased()), kind != .echo else {
                throw error("providers.\(keyNode.string ?? "?")", "unknown provider; expected one of \(Self.providerList)")
            }
            var mapping = try readMapping(value, prefix: "providers.\(name).")
            if let limits = value.mapping?["limits"], limits.null == nil {
                mapping.limits = try readLimits(limits, prefix: "providers.\(name).limits.", base: providerLimits[kind])
            } else {
                mapping.limits = providerLimits[kind]
            }
            if kind == .openai, mapping.baseURL == nil {
                throw error("providers.\(name).base_url", "required for 'openai' (the API root, e.g. https://host/v1)")
            }
            seeds.append(CatalogSeed.Provider(kind: kind, mapping: mapping))
        }
        return CatalogSeed.Entry(
            canonical: canonical, aliases: aliases.filter { $0 != canonical }, providers: seeds, kind: kind, dimensions: dimensions,
            tier: tier, quality: quality, qualitySource: qualitySource
        )
    }

    /// `tier`, `quality` and `quality_source`: a rank without its source cannot be re-checked, so
    /// `quality` requires it; an embedding model's tier is `embedding`. A missing tier is a warning.
    private mutating func readRanking(_ map: Node.Mapping, kind: RouteKind) throws(SeedError) -> (ModelTier?, Int?, String?) {
        var tier: ModelTier?
        if let name = try text(map, "tier", prefix: "") {
            guard let named = ModelTier(named: name.lowercased()) else {
                throw error("tier", "unknown tier '\(name)'; expected one of \(ModelTier.allTiers.map(\.rawValue).joined(separator: ", "))")
            }
            guard (named == .embedding) == (kind == .embeddings) else {
                throw error("tier", "tier embedding goes with kind: embeddings, and only with it")
            }
            tier = named
        } else {
            warn("no tier; add one of \(ModelTier.allTiers.map(\.rawValue).joined(separator: ", "))")
        }
        let quality = try integer(map, "quality", prefix: "")
        if let quality, !ModelTier.qualityRange.contains(quality) {
            throw error("quality", "must be a rank from 1 to 100, got \(quality)")
        }
        let source = try text(map, "quality_source", prefix: "")
        if quality != nil, source == nil {
            throw error("quality_source", "missing; name the leaderboard or model card the quality rank comes from")
        }
        return (tier, quality, source)
    }

    private mutating func readMapping(_ node: Node, prefix: String) throws(SeedError) -> ModelIndex.ProviderMapping {
        guard let map = node.mapping else { throw error(String(prefix.dropLast()), "must be a mapping with at least 'model'") }
        for key in map.keys.compactMap(\.string) where !Self.providerKeys.contains(key) {
            warn("unknown key '\(prefix)\(key)' ignored")
        }
        var mapping = ModelIndex.ProviderMapping(model: try requiredText(map, "model", prefix: prefix))
        mapping.apiKeyEnv = try text(map, "api_key_env", prefix: prefix)
        mapping.baseURL = try text(map, "base_url", prefix: prefix)
        if let url = mapping.baseURL, !(url.hasPrefix("http://") || url.hasPrefix("https://")) {
            throw error(prefix + "base_url", "must start with http:// or https://")
        }
        mapping.extraHeaders = try textMap(map, "extra_headers", prefix: prefix)
        if let flag = map["allow_paid"], flag.null == nil {
            guard let value = flag.bool else { throw error(prefix + "allow_paid", "must be true or false") }
            mapping.allowPaid = value
        }
        mapping.priorityOffset = try integer(map, "priority_offset", prefix: prefix) ?? 0
        if let rate = try number(map, "mock_failure_rate", prefix: prefix) {
            guard (0...1).contains(rate) else { throw error(prefix + "mock_failure_rate", "must be between 0 and 1, got \(rate)") }
            mapping.mockFailureRate = rate
        }
        if let breakerNode = map["circuit_breaker"], breakerNode.null == nil {
            mapping.circuitBreaker = try readBreaker(breakerNode, prefix: prefix + "circuit_breaker.")
        }
        mapping.capabilities.contextLength = try count(map, "context_length", prefix: prefix)
        mapping.capabilities.maxOutputTokens = try count(map, "max_output_tokens", prefix: prefix)
        if let node = map["capabilities"], node.null == nil {
            guard let flags = node.mapping else { throw error(prefix + "capabilities", "must be a mapping of tools, vision, json_mode to true or false") }
            for key in flags.keys.compactMap(\.string) where !["tools", "vision", "json_mode"].contains(key) {
                warn("unknown key '\(prefix)capabilities.\(key)' ignored")
            }
            mapping.capabilities.tools = try flag(flags, "tools", prefix: prefix + "capabilities.")
            mapping.capabilities.vision = try flag(flags, "vision", prefix: prefix + "capabilities.")
            mapping.capabilities.jsonMode = try flag(flags, "json_mode", prefix: prefix + "capabilities.")
        }
        if let node = map["documented"], node.null == nil {
            mapping.documentation = try readDocumentation(node, prefix: prefix + "documented.")
        }
        return mapping
    }

    /// `documented: {source, date}`: where the route's facts were read, so it can be published
    /// before (or without) a listing. Both fields are required: an undated claim cannot be re-checked.
    private mutating func readDocumentation(_ node: Node, prefix: String) throws(SeedError) -> ModelIndex.Documentation {
        guard let map = node.mapping else { throw error(String(prefix.dropLast()), "must be a mapping with 'source' and 'date'") }
        for key in map.keys.compactMap(\.string) where key != "source" && key != "date" {
            warn("unknown key '\(prefix)\(key)' ignored")
        }
        let source = try requiredText(map, "source", prefix: prefix)
        let date = try requiredText(map, "date", prefix: prefix)
        let parts = date.split(separator: "-")
        guard parts.count == 3, parts.map(\.count) == [4, 2, 2], parts.allSatisfy({ $0.allSatisfy(\.isNumber) }) else {
            throw error(prefix + "date", "must be a date written YYYY-MM-DD, got '\(date)'")
        }
        return ModelIndex.Documentation(source: source, date: date)
    }

    /// A `limits:` mapping laid over `base`: fields it sets win, the rest stay.
    mutating func readLimits(_ node: Node, prefix: String, base: RateLimitConfiguration?) throws(SeedError) -> RateLimitConfiguration {
        guard let map = node.mapping else { throw error(String(prefix.dropLast()), "must be a mapping of rpm, rpd, tpm, tpd, daily_reset, scope") }
        for key in map.keys.compactMap(\.string) where !RouteLimitText.limitKeys.contains(key) {
            warn("unknown key '\(prefix)\(key)' ignored")
        }
        var limits = base ?? RateLimitConfiguration()
        limits.requestsPerMinute = try count(map, "rpm", prefix: prefix) ?? limits.requestsPerMinute
        limits.requestsPerDay = try count(map, "rpd", prefix: prefix) ?? limits.requestsPerDay
        limits.tokensPerMinute = try count(map, "tpm", prefix: prefix) ?? limits.tokensPerMinute
        limits.tokensPerDay = try count(map, "tpd", prefix: prefix) ?? limits.tokensPerDay
        limits.maxConcurrency = try count(map, "max_concurrency", prefix: prefix) ?? limits.maxConcurrency
        if let text = try text(map, "daily_reset", prefix: prefix) {
            guard let reset = RouteLimitText.dailyReset(text) else {
                throw error(prefix + "daily_reset", "must be utc, rolling or an IANA time zone such as America/Los_Angeles")
            }
            limits.dailyReset = reset
        }
        if let text = try text(map, "scope", prefix: prefix) {
            guard let scope = RouteLimitText.scope(text, pool: try self.text(map, "pool", prefix: prefix)) else {
                throw error(prefix + "scope", "must be route, provider, or pool with a 'pool' name")
            }
            limits.scope = scope
        }
        return limits
    }

    private func count(_ map: Node.Mapping, _ key: String, prefix: String) throws(SeedError) -> Int? {
        guard let value = try integer(map, key, prefix: prefix) else { return nil }
        guard value >= 0 else { throw error(prefix + key, "must be ≥ 0, got \(value)") }
        return value
    }

    private func flag(_ map: Node.Mapping, _ key: String, prefix: String) throws(SeedError) -> Bool? {
        guard let node = map[key], node.null == nil else { return nil }
        guard let value = node.bool else { throw error(prefix + key, "must be true or false") }
        return value
    }

    private mutating func readBreaker(_ node: Node, prefix: String) throws(SeedError) -> CircuitBreakerSettings {
        guard let map = node.mapping else { throw error(String(prefix.dropLast()), "must be a mapping") }
        for key in map.keys.compactMap(\.string) where !CircuitBreakerSettings.keys.contains(key) {
            warn("unknown key '\(prefix)\(key)' ignored")
        }
        let settings = CircuitBreakerSettings(
            failureThreshold: try integer(map, "failure_threshold", prefix: prefix),
            recoveryTimeSeconds: try number(map, "recovery_time_seconds", prefix: prefix),
            windowSeconds: try number(map, "window_seconds", prefix: prefix),
            failureRateThreshold: try number(map, "failure_rate_threshold", prefix: prefix),
            minRequests: try integer(map, "min_requests", prefix: prefix)
        )
        if let (key, message) = settings.violation() { throw error(prefix + key, message) }
        return settings
    }

    // MARK: Typed field readers

    private func text(_ map: Node.Mapping, _ key: String, prefix: String) throws(SeedError) -> String? {
        guard let node = map[key], node.null == nil else { return nil }
        guard case .scalar = node, let value = node.string?.trimmingWhitespace(), !value.isEmpty else {
            throw error(prefix + key, "must be a non-empty string")
        }
        return value
    }

    private func requiredText(_ map: Node.Mapping, _ key: String, prefix: String) throws(SeedError) -> String {
        guard let value = try text(map, key, prefix: prefix) else { throw error(prefix + key, "missing; must be a non-empty string") }
        return value
    }

    private func textList(_ map: Node.Mapping, _ key: String) throws(SeedError) -> [String] {
        do {
            return try YAMLTextList.read(map[key])
        } catch {
            throw self.error(key, error.message)
        }
    }

    private func textMap(_ map: Node.Mapping, _ key: String, prefix: String) throws(SeedError) -> [String: String] {
        guard let node = map[key], node.null == nil else { return [:] }
        guard let pairs = node.mapping else { throw error(prefix + key, "must be a mapping of header names to values") }
        var values: [String: String] = [:]
        for (name, value) in pairs {
            guard let name = name.string, !name.isEmpty, case .scalar = value, let text = value.string else {
                throw error(prefix + key, "header names and values must be strings")
            }
            values[name] = text
        }
        return values
    }

    private func integer(_ map: Node.Mapping, _ key: String, prefix: String) throws(SeedError) -> Int? {
        guard let node = map[key], node.null == nil else { return nil }
        guard let value = node.int else { throw error(prefix + key, "must be a whole number") }
        return value
    }

    private func number(_ map: Node.Mapping, _ key: String, prefix: String) throws(SeedError) -> Double? {
        guard let node = map[key], node.null == nil else { return nil }
        guard let value = node.int.map(Double.init) ?? node.float, value.isFinite else {
            throw error(prefix + key, "must be a number")
        }
        return value
    }

    // MARK: Messages

    private static var providerList: String {
        ProviderKind.allCases.filter { $0 != .echo }.map(\.rawValue).joined(separator: ", ")
    }

    private func error(_ field: String?, _ message: String) -> SeedError {
        SeedError(file: file, entry: label, field: field, message: message)
    }

    private mutating func warn(_ message: String) {
        warnings.append(SeedWarning(file: file, entry: label, message: message))
    }
}
