public import LLMRouterCore

/// Where an OpenAI-compatible provider sends its calls, and the key it sends with them.
///
/// Resolution is a pure function of the configuration and an environment dictionary (not
/// `ProcessInfo` directly) so tests and the registry decide what the environment holds:
///
/// | Setting        | First of                                                                          |
/// |----------------|-----------------------------------------------------------------------------------|
/// | API root       | `base_url`, the kind's override variable (`GROQ_BASE_URL` ...), the kind's default |
/// | key variable   | `api_key_env`, the kind's default (`GROQ_API_KEY` ...)                             |
///
/// The defaults are the vendor's (``Vendor``). The catalog's listing and test calls, which have
/// no configuration entry, resolve a kind with ``resolve(_:environment:)``.
///
/// `openai` has neither default: it needs `base_url`, and sends no key unless `api_key_env` names one.
public struct UpstreamEndpoint: Sendable, Equatable {
    /// The API root in the OpenAI-SDK convention, e.g. `https://api.groq.com/openai/v1`.
    public var baseURL: String
    /// The URL calls are POSTed to: ``baseURL`` plus `/chat/completions`.
    public var chatCompletionsURL: String
    /// The environment variable the key comes from (`GROQ_API_KEYS[2]` for an item of a list,
    /// see ``APIKeySource``); `nil` when the provider takes no key.
    public var apiKeyVariable: String?
    /// The key, when the variable is set to a non-empty value.
    public var apiKey: String?

    public init(baseURL: String, apiKeyVariable: String? = nil, apiKey: String? = nil) {
        self.baseURL = baseURL
        self.chatCompletionsURL = Self.chatCompletionsURL(forBase: baseURL)
        self.apiKeyVariable = apiKeyVariable
        self.apiKey = apiKey
    }

    /// Whether a key is expected but absent, so the provider cannot be used.
    public var isMissingAPIKey: Bool { apiKeyVariable != nil && apiKey == nil }

    /// Why the provider is unusable, for the registry and health output (`missing GROQ_API_KEY`).
    public var disabledReason: String? {
        guard isMissingAPIKey, let apiKeyVariable else { return nil }
        return "missing \(apiKeyVariable)"
    }

    /// Resolves the endpoint of `configuration`, reading variables from `environment`.
    ///
    /// A missing key is not an error here (see ``isMissingAPIKey``): the registry still lists the
    /// provider, as disabled. A missing or unusable API root is.
    public static func resolve(
        _ configuration: ProviderConfiguration,
        environment: [String: String]
    ) throws(EndpointResolutionError) -> UpstreamEndpoint {
        guard !configuration.kind.isLocal else {
            throw EndpointResolutionError(provider: configuration.name, message: "type '\(configuration.kind.rawValue)' makes no HTTP calls")
        }
        guard let base = baseURL(for: configuration, environment: environment) else {
            throw EndpointResolutionError(
                provider: configuration.name,
                message: "base_url is required for type '\(configuration.kind.rawValue)' (the API root, e.g. https://host/v1)"
            )
        }
        guard base.hasPrefix("http://") || base.hasPrefix("https://") else {
            throw EndpointResolutionError(provider: configuration.name, message: "base URL must start with http:// or https://")
        }
        let source = configuration.effectiveAPIKeySource
        return UpstreamEndpoint(baseURL: base, apiKeyVariable: source?.description, apiKey: source?.value(in: environment))
    }

    /// The API root: `base_url`, else the kind's override variable, else the kind's default.
    public static func baseURL(for configuration: ProviderConfiguration, environment: [String: String]) -> String? {
        nonEmpty(configuration.baseURL) ?? Vendor.for(configuration.kind).apiRoot(environment: environment)
    }

    /// The endpoint of a vendor with no configuration entry (the catalog's `/models` listing and
    /// test calls): the API root from the override variable or the default, without trailing
    /// slashes, and the key from the first of the vendor's accepted variables that is set, else
    /// the first key of their list forms (the default variable, unset, when none is; see
    /// ``isMissingAPIKey``).
    /// - Throws: ``EndpointResolutionError`` for a kind with no default API root (echo, openai).
    public static func resolve(_ kind: ProviderKind, environment: [String: String]) throws(EndpointResolutionError) -> UpstreamEndpoint {
        let vendor = Vendor.for(kind)
        guard var base = vendor.apiRoot(environment: environment), let fallback = vendor.defaultAPIKeyVariable else {
            throw EndpointResolutionError(provider: kind.rawValue, message: "has no default API root")
        }
        while base.hasSuffix("/") { base.removeLast() }
        // With only a list set (`GROQ_API_KEYS`), its first key lists the models.
        let source = vendor.apiKeySources(in: environment).first ?? APIKeySource(variable: fallback)
        return UpstreamEndpoint(baseURL: base, apiKeyVariable: source.description, apiKey: source.value(in: environment))
    }

    /// Appends `/chat/completions` to an API root, tolerating a trailing slash; a URL that
    /// already ends in `/chat/completions` is used as it is.
    ///
    /// | base                                            | result                                           |
    /// |-------------------------------------------------|--------------------------------------------------|
    /// | `https://api.groq.com/openai/v1`                | `https://api.groq.com/openai/v1/chat/completions` |
    /// | `https://openrouter.ai/api/v1/`                 | `https://openrouter.ai/api/v1/chat/completions`   |
    /// | `http://127.0.0.1:8000/v1/chat/completions`     | unchanged                                        |
    /// The embeddings URL beside a chat-completions URL (`…/v1/chat/completions` → `…/v1/embeddings`).
    public static func embeddingsURL(forChatCompletions url: String) -> String {
        guard url.hasSuffix("/chat/completions") else { return url + "/embeddings" }
        return String(url.dropLast("/chat/completions".count)) + "/embeddings"
    }

    public static func chatCompletionsURL(forBase base: String) -> String {
        var root = Substring(base)
        while root.hasSuffix("/") { root.removeLast() }
        if root.hasSuffix("/chat/completions") { return String(root) }
        return root + "/chat/completions"
    }

    private static func nonEmpty(_ value: String?) -> String? {
        guard let value else { return nil }
        let trimmed = value.trimmingWhitespace()
        return trimmed.isEmpty ? nil : trimmed
    }
}

/// A provider whose endpoint cannot be worked out from its configuration and environment.
public struct EndpointResolutionError: Error, Sendable, Equatable, CustomStringConvertible {
    public var provider: String
    public var message: String

    public init(provider: String, message: String) {
        self.provider = provider
        self.message = message
    }

    public var description: String { "provider '\(provider)': \(message)" }
}
