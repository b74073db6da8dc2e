import LLMRouterCore

/// Groq's listing fields and free rule (see ``ListingParser``; the vendor's other
/// facts are in `LLMRouterProviders/Vendors/`).
extension ListingParser {
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
}
