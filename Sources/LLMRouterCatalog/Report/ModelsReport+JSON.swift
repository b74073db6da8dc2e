#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import LLMRouterCore

extension ModelsReport {
    /// The version of the JSON below; it changes only when a field changes meaning or goes away.
    public static let jsonVersion = 1

    /// The report as stable JSON (`debug-models --json`): sorted keys, two-space indentation.
    ///
    /// ```json
    /// {
    ///   "report_version": 1,
    ///   "selection": "all",
    ///   "index": {"source": "bundled", "location": "generated/model_index.json",
    ///             "generated_at": "2026-08-20T10:00:00Z", "schema_version": 1, "models": 15},
    ///   "required_providers": ["groq", "openrouter", "nvidia_nim"],
    ///   "credentials": {"groq": {"variable": "GROQ_API_KEY", "status": "set"}},
    ///   "models": [
    ///     {"canonical": "gpt-oss-20b", "aliases": ["openai/gpt-oss-20b"], "auto_matched": false,
    ///      "kind": "chat", "enabled": true, "common": true,
    ///      "providers": {"groq": {"model": "openai/gpt-oss-20b", "key_variable": "GROQ_API_KEY", "key": "set",
    ///                             "listed_free": true, "paid": false, "allow_paid": false, "usable": true,
    ///                             "status": "listed"}},
    ///      "served_by": ["groq"], "not_served_by": {"openrouter": "key variable OPENROUTER_API_KEY is not set"}}
    ///   ],
    ///   "total_models": 15,
    ///   "common_models": ["gpt-oss-20b"],
    ///   "live": {"groq": {"status": "ok", "listed": 20, "free_count": 12, "free_models": ["..."]}}
    /// }
    /// ```
    ///
    /// - `credentials.*.status` and `models[].providers.*.key` are `"set"` or `"missing"`; key
    ///   values never appear. `credentials` names every provider of the index and every other one
    ///   whose key is set; `credentials.*.serves_nothing`, present only then, says why a key that is
    ///   set serves no model (no catalog entries, all quarantined, all refused, not required).
    /// - `selection`: `any_keyed` (default: a model is served when any provider with a key offers it,
    ///   `required_providers` is empty) or `all` (`LLMROUTER_PROVIDERS`/`--providers`: every listed one must).
    /// - `kind`: `chat` (served on chat, Messages and Responses) or `embeddings` (served on
    ///   `/v1/embeddings`); an embedding model may also carry `dimensions`, its default vector length.
    /// - `models[].providers.*.status`: `documented` (only the provider's documentation names the
    ///   route; `usable` without `listed_free`), `listed` or `verified`; `last_listed` is present on a
    ///   route kept from an earlier index because its provider could not be listed (the date it last was).
    /// - `enabled`: the router enables the model.
    /// - `common`: every required provider is usable now (key set and listed as free); false under `any_keyed`.
    /// - `served_by`: the providers the router would call for it now; `not_served_by`: why each other
    ///   known provider does not (does not offer it, not free, key not set, quarantined, untrusted catalog, model not served).
    /// - `models` holds at most `--limit` entries unless `--full`; `total_models` counts them all.
    /// - `live` is present only with `--live`; a failed provider has `"status": "error"` and `"error"`.
    ///   `paid_models` is present only with `--include-paid`.
    public func json() throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return String(decoding: try PrettyJSON.format(encoder.encode(ReportFile(self))), as: UTF8.self)
    }
}

private struct ReportFile: Encodable {
    let report: ModelsReport

    init(_ report: ModelsReport) { self.report = report }

    enum Keys: String, CodingKey {
        case reportVersion = "report_version", index, selection, requiredProviders = "required_providers", credentials, models
        case totalModels = "total_models", commonModels = "common_models", live
    }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: Keys.self)
        try container.encode(ModelsReport.jsonVersion, forKey: .reportVersion)
        try container.encode(IndexFile(info: report.index), forKey: .index)
        try container.encode(report.requiredProviders.isEmpty ? "any_keyed" : "all", forKey: .selection)
        try container.encode(report.requiredProviders, forKey: .requiredProviders)
        try container.encode(report.credentials.mapValues(CredentialFile.init), forKey: .credentials)
        try container.encode(report.models.map(ModelFile.init), forKey: .models)
        try container.encode(report.totalModels, forKey: .totalModels)
        try container.encode(report.commonModels, forKey: .commonModels)
        try container.encodeIfPresent(report.live?.mapValues(LiveFile.init), forKey: .live)
    }
}

private struct IndexFile: Encodable {
    let info: ModelsReport.IndexInfo
    enum Keys: String, CodingKey { case source, location, generatedAt = "generated_at", schemaVersion = "schema_version", models }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: Keys.self)
        try container.encode(info.source, forKey: .source)
        try container.encode(info.location, forKey: .location)
        try container.encode(info.generatedAt, forKey: .generatedAt)
        try container.encode(info.schemaVersion, forKey: .schemaVersion)
        try container.encode(info.models, forKey: .models)
    }
}

private struct CredentialFile: Encodable {
    let variable: String
    let status: String
    let servesNothing: String?
    init(_ credential: ModelsReport.Credential) {
        variable = credential.variable
        status = credential.status
        servesNothing = credential.servesNothing
    }

    enum CodingKeys: String, CodingKey { case variable, status, servesNothing = "serves_nothing" }
}

private struct ModelFile: Encodable {
    let model: ModelsReport.Model
    init(_ model: ModelsReport.Model) { self.model = model }
    enum Keys: String, CodingKey {
        case canonical, aliases, autoMatched = "auto_matched", kind, dimensions, enabled, common, providers
        case servedBy = "served_by", notServedBy = "not_served_by"
    }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: Keys.self)
        try container.encode(model.canonical, forKey: .canonical)
        try container.encode(model.aliases, forKey: .aliases)
        try container.encode(model.autoMatched, forKey: .autoMatched)
        try container.encode(model.kind.rawValue, forKey: .kind)
        try container.encodeIfPresent(model.dimensions, forKey: .dimensions)
        try container.encode(model.enabled, forKey: .enabled)
        try container.encode(model.common, forKey: .common)
        try container.encode(model.providers.mapValues(ProviderFile.init), forKey: .providers)
        try container.encode(model.servedBy, forKey: .servedBy)
        try container.encode(model.notServedBy, forKey: .notServedBy)
    }
}

private struct ProviderFile: Encodable {
    let status: ModelsReport.ProviderStatus
    init(_ status: ModelsReport.ProviderStatus) { self.status = status }
    enum Keys: String, CodingKey {
        case model, keyVariable = "key_variable", key, listedFree = "listed_free", paid, allowPaid = "allow_paid", usable
        case status, lastListed = "last_listed"
    }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: Keys.self)
        try container.encode(status.model, forKey: .model)
        try container.encode(status.keyVariable, forKey: .keyVariable)
        try container.encode(status.key, forKey: .key)
        try container.encode(status.listedFree, forKey: .listedFree)
        try container.encode(status.paid, forKey: .paid)
        try container.encode(status.allowPaid, forKey: .allowPaid)
        try container.encode(status.usable, forKey: .usable)
        try container.encode(status.status.rawValue, forKey: .status)
        try container.encodeIfPresent(status.lastListed, forKey: .lastListed)
    }
}

private struct LiveFile: Encodable {
    let live: ModelsReport.Live
    init(_ live: ModelsReport.Live) { self.live = live }
    enum Keys: String, CodingKey { case status, error, listed, freeCount = "free_count", freeModels = "free_models", paidModels = "paid_models" }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: Keys.self)
        try container.encode(live.status, forKey: .status)
        try container.encodeIfPresent(live.error, forKey: .error)
        try container.encode(live.listed, forKey: .listed)
        try container.encode(live.freeCount, forKey: .freeCount)
        try container.encode(live.freeModels, forKey: .freeModels)
        try container.encodeIfPresent(live.paidModels, forKey: .paidModels)
    }
}
