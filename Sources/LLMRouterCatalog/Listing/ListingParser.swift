#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import LLMRouterCore

/// Turns a provider's `GET /models` body into a ``ProviderListing``, applying that provider's free rule.
///
/// The free rules, per provider (each vendor's reading is in `Listing/Vendors/<Vendor>Listing.swift`):
///
/// | provider | free when | not usable when |
/// |---|---|---|
/// | OpenRouter | the id ends in `:free`, or `pricing.prompt` and `pricing.completion` are both zero (strings such as `"0"`, or numbers); everything else, including `"-1"` (router-priced), is paid | `architecture.output_modalities` is given and lacks `text`; ``NonChatModels`` says so |
/// | Groq | always (the whole free tier is listed) | `active` is `false`; ``NonChatModels`` says so |
/// | NVIDIA NIM, Cerebras | always (the listing carries no price; every listed model is on the free tier) | ``NonChatModels`` says so |
/// | Mistral | always (the free "Experiment" plan covers every model) | `capabilities.completion_chat` is `false` and it is no embedding model; ``NonChatModels`` says so |
/// | Google AI Studio | the id is a Flash, Flash-Lite, Gemma or embedding model (the documented free tier; Pro models have none) | image, video, speech, live-audio and AQA models |
/// | GitHub Models | `rate_limit_tier` is `low`, `high`, `custom` or `embeddings` (every account gets these, rate-limited) | no `text` (nor `embeddings`) in `supported_output_modalities` |
/// | Hugging Face | a live provider marks it `is_free: true`; otherwise it spends the account's credits (paid) | no provider is `live`; no `text` output |
/// | OpenAI-compatible | as NVIDIA NIM | as NVIDIA NIM |
///
/// Embedding models are kept with kind embeddings (``ListedModel/kind``): those ``NonChatModels``
/// names so, Mistral's `*-embed*`, Gemini's `embedContent`/`*embedding*` models and GitHub's
/// `embeddings` tier. No captured listing states vector dimensions; the seed records them.
///
/// The body may be `{"data": [...]}`, `{"models": [...]}` or a bare list (GitHub Models); items
/// without a string `id` are skipped and repeated ids are kept once. Gemini's `models/` id prefix
/// is dropped, since its chat endpoint takes the bare name.
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
            guard let object = item.objectValue else { continue }
            guard let id = listedID(object, provider: provider), !id.isEmpty else { continue }
            guard seen.insert(id).inserted else { continue }
            models.append(classify(id: id, fields: object, provider: provider))
        }
        return ProviderListing(provider: provider, models: models)
    }

    /// The id a listing item names: `id`, or the vendor's own field (Gemini's native `name`).
    static func listedID(_ object: [String: JSONValue], provider: ProviderKind) -> String? {
        provider == .gemini ? geminiID(object) : object["id"]?.stringValue
    }

    /// The vendor's listing rule for one item; each lives in `Listing/Vendors/<Vendor>Listing.swift`.
    static func classify(id: String, fields: [String: JSONValue], provider: ProviderKind) -> ListedModel {
        switch provider {
        case .openrouter: openRouter(id: id, fields: fields)
        case .groq: groq(id: id, fields: fields)
        case .mistral: mistral(id: id, fields: fields)
        case .gemini: gemini(id: id, fields: fields)
        case .githubModels: githubModels(id: id, fields: fields)
        case .huggingface: huggingFace(id: id, fields: fields)
        case .nvidiaNIM, .cerebras, .openai, .echo:
            nameOnly(id: id)
        }
    }

    /// A listing with ids only (NVIDIA NIM, Cerebras): every model is free and its id is the only
    /// evidence of its kind (``NonChatModels``).
    static func nameOnly(id: String) -> ListedModel {
        let byName = NonChatModels.classify(id)
        return ListedModel(id: id, tier: .free, unusableReason: byName.unusableReason, kind: byName.kind)
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

    static func integer(_ value: JSONValue?) -> Int? {
        switch value {
        case .integer(let number) where number >= 0 && number <= Int64(Int32.max): Int(number)
        case .number(let number) where number >= 0 && number < 1e9: Int(number)
        default: nil
        }
    }

    static func strings(_ value: JSONValue?) -> [String]? {
        value?.arrayValue?.compactMap(\.stringValue)
    }
}
