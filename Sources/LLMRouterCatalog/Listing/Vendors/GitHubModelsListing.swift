import LLMRouterCore

/// GitHub Models's listing fields and free rule (see ``ListingParser``; the vendor's other
/// facts are in `LLMRouterProviders/Vendors/`).
extension ListingParser {
    /// Documented free limits per `rate_limit_tier` (Copilot Free / no plan, docs.github.com
    /// "Prototyping with AI models"): low 15 rpm / 150 rpd, high 10 rpm / 50 rpd; custom models
    /// are far tighter and listed without numbers. Per user and model, reset daily.
    /// The `embeddings` tier has the same free numbers as `low` in that table.
    static func githubTierLimits(_ tier: String) -> RateLimitConfiguration? {
        switch tier {
        case "low", "embeddings": RateLimitConfiguration(requestsPerMinute: 15, requestsPerDay: 150, maxConcurrency: 5)
        case "high": RateLimitConfiguration(requestsPerMinute: 10, requestsPerDay: 50, maxConcurrency: 2)
        default: nil
        }
    }

    /// The catalog (`GET https://models.github.ai/catalog/models`) is a bare array; items carry
    /// `rate_limit_tier`, `capabilities` (`tool-calling`), modalities and `limits`
    /// (github-models-catalog.json). Embedding models are marked by the `embeddings` tier and
    /// `embeddings` output; that tier is free like the chat tiers.
    static func githubModels(id: String, fields: [String: JSONValue]) -> ListedModel {
        let tier = fields["rate_limit_tier"]?.stringValue?.lowercased() ?? "low"
        let outputs = strings(fields["supported_output_modalities"])
        let inputs = strings(fields["supported_input_modalities"])
        let features = strings(fields["capabilities"])
        let limits = fields["limits"]?.objectValue
        let isEmbedding = tier == "embeddings" || outputs?.contains("embeddings") == true
        var unusable = NonChatModels.reason(for: id)
        if !isEmbedding, let outputs, !outputs.contains("text") { unusable = "no text output" }
        return ListedModel(
            id: id, tier: ["low", "high", "custom", "embeddings"].contains(tier) ? .free : .paid, unusableReason: unusable,
            kind: isEmbedding ? .embeddings : .chat,
            capabilities: RouteCapabilities(
                tools: features.map { $0.contains("tool-calling") }, vision: inputs.map { $0.contains("image") },
                contextLength: integer(limits?["max_input_tokens"]), maxOutputTokens: integer(limits?["max_output_tokens"])
            ),
            limits: githubTierLimits(tier)
        )
    }
}
