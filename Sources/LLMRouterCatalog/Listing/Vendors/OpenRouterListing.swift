import LLMRouterCore

/// OpenRouter's listing fields and free rule (see ``ListingParser``; the vendor's other
/// facts are in `LLMRouterProviders/Vendors/`).
extension ListingParser {
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
}
