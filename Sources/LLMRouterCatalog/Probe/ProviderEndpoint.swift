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

    /// `GET` target: `{base}/models`.
    public var modelsURL: String { baseURL + "/models" }

    public var description: String { "\(provider.rawValue) \(modelsURL) (key from \(apiKeyVariable))" }

    /// Resolves `provider` from `environment`.
    /// - Throws: ``ProbeError`` of kind ``ProbeError/Kind/missingKey`` naming the variable when the
    ///   key is unset or blank, or ``ProbeError/Kind/unsupportedProvider`` for a kind with no default URL.
    public static func resolve(_ provider: ProviderKind, environment: [String: String]) throws(ProbeError) -> ProviderEndpoint {
        guard let base = provider.apiRoot(environment: environment), let variable = provider.defaultAPIKeyVariable else {
            throw ProbeError(.unsupportedProvider, provider: provider, message: "has no /models endpoint to list")
        }
        guard let key = environment[variable]?.trimmingWhitespace(), !key.isEmpty else {
            throw ProbeError(.missingKey, provider: provider, variable: variable, message: "\(variable) is not set; export it to list \(provider.rawValue)")
        }
        var trimmed = base
        while trimmed.hasSuffix("/") { trimmed.removeLast() }
        return ProviderEndpoint(provider: provider, baseURL: trimmed, apiKeyVariable: variable, apiKey: key)
    }
}
