import LLMRouterCore

/// Hugging Face router's listing fields and free rule (see ``ListingParser``; the vendor's other
/// facts are in `LLMRouterProviders/Vendors/`).
extension ListingParser {
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
