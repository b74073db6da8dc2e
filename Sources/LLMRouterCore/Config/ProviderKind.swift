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
        }
    }

    /// The environment variable holding the API key when the configuration names none.
    public var defaultAPIKeyVariable: String? {
        switch self {
        case .echo, .openai: nil
        case .groq: "GROQ_API_KEY"
        case .openrouter: "OPENROUTER_API_KEY"
        case .nvidiaNIM: "NVIDIA_NIM_KEY"
        case .huggingface: "HUGGINGFACE_API_TOKEN"
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
