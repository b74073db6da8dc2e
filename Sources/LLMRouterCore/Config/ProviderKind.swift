/// The kinds of provider a configuration can name in `type:`: an identifier, nothing more.
///
/// `echo` answers locally; every other kind speaks the OpenAI chat-completions protocol over HTTP
/// and differs only in its defaults (base URL, key variables) and small quirks, which Core does not
/// know: each vendor's facts live in its file under `LLMRouterProviders/Vendors/`, found with
/// `Vendor.for(kind)`.
public enum ProviderKind: String, Sendable, CaseIterable, Codable {
    case echo
    case groq
    case openrouter
    case nvidiaNIM = "nvidia_nim"
    case huggingface
    case cerebras
    /// Google AI Studio through Gemini's OpenAI-compatible endpoint.
    case gemini
    case mistral
    case githubModels = "github_models"
    case openai

    /// Whether the provider answers without any network call.
    public var isLocal: Bool { self == .echo }
}
