import LLMRouterCore

/// Mistral's listing fields and free rule (see ``ListingParser``; the vendor's other
/// facts are in `LLMRouterProviders/Vendors/`).
extension ListingParser {
    /// Mistral's `/v1/models` items carry `capabilities.{completion_chat, function_calling, vision}`
    /// and `max_context_length` (mistral-models.json, a real listing of 2026-03-06). The free Experiment plan
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
}
