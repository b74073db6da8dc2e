import LLMRouterCore
import Yams

/// Reads one `providers:` entry, field by field, naming the field in every error.
struct ProviderEntryReader {
    static let knownKeys: Set<String> = [
        "name", "type", "priority", "mock_failure_rate", "mock_latency_ms", "model", "canonical_model",
        "aliases", "base_url", "api_key_env", "extra_headers", "allow_paid", "circuit_breaker", "timeouts",
        "weight", "rate_limit", "kind", "tier", "quality", "tags", "price",
    ]
    static let rateLimitKeys: Set<String> = ["scope", "rpm", "rpd", "tpm", "tpd", "max_concurrency", "daily_reset"]
    static let breakerKeys: Set<String> = [
        "failure_threshold", "recovery_time_seconds", "window_seconds", "failure_rate_threshold", "min_requests",
    ]
    static let timeoutKeys: Set<String> = ["connect_seconds", "first_byte_seconds", "total_seconds"]

    let file: String
    let position: Int
    private(set) var warnings: [ConfigurationWarning] = []
    /// `api_key_env` as a list: one variable per key (`[GEMINI_API_KEY, GEMINI_API_KEY_2]`), or
    /// the single one; empty when the entry names none.
    private(set) var keyVariables: [String] = []
    /// How the entry is named in messages: its name once known, its position before.
    private var label: String

    init(file: String, position: Int) {
        self.file = file
        self.position = position
        self.label = "#\(position)"
    }

    mutating func read(_ node: Node) throws(ConfigurationError) -> ProviderConfiguration {
        guard let map = node.mapping else {
            throw error(nil, "each provider must be a mapping of fields")
        }
        guard let nameNode = map["name"] else { throw error("name", "missing; every provider needs a unique name") }
        guard let name = nameNode.string?.trimmingWhitespace(), !name.isEmpty else {
            throw error("name", "must be a non-empty string")
        }
        label = name
        guard let typeText = map["type"]?.string else {
            throw error("type", "missing; one of \(Self.kindList)")
        }
        guard let kind = ProviderKind(rawValue: typeText.trimmingWhitespace().lowercased()) else {
            throw error("type", "unknown type '\(typeText)'; expected one of \(Self.kindList)")
        }
        for key in map.keys.compactMap(\.string) where !Self.knownKeys.contains(key) {
            warn("unknown key '\(key)' ignored")
        }
        var provider = ProviderConfiguration(name: name, kind: kind)
        if let kindName = try text(map, "kind") {
            guard let routeKind = RouteKind(named: kindName.lowercased()) else {
                throw error("kind", "unknown kind '\(kindName)'; expected one of \(RouteKind.allKinds.map(\.rawValue).joined(separator: ", "))")
            }
            provider.routeKind = routeKind
        }
        if let tierName = try text(map, "tier") {
            guard let tier = ModelTier(named: tierName.lowercased()) else {
                throw error("tier", "unknown tier '\(tierName)'; expected one of \(ModelTier.allTiers.map(\.rawValue).joined(separator: ", "))")
            }
            provider.tier = tier
        }
        if let quality = try integer(map, "quality", minimum: ModelTier.qualityRange.lowerBound) {
            guard ModelTier.qualityRange.contains(quality) else { throw error("quality", "must be a rank from 1 to 100, got \(quality)") }
            provider.quality = quality
        }
        provider.priority = try integer(map, "priority", minimum: 0) ?? provider.priority
        if let weight = try number(map, "weight", prefix: "") {
            guard weight >= 0 else { throw error("weight", "must not be negative, got \(weight)") }
            provider.weight = weight
        }
        if let rateLimit = map["rate_limit"], !rateLimit.isNull {
            provider.rateLimit = try readRateLimit(rateLimit)
        }
        provider.mockFailureRate = try fraction(map, "mock_failure_rate") ?? 0
        provider.mockLatency = .milliseconds(try integer(map, "mock_latency_ms", minimum: 0) ?? 0)
        provider.model = try text(map, "model")
        provider.canonicalModel = try text(map, "canonical_model")
        provider.aliases = try textList(map, "aliases")
        provider.tags = try textList(map, "tags").map { $0.lowercased() }
        provider.baseURL = try text(map, "base_url")
        keyVariables = try textList(map, "api_key_env")
        if map["api_key_env"]?.sequence?.isEmpty == true { throw error("api_key_env", "must name at least one variable") }
        provider.apiKeyVariable = keyVariables.first
        provider.extraHeaders = try textMap(map, "extra_headers")
        provider.allowPaid = try boolean(map, "allow_paid") ?? false
        if let price = map["price"], !price.isNull {
            guard let prices = price.mapping else { throw error("price", "must be a mapping {input: USD, output: USD} per million tokens") }
            for key in prices.keys.compactMap(\.string) where !["input", "output"].contains(key) { warn("unknown key 'price.\(key)' ignored") }
            let input = try number(prices, "input", prefix: "price.") ?? 0
            let output = try number(prices, "output", prefix: "price.") ?? 0
            guard input >= 0, output >= 0 else { throw error("price", "US dollars per million tokens must be ≥ 0") }
            provider.price = RoutePrice(inputPerMillion: input, outputPerMillion: output)
        }
        if let breaker = map["circuit_breaker"] {
            provider.circuitBreaker = try readBreaker(breaker)
        }
        if let timeouts = map["timeouts"] {
            provider.timeouts = try readTimeouts(timeouts)
        }
        if kind == .openai, provider.baseURL == nil {
            throw error("base_url", "required for type 'openai' (the API root, e.g. https://host/v1)")
        }
        if let url = provider.baseURL, !(url.hasPrefix("http://") || url.hasPrefix("https://")) {
            throw error("base_url", "must start with http:// or https://")
        }
        return provider
    }

    private mutating func readBreaker(_ node: Node) throws(ConfigurationError) -> BreakerConfiguration {
        guard let map = node.mapping else { throw error("circuit_breaker", "must be a mapping") }
        for key in map.keys.compactMap(\.string) where !Self.breakerKeys.contains(key) {
            warn("unknown key 'circuit_breaker.\(key)' ignored")
        }
        var breaker = BreakerConfiguration()
        breaker.failureThreshold = try integer(map, "failure_threshold", minimum: 1, prefix: "circuit_breaker.") ?? breaker.failureThreshold
        breaker.recoveryTime = try seconds(map, "recovery_time_seconds", prefix: "circuit_breaker.") ?? breaker.recoveryTime
        breaker.window = try seconds(map, "window_seconds", prefix: "circuit_breaker.") ?? breaker.window
        breaker.failureRateThreshold = try fraction(map, "failure_rate_threshold", prefix: "circuit_breaker.") ?? breaker.failureRateThreshold
        breaker.minimumRequests = try integer(map, "min_requests", minimum: 1, prefix: "circuit_breaker.") ?? breaker.minimumRequests
        return breaker
    }

    private mutating func readRateLimit(_ node: Node) throws(ConfigurationError) -> RateLimitConfiguration {
        guard let map = node.mapping else { throw error("rate_limit", "must be a mapping (scope, rpm, rpd, tpm, tpd, max_concurrency, daily_reset)") }
        for key in map.keys.compactMap(\.string) where !Self.rateLimitKeys.contains(key) {
            warn("unknown key 'rate_limit.\(key)' ignored")
        }
        var limits = RateLimitConfiguration()
        if let scope = try text(map, "scope") {
            switch scope.lowercased() {
            case "route": limits.scope = .route
            case "provider": limits.scope = .provider
            case let pool where pool.hasPrefix("pool:") && pool.count > 5: limits.scope = .pool(String(scope.dropFirst(5)))
            default: throw error("rate_limit.scope", "must be route, provider or pool:NAME, got \"\(scope)\"")
            }
        }
        limits.requestsPerMinute = try integer(map, "rpm", minimum: 1, prefix: "rate_limit.")
        limits.requestsPerDay = try integer(map, "rpd", minimum: 1, prefix: "rate_limit.")
        limits.tokensPerMinute = try integer(map, "tpm", minimum: 1, prefix: "rate_limit.")
        limits.tokensPerDay = try integer(map, "tpd", minimum: 1, prefix: "rate_limit.")
        limits.maxConcurrency = try integer(map, "max_concurrency", minimum: 1, prefix: "rate_limit.")
        if let reset = try text(map, "daily_reset") {
            switch reset {
            case "utc", "UTC": limits.dailyReset = .utc
            case "rolling": limits.dailyReset = .rolling
            case let zone where zone.contains("/") && DailyResetClock.isKnownTimeZone(zone): limits.dailyReset = .timeZone(zone)
            default: throw error("rate_limit.daily_reset", "must be utc, rolling or an IANA time zone such as America/Los_Angeles, got \"\(reset)\"")
            }
        }
        return limits
    }

    private mutating func readTimeouts(_ node: Node) throws(ConfigurationError) -> UpstreamTimeouts {
        guard let map = node.mapping else { throw error("timeouts", "must be a mapping") }
        for key in map.keys.compactMap(\.string) where !Self.timeoutKeys.contains(key) {
            warn("unknown key 'timeouts.\(key)' ignored")
        }
        var timeouts = UpstreamTimeouts()
        timeouts.connect = try seconds(map, "connect_seconds", prefix: "timeouts.", allowZero: false) ?? timeouts.connect
        timeouts.firstByte = try seconds(map, "first_byte_seconds", prefix: "timeouts.", allowZero: false) ?? timeouts.firstByte
        timeouts.total = try seconds(map, "total_seconds", prefix: "timeouts.", allowZero: false) ?? timeouts.total
        return timeouts
    }

    // MARK: Typed field readers

    private func text(_ map: Node.Mapping, _ key: String) throws(ConfigurationError) -> String? {
        guard let node = map[key], !node.isNull else { return nil }
        guard case .scalar = node, let value = node.string?.trimmingWhitespace(), !value.isEmpty else {
            throw error(key, "must be a non-empty string")
        }
        return value
    }

    private func textList(_ map: Node.Mapping, _ key: String) throws(ConfigurationError) -> [String] {
        do {
            return try YAMLTextList.read(map[key])
        } catch {
            throw self.error(key, error.message)
        }
    }

    private func textMap(_ map: Node.Mapping, _ key: String) throws(ConfigurationError) -> [String: String] {
        guard let node = map[key], !node.isNull else { return [:] }
        guard let pairs = node.mapping else { throw error(key, "must be a mapping of header names to values") }
        var values: [String: String] = [:]
        for (name, value) in pairs {
            guard let name = name.string, !name.isEmpty, case .scalar = value, let text = value.string else {
                throw error(key, "header names and values must be strings")
            }
            values[name] = text
        }
        return values
    }

    private func boolean(_ map: Node.Mapping, _ key: String) throws(ConfigurationError) -> Bool? {
        guard let node = map[key], !node.isNull else { return nil }
        guard let value = node.bool else { throw error(key, "must be true or false, got \(node.quoted)") }
        return value
    }

    private func integer(_ map: Node.Mapping, _ key: String, minimum: Int, prefix: String = "") throws(ConfigurationError) -> Int? {
        guard let node = map[key], !node.isNull else { return nil }
        guard let value = node.int else { throw error(prefix + key, "must be a whole number ≥ \(minimum), got \(node.quoted)") }
        guard value >= minimum else { throw error(prefix + key, "must be ≥ \(minimum), got \(value)") }
        return value
    }

    private func number(_ map: Node.Mapping, _ key: String, prefix: String) throws(ConfigurationError) -> Double? {
        guard let node = map[key], !node.isNull else { return nil }
        guard let value = node.float ?? node.int.map(Double.init), value.isFinite else {
            throw error(prefix + key, "must be a number, got \(node.quoted)")
        }
        return value
    }

    private func fraction(_ map: Node.Mapping, _ key: String, prefix: String = "") throws(ConfigurationError) -> Double? {
        guard let value = try number(map, key, prefix: prefix) else { return nil }
        guard (0...1).contains(value) else { throw error(prefix + key, "must be between 0 and 1, got \(value)") }
        return value
    }

    private func seconds(_ map: Node.Mapping, _ key: String, prefix: String, allowZero: Bool = true) throws(ConfigurationError) -> Duration? {
        guard let value = try number(map, key, prefix: prefix) else { return nil }
        guard value >= 0 else { throw error(prefix + key, "must not be negative, got \(value)") }
        guard allowZero || value > 0 else { throw error(prefix + key, "must be greater than 0") }
        return .milliseconds(Int64((value * 1000).rounded()))
    }

    // MARK: Messages

    private static var kindList: String { ProviderKind.allCases.map(\.rawValue).joined(separator: ", ") }

    private func error(_ field: String?, _ message: String) -> ConfigurationError {
        ConfigurationError(file: file, provider: label, field: field, message: message)
    }

    private mutating func warn(_ message: String) {
        warnings.append(ConfigurationWarning(file: file, provider: label, message: message))
    }
}

extension Node {
    var isNull: Bool { self.null != nil }
    fileprivate var quoted: String {
        switch self {
        case .scalar(let scalar): "\"\(scalar.string)\""
        case .mapping: "a mapping"
        case .sequence: "a list"
        case .alias: "an alias"
        }
    }
}
