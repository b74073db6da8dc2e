/// The kinds of provider a configuration can name in `type:`.
///
/// `echo` answers locally; every other kind speaks the OpenAI chat-completions protocol over HTTP
/// and differs only in its defaults (base URL, key variable) and small quirks.
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

    /// The API root used when the configuration gives no `base_url`; `nil` where one is required.
    public var defaultBaseURL: String? {
        switch self {
        case .echo, .openai: nil
        case .groq: "https://api.groq.com/openai/v1"
        case .openrouter: "https://openrouter.ai/api/v1"
        case .nvidiaNIM: "https://integrate.api.nvidia.com/v1"
        case .huggingface: "https://router.huggingface.co/v1"
        case .cerebras: "https://api.cerebras.ai/v1"
        case .gemini: "https://generativelanguage.googleapis.com/v1beta/openai"
        case .mistral: "https://api.mistral.ai/v1"
        case .githubModels: "https://models.github.ai/inference"
        }
    }

    /// The host of ``defaultBaseURL``: the only host a downloaded catalog may point this kind at,
    /// so a catalog cannot send the key somewhere else.
    public var officialHost: String? {
        switch self {
        case .echo, .openai: nil
        case .groq: "api.groq.com"
        case .openrouter: "openrouter.ai"
        case .nvidiaNIM: "integrate.api.nvidia.com"
        case .huggingface: "router.huggingface.co"
        case .cerebras: "api.cerebras.ai"
        case .gemini: "generativelanguage.googleapis.com"
        case .mistral: "api.mistral.ai"
        case .githubModels: "models.github.ai"
        }
    }

    /// The environment variable that replaces ``defaultBaseURL`` (tests and proxies use it).
    public var baseURLOverrideVariable: String? {
        switch self {
        case .echo, .openai: nil
        case .groq: "GROQ_BASE_URL"
        case .openrouter: "OPENROUTER_BASE_URL"
        case .nvidiaNIM: "NVIDIA_NIM_BASE_URL"
        case .huggingface: "HUGGINGFACE_BASE_URL"
        case .cerebras: "CEREBRAS_BASE_URL"
        case .gemini: "GEMINI_BASE_URL"
        case .mistral: "MISTRAL_BASE_URL"
        case .githubModels: "GITHUB_MODELS_BASE_URL"
        }
    }

    /// The environment variable holding the API key when the configuration names none.
    public var defaultAPIKeyVariable: String? { acceptedAPIKeyVariables.first }

    /// Every variable that may hold this kind's key, the default first: the names the providers'
    /// own tools use, and the original llmrouter's `PROVIDER_KEY_<KIND>`. A downloaded catalog may
    /// name only these in `api_key_env`, so it cannot make the router send another secret.
    public var acceptedAPIKeyVariables: [String] {
        switch self {
        case .echo, .openai: []
        case .groq: ["GROQ_API_KEY", "PROVIDER_KEY_GROQ"]
        case .openrouter: ["OPENROUTER_API_KEY", "PROVIDER_KEY_OPENROUTER"]
        case .nvidiaNIM: ["NVIDIA_NIM_KEY", "NVIDIA_API_KEY", "NIM_API_KEY", "PROVIDER_KEY_NVIDIA_NIM"]
        case .huggingface: ["HUGGINGFACE_API_TOKEN", "HF_TOKEN", "HUGGINGFACE_API_KEY", "PROVIDER_KEY_HUGGINGFACE"]
        case .cerebras: ["CEREBRAS_API_KEY", "PROVIDER_KEY_CEREBRAS"]
        case .gemini: ["GEMINI_API_KEY", "GOOGLE_API_KEY", "PROVIDER_KEY_GEMINI"]
        case .mistral: ["MISTRAL_API_KEY", "PROVIDER_KEY_MISTRAL"]
        case .githubModels: ["GITHUB_TOKEN", "GITHUB_MODELS_TOKEN", "PROVIDER_KEY_GITHUB_MODELS"]
        }
    }

    /// The API root for this kind when the configuration names none: the override variable
    /// (`GROQ_BASE_URL` ...) when set in `environment`, else ``defaultBaseURL``.
    public func apiRoot(environment: [String: String]) -> String? {
        if let variable = baseURLOverrideVariable, let override = environment[variable]?.trimmingWhitespace(), !override.isEmpty {
            return override
        }
        return defaultBaseURL
    }
}
