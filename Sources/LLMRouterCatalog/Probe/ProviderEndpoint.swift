import LLMRouterCore

/// Where and with which key a provider's `/models` is called, resolved from the environment.
///
/// The base URL is `<KIND>_BASE_URL` when set (tests and proxies), else the kind's default; the
/// key comes from the kind's default variable (`GROQ_API_KEY`, `OPENROUTER_API_KEY`,
/// `NVIDIA_NIM_KEY`, `HUGGINGFACE_API_TOKEN`). The key is kept out of ``description``.
public struct ProviderEndpoint: Sendable, CustomStringConvertible {
    public var provider: ProviderKind
    /// API root without a trailing slash, e.g. `https://api.groq.com/openai/v1`.
    public var baseURL: String
    public var apiKeyVariable: String
    let apiKey: String

    /// `GET` target: `{base}/models`; GitHub Models lists its catalog at `/catalog/models` beside
    /// the `/inference` root.
    public var modelsURL: String {
        if provider == .githubModels, baseURL.hasSuffix("/inference") {
            return String(baseURL.dropLast("/inference".count)) + "/catalog/models"
        }
        return baseURL + "/models"
    }

    /// `POST` target of a test call (`catalog-build --verify`).
    public var chatURL: String { baseURL + "/chat/completions" }

    public var description: String { "\(provider.rawValue) \(modelsURL) (key from \(apiKeyVariable))" }

    /// Resolves `provider` from `environment`.
    /// - Throws: ``ProbeError`` of kind ``ProbeError/Kind/missingKey`` naming the variable when the
    ///   key is unset or blank, or ``ProbeError/Kind/unsupportedProvider`` for a kind with no default URL.
    public static func resolve(_ provider: ProviderKind, environment: [String: String]) throws(ProbeError) -> ProviderEndpoint {
        guard let base = provider.apiRoot(environment: environment), let fallback = provider.defaultAPIKeyVariable else {
            throw ProbeError(.unsupportedProvider, provider: provider, message: "has no /models endpoint to list")
        }
        func value(_ name: String) -> String? {
            guard let key = environment[name]?.trimmingWhitespace(), !key.isEmpty else { return nil }
            return key
        }
        let variable = provider.acceptedAPIKeyVariables.first { value($0) != nil } ?? fallback
        guard let key = value(variable) else {
            throw ProbeError(.missingKey, provider: provider, variable: variable, message: "\(variable) is not set; export it to list \(provider.rawValue)")
        }
        var trimmed = base
        while trimmed.hasSuffix("/") { trimmed.removeLast() }
        return ProviderEndpoint(provider: provider, baseURL: trimmed, apiKeyVariable: variable, apiKey: key)
    }
}
