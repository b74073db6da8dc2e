#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import LLMRouterCore

extension ModelIndex {
    /// Decodes and validates an index written by `catalog-build` or by the Python llmrouter.
    ///
    /// Lenient where the two writers differ (missing `schema_version`, `generated_at`, `aliases`,
    /// `auto_matched`, `null` for optional fields, unknown keys, a bare string where a list is
    /// expected) and strict where routing would go wrong: every entry needs a `canonical` name and
    /// every provider mapping a `model`; numbers must be numbers in range; canonical names must be
    /// unique; the index must list at least one model.
    /// - Parameters:
    ///   - data: the file or response body.
    ///   - source: the path or URL, used only in error messages.
    /// - Throws: ``IndexError`` naming the source and the JSON path of the first problem.
    public static func decode(_ data: Data, source: String) throws(IndexError) -> ModelIndex {
        let root: JSONValue
        do {
            root = try JSONValue(parsing: data)
        } catch {
            throw IndexError(.malformedJSON, source: source, message: "not valid JSON (\(Self.summary(of: error)))")
        }
        guard let top = root.objectValue else {
            throw IndexError(.invalidField, source: source, message: "expected a JSON object with a 'models' list, got \(root.typeName)")
        }
        let reader = JSONFieldReader(source: source, path: "", object: top)
        let version = try schemaVersion(reader)
        guard let modelsValue = reader.value("models") else {
            throw reader.error("models", "missing; the index must list its models")
        }
        guard let modelValues = modelsValue.arrayValue else {
            throw reader.error("models", "must be a list, got \(modelsValue.typeName)")
        }
        guard !modelValues.isEmpty else { throw reader.error("models", "is empty; the index lists no model") }

        var models: [Entry] = []
        var skipped: [IndexError] = []
        var seen: [String: Int] = [:]
        for (position, value) in modelValues.enumerated() {
            let entryReader = try JSONFieldReader(source: source, path: "models[\(position)]", value: value)
            let kind: RouteKind
            switch routeKind(entryReader) {
            case .success(let known): kind = known
            case .failure(let unusable):
                skipped.append(unusable)
                continue
            }
            var entry = try decodeEntry(entryReader)
            entry.kind = kind
            entry.dimensions = try dimensions(entryReader)
            (entry.tier, entry.quality) = ranking(entryReader)
            let key = ModelName.normalize(entry.canonical)
            if let first = seen[key] {
                throw entryReader.error("canonical", "duplicate canonical name '\(entry.canonical)' (also models[\(first)])")
            }
            seen[key] = position
            models.append(entry)
        }

        guard !models.isEmpty else {
            throw reader.error("models", "no entry this version can serve (\(skipped.map(\.description).joined(separator: "; ")))")
        }

        let catalogs = try providerCatalogs(reader)
        let providers = try providerNames(reader) ?? Set(models.flatMap(\.providers.keys)).sorted()
        return ModelIndex(
            schemaVersion: version,
            generatedAt: try? reader.string("generated_at"),
            providers: providers,
            models: models,
            providerCatalogs: catalogs,
            listedAt: (try? reader.stringMap("listed_at")) ?? [:],
            skippedEntries: skipped
        )
    }

    /// The entry's `kind`: chat when absent (schema 1 and 2, Python files). A downloaded index is
    /// untrusted and may come from a newer builder, so a kind this build does not know, or one that
    /// is not a string, fails only that entry (returned, for the loader to log) and never the index.
    private static func routeKind(_ reader: JSONFieldReader) -> Result<RouteKind, IndexError> {
        guard let value = reader.value("kind") else { return .success(.chat) }
        let known = RouteKind.allKinds.map(\.rawValue).joined(separator: ", ")
        let name = (try? reader.string("canonical")) ?? "?"
        guard let text = value.stringValue else {
            return .failure(reader.error("kind", "must be one of \(known), got \(value.typeName); entry '\(name)' skipped"))
        }
        guard let kind = RouteKind(named: text.lowercased()) else {
            return .failure(reader.error("kind", "unknown kind '\(text)' (this version knows \(known)); entry '\(name)' skipped"))
        }
        return .success(kind)
    }

    /// `dimensions`: a positive whole number when present.
    private static func dimensions(_ reader: JSONFieldReader) throws(IndexError) -> Int? {
        guard let count = try reader.integer("dimensions") else { return nil }
        guard count > 0 else { throw reader.error("dimensions", "must be a positive whole number, got \(count)") }
        return count
    }

    /// `tier` and `quality` only rank models, so a value this build does not know (a newer tier,
    /// a rank outside 1–100) is left out instead of failing the entry or the index.
    private static func ranking(_ reader: JSONFieldReader) -> (ModelTier?, Int?) {
        let tier = reader.value("tier")?.stringValue.flatMap { ModelTier(named: $0.lowercased()) }
        let quality = (try? reader.integer("quality")).flatMap { ModelTier.qualityRange.contains($0) ? $0 : nil }
        return (tier, quality)
    }

    private static func schemaVersion(_ reader: JSONFieldReader) throws(IndexError) -> Int? {
        let version: Int?
        if let text = reader.value("schema_version")?.stringValue {
            guard let number = Int(text) else { throw reader.error("schema_version", "must be a whole number, got \"\(text)\"") }
            version = number
        } else {
            version = try reader.integer("schema_version")
        }
        if let version, version > currentSchemaVersion {
            throw IndexError(
                .unsupportedSchema, source: reader.source, field: "schema_version",
                message: "version \(version) is newer than the supported version \(currentSchemaVersion); update llmrouter"
            )
        }
        return version
    }

    private static func decodeEntry(_ reader: JSONFieldReader) throws(IndexError) -> Entry {
        let canonical = try reader.requiredString("canonical")
        let aliases = try reader.stringList("aliases")
        guard let providersValue = reader.value("providers") else {
            throw reader.error("providers", "missing; map each provider name to its upstream model")
        }
        let providersReader = try JSONFieldReader(source: reader.source, path: reader.fieldPath("providers"), value: providersValue)
        var providers: [String: ProviderMapping] = [:]
        for name in providersReader.object.keys.sorted() {
            guard let mappingReader = try providersReader.child(name) else {
                throw providersReader.error(name, "must be an object with at least 'model'")
            }
            providers[name] = try decodeMapping(mappingReader)
        }
        return Entry(canonical: canonical, aliases: aliases, providers: providers, autoMatched: try reader.bool("auto_matched") ?? false)
    }

    private static func decodeMapping(_ reader: JSONFieldReader) throws(IndexError) -> ProviderMapping {
        var mapping = ProviderMapping(model: try reader.requiredString("model"))
        mapping.apiKeyEnv = try reader.string("api_key_env")
        mapping.baseURL = try reader.string("base_url")
        if let url = mapping.baseURL, !(url.hasPrefix("http://") || url.hasPrefix("https://")) {
            throw reader.error("base_url", "must start with http:// or https://, got \"\(url)\"")
        }
        mapping.extraHeaders = try reader.stringMap("extra_headers")
        mapping.allowPaid = try reader.bool("allow_paid") ?? false
        mapping.priorityOffset = try reader.integer("priority_offset") ?? 0
        mapping.mockFailureRate = try reader.number("mock_failure_rate") ?? 0
        guard (0...1).contains(mapping.mockFailureRate) else {
            throw reader.error("mock_failure_rate", "must be between 0 and 1, got \(mapping.mockFailureRate)")
        }
        mapping.paid = try reader.bool("paid") ?? false
        if let breaker = try reader.child("circuit_breaker") {
            let settings = CircuitBreakerSettings(
                failureThreshold: try breaker.integer("failure_threshold"),
                recoveryTimeSeconds: try breaker.number("recovery_time_seconds"),
                windowSeconds: try breaker.number("window_seconds"),
                failureRateThreshold: try breaker.number("failure_rate_threshold"),
                minRequests: try breaker.integer("min_requests")
            )
            if let (key, message) = settings.violation() { throw breaker.error(key, message) }
            mapping.circuitBreaker = settings
        }
        try decodeRouteFacts(reader, into: &mapping)
        try decodeEvidence(reader, into: &mapping)
        return mapping
    }

    /// The top-level `providers`: a list of names (ours and Python's) or, leniently, an object keyed by name.
    private static func providerNames(_ reader: JSONFieldReader) throws(IndexError) -> [String]? {
        guard let value = reader.value("providers") else { return nil }
        if let object = value.objectValue { return object.keys.sorted() }
        return try reader.stringList("providers")
    }

    private static func providerCatalogs(_ reader: JSONFieldReader) throws(IndexError) -> [String: [String]] {
        guard let catalogs = try reader.child("provider_catalogs") else { return [:] }
        var result: [String: [String]] = [:]
        for name in catalogs.object.keys {
            result[name] = try catalogs.stringList(name)
        }
        return result
    }

    /// A one-line reason from a decoding error, without the whole coding path dump.
    static func summary(of error: any Error) -> String {
        if case DecodingError.dataCorrupted(let context) = error {
            return context.underlyingError.map { "\($0)" } ?? context.debugDescription
        }
        return "\(error)"
    }
}
