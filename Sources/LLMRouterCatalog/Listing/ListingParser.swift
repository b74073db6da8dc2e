#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import LLMRouterCore

/// Turns a provider's `GET /models` body into a ``ProviderListing``, applying that provider's free rule.
///
/// The free rules, per provider:
///
/// | provider | free when | not usable when |
/// |---|---|---|
/// | OpenRouter | the id ends in `:free`, or `pricing.prompt` and `pricing.completion` are both zero (strings such as `"0"`, or numbers); everything else, including `"-1"` (router-priced), is paid | `architecture.output_modalities` is given and lacks `text`; ``NonChatModels`` says so |
/// | Groq | always (the whole free tier is listed) | `active` is `false`; ``NonChatModels`` says so |
/// | NVIDIA NIM | always (the listing carries no price) | ``NonChatModels`` says so |
/// | Hugging Face, OpenAI-compatible | as NVIDIA NIM | as NVIDIA NIM |
///
/// The body may be `{"data": [...]}` (every provider), `{"models": [...]}` or a bare list; items
/// without a string `id` are skipped and repeated ids are kept once.
public enum ListingParser {
    /// Parses `body`, the answer of `provider`'s `/models`.
    /// - Throws: ``ListingError`` when the body is not JSON or has no model list.
    public static func parse(_ body: Data, provider: ProviderKind) throws(ListingError) -> ProviderListing {
        let root: JSONValue
        do {
            root = try JSONValue(parsing: body)
        } catch {
            throw ListingError(provider: provider, message: "not valid JSON (\(ModelIndex.summary(of: error)))")
        }
        let items: [JSONValue]
        if let list = root.arrayValue {
            items = list
        } else if let object = root.objectValue, let list = (object["data"] ?? object["models"])?.arrayValue {
            items = list
        } else {
            throw ListingError(provider: provider, message: "expected an object with a 'data' list of models, got \(root.typeName)")
        }
        var seen: Set<String> = []
        var models: [ListedModel] = []
        for item in items {
            guard let object = item.objectValue, let id = object["id"]?.stringValue, !id.isEmpty else { continue }
            guard seen.insert(id).inserted else { continue }
            models.append(classify(id: id, fields: object, provider: provider))
        }
        return ProviderListing(provider: provider, models: models)
    }

    static func classify(id: String, fields: [String: JSONValue], provider: ProviderKind) -> ListedModel {
        switch provider {
        case .openrouter:
            return ListedModel(
                id: id,
                tier: isOpenRouterFree(id: id, fields: fields) ? .free : .paid,
                unusableReason: openRouterUnusableReason(fields) ?? NonChatModels.reason(for: id),
                isBaseModel: isOpenRouterBase(id: id, fields: fields)
            )
        case .groq:
            let inactive = fields["active"] == .bool(false)
            return ListedModel(id: id, tier: .free, unusableReason: inactive ? "inactive" : NonChatModels.reason(for: id))
        case .nvidiaNIM, .huggingface, .openai, .echo:
            return ListedModel(id: id, tier: .free, unusableReason: NonChatModels.reason(for: id))
        }
    }

    /// OpenRouter's rule: a `:free` id, or both token prices zero.
    static func isOpenRouterFree(id: String, fields: [String: JSONValue]) -> Bool {
        if id.hasSuffix(":free") { return true }
        guard let pricing = fields["pricing"]?.objectValue else { return false }
        return price(pricing["prompt"]) == 0 && price(pricing["completion"]) == 0
    }

    /// A price given as a string (`"0"`, `"0.0000015"`) or a number; `nil` when absent or unreadable.
    static func price(_ value: JSONValue?) -> Double? {
        switch value {
        case .string(let text): Double(text.trimmingWhitespace())
        case .integer(let number): Double(number)
        case .number(let number): number
        default: nil
        }
    }

    private static func openRouterUnusableReason(_ fields: [String: JSONValue]) -> String? {
        guard let outputs = fields["architecture"]?.objectValue?["output_modalities"]?.arrayValue else { return nil }
        let names = outputs.compactMap(\.stringValue)
        return names.contains("text") ? nil : "no text output"
    }

    /// OpenRouter names base models "… (base)"; some ids also end in `-base`.
    private static func isOpenRouterBase(id: String, fields: [String: JSONValue]) -> Bool {
        let bare = ModelIndex.withoutFreeSuffix(id).lowercased()
        if bare.hasSuffix("-base") { return true }
        return fields["name"]?.stringValue?.lowercased().contains("(base)") ?? false
    }
}
