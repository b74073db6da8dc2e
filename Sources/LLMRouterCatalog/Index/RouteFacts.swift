import LLMRouterCore

/// The text forms of a route's limits, shared by the seed and the index:
/// `daily_reset` is `utc`, `rolling` or an IANA zone (`America/Los_Angeles`); `scope` is
/// `route`, `provider` or `pool` (with `pool: <name>`).
enum RouteLimitText {
    static let limitKeys = ["rpm", "rpd", "tpm", "tpd", "max_concurrency", "daily_reset", "scope", "pool"]

    static func dailyReset(_ text: String?) -> RateLimitConfiguration.DailyReset? {
        guard let text else { return .utc }
        switch text.lowercased() {
        case "utc": return .utc
        case "rolling": return .rolling
        default: return text.contains("/") ? .timeZone(text) : nil
        }
    }

    static func text(_ reset: RateLimitConfiguration.DailyReset) -> String {
        switch reset {
        case .utc: "utc"
        case .rolling: "rolling"
        case .timeZone(let zone): zone
        }
    }

    static func scope(_ text: String?, pool: String?) -> RateLimitConfiguration.Scope? {
        switch text?.lowercased() {
        case nil, "route": return .route
        case "provider": return .provider
        case "pool": return pool.map { .pool($0) }
        default: return nil
        }
    }

    /// `scope` and `pool` as written.
    static func text(_ scope: RateLimitConfiguration.Scope) -> (scope: String, pool: String?) {
        switch scope {
        case .route: ("route", nil)
        case .provider: ("provider", nil)
        case .pool(let name): ("pool", name)
        }
    }
}

extension ModelIndex {
    /// Reads the schema-2 fields of a provider mapping; all optional.
    static func decodeRouteFacts(_ reader: JSONFieldReader, into mapping: inout ProviderMapping) throws(IndexError) {
        if let limits = try reader.child("limits") {
            var configuration = RateLimitConfiguration(
                requestsPerMinute: try nonNegative(limits, "rpm"), requestsPerDay: try nonNegative(limits, "rpd"),
                tokensPerMinute: try nonNegative(limits, "tpm"), tokensPerDay: try nonNegative(limits, "tpd"),
                maxConcurrency: try nonNegative(limits, "max_concurrency")
            )
            guard let reset = RouteLimitText.dailyReset(try limits.string("daily_reset")) else {
                throw limits.error("daily_reset", "must be utc, rolling or an IANA time zone such as America/Los_Angeles")
            }
            configuration.dailyReset = reset
            guard let scope = RouteLimitText.scope(try limits.string("scope"), pool: try limits.string("pool")) else {
                throw limits.error("scope", "must be route, provider, or pool with a 'pool' name")
            }
            configuration.scope = scope
            mapping.limits = configuration
        }
        mapping.capabilities.contextLength = try nonNegative(reader, "context_length")
        mapping.capabilities.maxOutputTokens = try nonNegative(reader, "max_output_tokens")
        if let capabilities = try reader.child("capabilities") {
            mapping.capabilities.tools = try capabilities.bool("tools")
            mapping.capabilities.vision = try capabilities.bool("vision")
            mapping.capabilities.jsonMode = try capabilities.bool("json_mode")
        }
        if let price = try reader.child("price") {
            let input = try price.number("input_per_million") ?? 0
            let output = try price.number("output_per_million") ?? 0
            guard input >= 0, output >= 0 else { throw price.error("input_per_million", "prices must be ≥ 0") }
            mapping.price = RoutePrice(inputPerMillion: input, outputPerMillion: output)
        }
        if let quarantine = try reader.child("quarantine") {
            mapping.quarantine = Quarantine(reason: try quarantine.requiredString("reason"), at: try quarantine.string("at") ?? "unknown")
        }
        if let verified = try reader.child("verified") {
            mapping.verification = Verification(
                at: try verified.string("at") ?? "unknown",
                latencyMilliseconds: try nonNegative(verified, "latency_ms") ?? 0,
                rateLimitHeaders: try verified.stringMap("rate_limit_headers")
            )
        }
    }

    private static func nonNegative(_ reader: JSONFieldReader, _ key: String) throws(IndexError) -> Int? {
        guard let value = try reader.integer(key) else { return nil }
        guard value >= 0 else { throw reader.error(key, "must be ≥ 0, got \(value)") }
        return value
    }
}

/// The schema-2 fields as written; absent facts are left out so v1 readers see no change.
struct RouteFactsFile: Encodable {
    var mapping: ModelIndex.ProviderMapping

    enum CodingKeys: String, CodingKey {
        case limits, capabilities, price, quarantine, verified
        case contextLength = "context_length", maxOutputTokens = "max_output_tokens"
    }

    /// Encodes into the mapping's own container (called from its `encode(to:)`).
    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        if let limits = mapping.limits { try container.encode(LimitsFile(limits: limits), forKey: .limits) }
        let capabilities = mapping.capabilities
        try container.encodeIfPresent(capabilities.contextLength, forKey: .contextLength)
        try container.encodeIfPresent(capabilities.maxOutputTokens, forKey: .maxOutputTokens)
        if capabilities.tools != nil || capabilities.vision != nil || capabilities.jsonMode != nil {
            try container.encode(CapabilitiesFile(capabilities: capabilities), forKey: .capabilities)
        }
        if let price = mapping.price { try container.encode(PriceFile(price: price), forKey: .price) }
        if let quarantine = mapping.quarantine {
            try container.encode(["reason": quarantine.reason, "at": quarantine.at], forKey: .quarantine)
        }
        if let verification = mapping.verification { try container.encode(VerifiedFile(verification: verification), forKey: .verified) }
    }

    struct LimitsFile: Encodable {
        var limits: RateLimitConfiguration
        enum CodingKeys: String, CodingKey {
            case rpm, rpd, tpm, tpd, scope, pool
            case maxConcurrency = "max_concurrency", dailyReset = "daily_reset"
        }
        func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encodeIfPresent(limits.requestsPerMinute, forKey: .rpm)
            try container.encodeIfPresent(limits.requestsPerDay, forKey: .rpd)
            try container.encodeIfPresent(limits.tokensPerMinute, forKey: .tpm)
            try container.encodeIfPresent(limits.tokensPerDay, forKey: .tpd)
            try container.encodeIfPresent(limits.maxConcurrency, forKey: .maxConcurrency)
            try container.encode(RouteLimitText.text(limits.dailyReset), forKey: .dailyReset)
            let scope = RouteLimitText.text(limits.scope)
            try container.encode(scope.scope, forKey: .scope)
            try container.encodeIfPresent(scope.pool, forKey: .pool)
        }
    }

    struct CapabilitiesFile: Encodable {
        var capabilities: RouteCapabilities
        enum CodingKeys: String, CodingKey { case tools, vision, jsonMode = "json_mode" }
        func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encodeIfPresent(capabilities.tools, forKey: .tools)
            try container.encodeIfPresent(capabilities.vision, forKey: .vision)
            try container.encodeIfPresent(capabilities.jsonMode, forKey: .jsonMode)
        }
    }

    struct PriceFile: Encodable {
        var price: RoutePrice
        enum CodingKeys: String, CodingKey { case input = "input_per_million", output = "output_per_million" }
        func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(price.inputPerMillion, forKey: .input)
            try container.encode(price.outputPerMillion, forKey: .output)
        }
    }

    struct VerifiedFile: Encodable {
        var verification: ModelIndex.Verification
        enum CodingKeys: String, CodingKey { case at, latencyMS = "latency_ms", headers = "rate_limit_headers" }
        func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(verification.at, forKey: .at)
            try container.encode(verification.latencyMilliseconds, forKey: .latencyMS)
            try container.encode(verification.rateLimitHeaders, forKey: .headers)
        }
    }
}
