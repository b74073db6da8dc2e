import LLMRouterCore

/// Google AI Studio (Gemini)'s listing fields and free rule (see ``ListingParser``; the vendor's other
/// facts are in `LLMRouterProviders/Vendors/`).
extension ListingParser {
    static let geminiNonChat: [(fragment: String, reason: String)] = [
        ("imagen", "image generation"), ("veo", "video generation"), ("-image", "image generation"),
        ("tts", "text-to-speech"), ("native-audio", "live audio"), ("-live", "live audio"),
        ("aqa", "attributed QA"),
    ]

    /// Gemini's OpenAI-compatible listing has only ids (`models/gemini-2.5-flash`); the native
    /// one (gemini-models-native.json) names models in `name`, gives `inputTokenLimit` and
    /// `outputTokenLimit`, and lists `supportedGenerationMethods`, where `embedContent` marks an
    /// embedding model. The free
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
            capabilities: RouteCapabilities(
                contextLength: integer(fields["inputTokenLimit"]),
                // An embedding model's outputTokenLimit is 1: no output cap worth recording.
                maxOutputTokens: isEmbedding ? nil : integer(fields["outputTokenLimit"])
            )
        )
    }

    /// Gemini's native listing names models in `name` (`models/gemini-2.5-flash`); every other
    /// listing uses `id`. The `models/` prefix is dropped.
    static func geminiID(_ object: [String: JSONValue]) -> String? {
        guard let id = (object["id"] ?? object["name"])?.stringValue else { return nil }
        return id.hasPrefix("models/") ? String(id.dropFirst("models/".count)) : id
    }
}
