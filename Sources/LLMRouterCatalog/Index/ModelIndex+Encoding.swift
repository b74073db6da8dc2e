#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import LLMRouterCore

extension ModelIndex {
    /// The index as JSON bytes, byte-for-byte the same for the same index.
    ///
    /// Object keys are sorted and the `models` list keeps catalog order, so two builds from the
    /// same listings differ only in `generated_at`. Every mapping field is written (with `null`
    /// for an absent `base_url` or `circuit_breaker`) so the Python llmrouter reads our files too;
    /// `paid` is written only when true.
    /// - Parameter pretty: indent the output (`catalog-build --pretty`).
    /// - Returns: UTF-8 JSON ending in a newline.
    public func encoded(pretty: Bool) throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        var data = try encoder.encode(IndexFile(self))
        if pretty { return try PrettyJSON.format(data) }
        data.append(UInt8(ascii: "\n"))
        return data
    }
}

/// The wire shape of ``ModelIndex``; separate so the public type stays free of coding details.
private struct IndexFile: Encodable {
    var schemaVersion: Int?
    var generatedAt: String?
    var providers: [String]
    var models: [EntryFile]
    var providerCatalogs: [String: [String]]
    var listedAt: [String: String]

    init(_ index: ModelIndex) {
        schemaVersion = index.schemaVersion
        generatedAt = index.generatedAt
        providers = index.providers
        models = index.models.map(EntryFile.init)
        providerCatalogs = index.providerCatalogs
        listedAt = index.listedAt
    }

    enum CodingKeys: String, CodingKey {
        case schemaVersion = "schema_version", generatedAt = "generated_at", providers, models
        case providerCatalogs = "provider_catalogs", listedAt = "listed_at"
    }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encodeIfPresent(schemaVersion, forKey: .schemaVersion)
        try container.encodeIfPresent(generatedAt, forKey: .generatedAt)
        try container.encode(providers, forKey: .providers)
        try container.encode(models, forKey: .models)
        try container.encode(providerCatalogs, forKey: .providerCatalogs)
        if !listedAt.isEmpty { try container.encode(listedAt, forKey: .listedAt) }
    }
}

/// `kind` is written only when it is not chat, so chat entries read the same as in schema 2.
private struct EntryFile: Encodable {
    var entry: ModelIndex.Entry

    init(_ entry: ModelIndex.Entry) { self.entry = entry }

    enum CodingKeys: String, CodingKey {
        case canonical, aliases, providers, kind, dimensions, tier, quality
        case autoMatched = "auto_matched"
    }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(entry.canonical, forKey: .canonical)
        try container.encode(entry.aliases, forKey: .aliases)
        try container.encode(entry.autoMatched, forKey: .autoMatched)
        try container.encode(entry.providers.mapValues(MappingFile.init), forKey: .providers)
        if entry.kind != .chat { try container.encode(entry.kind.rawValue, forKey: .kind) }
        try container.encodeIfPresent(entry.dimensions, forKey: .dimensions)
        try container.encodeIfPresent(entry.tier?.rawValue, forKey: .tier)
        try container.encodeIfPresent(entry.quality, forKey: .quality)
    }
}

private struct MappingFile: Encodable {
    var mapping: ModelIndex.ProviderMapping

    init(_ mapping: ModelIndex.ProviderMapping) { self.mapping = mapping }

    enum CodingKeys: String, CodingKey {
        case model, paid
        case apiKeyEnv = "api_key_env", baseURL = "base_url", extraHeaders = "extra_headers", allowPaid = "allow_paid"
        case priorityOffset = "priority_offset", circuitBreaker = "circuit_breaker", mockFailureRate = "mock_failure_rate"
    }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(mapping.model, forKey: .model)
        try container.encode(mapping.apiKeyEnv, forKey: .apiKeyEnv)
        try container.encode(mapping.baseURL, forKey: .baseURL)
        try container.encode(mapping.extraHeaders, forKey: .extraHeaders)
        try container.encode(mapping.allowPaid, forKey: .allowPaid)
        try container.encode(mapping.priorityOffset, forKey: .priorityOffset)
        try container.encode(mapping.circuitBreaker.map(BreakerFile.init), forKey: .circuitBreaker)
        try container.encode(mapping.mockFailureRate, forKey: .mockFailureRate)
        if mapping.paid { try container.encode(true, forKey: .paid) }
        try RouteFactsFile(mapping: mapping).encode(to: encoder)
        try RouteEvidenceFile(mapping: mapping).encode(to: encoder)
    }
}

private struct BreakerFile: Encodable {
    var settings: CircuitBreakerSettings

    init(_ settings: CircuitBreakerSettings) { self.settings = settings }

    enum CodingKeys: String, CodingKey {
        case failureThreshold = "failure_threshold", recoveryTimeSeconds = "recovery_time_seconds"
        case windowSeconds = "window_seconds", failureRateThreshold = "failure_rate_threshold", minRequests = "min_requests"
    }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encodeIfPresent(settings.failureThreshold, forKey: .failureThreshold)
        try container.encodeIfPresent(settings.recoveryTimeSeconds, forKey: .recoveryTimeSeconds)
        try container.encodeIfPresent(settings.windowSeconds, forKey: .windowSeconds)
        try container.encodeIfPresent(settings.failureRateThreshold, forKey: .failureRateThreshold)
        try container.encodeIfPresent(settings.minRequests, forKey: .minRequests)
    }
}
