import LLMRouterCore

/// Each vendor's listing fields and free rule, in one place per vendor (see ``ListingParser``).
extension ListingParser {
    // MARK: OpenRouter

    /// `:free` or zero prices; capabilities from `supported_parameters` and `architecture`,
    /// context from `context_length`, output cap from `top_provider.max_completion_tokens`.
    static func openRouter(id: String, fields: [String: JSONValue]) -> ListedModel {
        let pricing = fields["pricing"]?.objectValue
        let free = isOpenRouterFree(id: id, fields: fields)
        let parameters = strings(fields["supported_parameters"])
        let inputs = strings(fields["architecture"]?.objectValue?["input_modalities"])
        let capabilities = RouteCapabilities(
            tools: parameters.map { $0.contains("tools") },
            vision: inputs.map { $0.contains("image") },
            jsonMode: parameters.map { $0.contains("response_format") || $0.contains("structured_outputs") },
            contextLength: integer(fields["context_length"]),
            maxOutputTokens: integer(fields["top_provider"]?.objectValue?["max_completion_tokens"])
        )
        var listedPrice: RoutePrice?
        if let input = price(pricing?["prompt"]), let output = price(pricing?["completion"]), input >= 0, output >= 0 {
            listedPrice = RoutePrice(inputPerMillion: input * 1_000_000, outputPerMillion: output * 1_000_000)
        }
        let byName = NonChatModels.classify(id)
        return ListedModel(
            id: id,
            tier: free ? .free : .paid,
            unusableReason: openRouterUnusableReason(fields) ?? byName.unusableReason,
            kind: byName.kind,
            isBaseModel: isOpenRouterBase(id: id, fields: fields),
            capabilities: capabilities,
            price: free ? .free : listedPrice
        )
    }

    /// OpenRouter's rule: a `:free` id, or both token prices zero.
    static func isOpenRouterFree(id: String, fields: [String: JSONValue]) -> Bool {
        if id.hasSuffix(":free") { return true }
        guard let pricing = fields["pricing"]?.objectValue else { return false }
        return price(pricing["prompt"]) == 0 && price(pricing["completion"]) == 0
    }

    private static func openRouterUnusableReason(_ fields: [String: JSONValue]) -> String? {
        guard let outputs = strings(fields["architecture"]?.objectValue?["output_modalities"]) else { return nil }
        return outputs.contains("text") ? nil : "no text output"
    }

    /// OpenRouter names base models "… (base)"; some ids also end in `-base`.
    private static func isOpenRouterBase(id: String, fields: [String: JSONValue]) -> Bool {
        let bare = ModelIndex.withoutFreeSuffix(id).lowercased()
        if bare.hasSuffix("-base") { return true }
        return fields["name"]?.stringValue?.lowercased().contains("(base)") ?? false
    }

    // MARK: Groq

    /// Everything listed is on the free tier; `context_window` and `max_completion_tokens`.
    static func groq(id: String, fields: [String: JSONValue]) -> ListedModel {
        let inactive = fields["active"] == .bool(false)
        let byName = NonChatModels.classify(id)
        return ListedModel(
            id: id, tier: .free, unusableReason: inactive ? "inactive" : byName.unusableReason, kind: byName.kind,
            capabilities: RouteCapabilities(
                contextLength: integer(fields["context_window"]), maxOutputTokens: integer(fields["max_completion_tokens"])
            )
        )
    }

    // MARK: Mistral

    /// Mistral's `/v1/models` items carry `capabilities.{completion_chat, function_calling, vision}`
    /// and `max_context_length` (built from Mistral's API reference: no real capture with
    /// provenance exists, see shared/fixtures/upstream/SOURCES.md). The free Experiment plan
    /// covers every model, so all chat and embedding models are free. Embedding models
    /// (`mistral-embed`, `codestral-embed`) have every capability flag false, so only their
    /// name tells them from OCR or moderation models, which stay out.
    static func mistral(id: String, fields: [String: JSONValue]) -> ListedModel {
        let flags = fields["capabilities"]?.objectValue
        func flag(_ name: String) -> Bool? {
            if case .bool(let value)? = flags?[name] { return value }
            return nil
        }
        let byName = NonChatModels.classify(id)
        if byName.kind == .embeddings, byName.unusableReason == nil {
            return ListedModel(
                id: id, tier: .free, kind: .embeddings, capabilities: RouteCapabilities(contextLength: integer(fields["max_context_length"]))
            )
        }
        let unusable = flag("completion_chat") == false ? "no chat completions" : byName.unusableReason
        return ListedModel(
            id: id, tier: .free, unusableReason: unusable,
            capabilities: RouteCapabilities(
                tools: flag("function_calling"), vision: flag("vision"), jsonMode: flag("completion_chat"),
                contextLength: integer(fields["max_context_length"])
            )
        )
    }

    // MARK: Google AI Studio (Gemini)

    static let geminiNonChat: [(fragment: String, reason: String)] = [
        ("imagen", "image generation"), ("veo", "video generation"), ("-image", "image generation"),
        ("tts", "text-to-speech"), ("native-audio", "live audio"), ("-live", "live audio"),
        ("aqa", "attributed QA"),
    ]

    /// Gemini's OpenAI-compatible listing has only ids (`models/gemini-2.5-flash`); the native
    /// one (gemini-models-native.json) names models in `name` and lists
    /// `supportedGenerationMethods`, where `embedContent` marks an embedding model. The free
    /// tier documented at ai.google.dev/gemini-api/docs/rate-limits covers Flash, Flash-Lite and
    /// Gemma models, not Pro; the pricing page (ai.google.dev/gemini-api/docs/pricing) lists
    /// Gemini Embedding as free of charge on the free tier, so embedding models are free too.
    static func gemini(id: String, fields: [String: JSONValue]) -> ListedModel {
        let lowered = id.lowercased()
        let methods = strings(fields["supportedGenerationMethods"]) ?? []
        let isEmbedding = lowered.contains("embedding") || (methods.contains("embedContent") && !methods.contains("generateContent"))
        let unusable = geminiNonChat.first { lowered.contains($0.fragment) }?.reason ?? NonChatModels.reason(for: id)
        let free = lowered.contains("flash") || lowered.contains("gemma") || isEmbedding
        return ListedModel(
            id: id, tier: free ? .free : .paid, unusableReason: unusable, kind: isEmbedding ? .embeddings : .chat,
            capabilities: RouteCapabilities(contextLength: integer(fields["inputTokenLimit"]))
        )
    }

    // MARK: GitHub Models

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

    // MARK: Hugging Face router

    /// The router's `/v1/models` items list `providers[]` with `status`, `context_length`,
    /// `pricing.{input,output}` (USD per million, numbers), `supports_tools`,
    /// `supports_structured_output` and, on promotions, `is_free` (hub-docs "List
    /// OpenAI-compatible models"; one documented item is the capture). Router calls spend the
    /// account's monthly credits, so only `is_free` makes a model free; the cheapest live
    /// provider's price is recorded otherwise.
    static func huggingFace(id: String, fields: [String: JSONValue]) -> ListedModel {
        let offers = (fields["providers"]?.arrayValue ?? []).compactMap(\.objectValue)
        let live = offers.filter { $0["status"]?.stringValue == "live" }
        let free = live.contains { $0["is_free"] == .bool(true) }
        func any(_ key: String) -> Bool? {
            let flags = live.compactMap { offer -> Bool? in
                if case .bool(let value)? = offer[key] { return value }
                return nil
            }
            return flags.isEmpty ? nil : flags.contains(true)
        }
        let prices = live.compactMap { offer -> RoutePrice? in
            guard let pricing = offer["pricing"]?.objectValue, let input = price(pricing["input"]), let output = price(pricing["output"]) else {
                return nil
            }
            return RoutePrice(inputPerMillion: input, outputPerMillion: output)
        }
        let architecture = fields["architecture"]?.objectValue
        let byName = NonChatModels.classify(id)
        var unusable = byName.unusableReason
        if live.isEmpty { unusable = "no live provider" }
        if let outputs = strings(architecture?["output_modalities"]), !outputs.contains("text") { unusable = "no text output" }
        return ListedModel(
            id: id, tier: free ? .free : .paid, unusableReason: unusable, kind: byName.kind,
            capabilities: RouteCapabilities(
                tools: any("supports_tools"), vision: strings(architecture?["input_modalities"]).map { $0.contains("image") },
                jsonMode: any("supports_structured_output"),
                contextLength: live.compactMap { integer($0["context_length"]) }.max()
            ),
            price: free ? .free : prices.min { $0.inputPerMillion + $0.outputPerMillion < $1.inputPerMillion + $1.outputPerMillion }
        )
    }
}
