public import LLMRouterCore
import LLMRouterProviders

/// Where and with which key a provider's `/models` is called: the router's own
/// ``UpstreamEndpoint/resolve(_:environment:)`` (base URL from `<KIND>_BASE_URL` or the vendor's
/// default, key from the vendor's variables), with a missing key as a ``ProbeError``. The key is
/// kept out of ``description``.
public struct ProviderEndpoint: Sendable, CustomStringConvertible {
    public var provider: ProviderKind
    /// API root without a trailing slash, e.g. `https://api.groq.com/openai/v1`.
    public var baseURL: String
    public var apiKeyVariable: String
    let apiKey: String

    /// `GET` target: the vendor's listing URL (``Vendor/modelsURL(apiRoot:)``), `{base}/models`
    /// for most.
    public var modelsURL: String { Vendor.for(provider).modelsURL(apiRoot: baseURL) }

    /// `POST` target of a test call (`catalog-build --verify`).
    public var chatURL: String { UpstreamEndpoint.chatCompletionsURL(forBase: baseURL) }

    public var description: String { "\(provider.rawValue) \(modelsURL) (key from \(apiKeyVariable))" }

    /// Resolves `provider` from `environment`.
    /// - Throws: ``ProbeError`` of kind ``ProbeError/Kind/missingKey`` naming the variable when the
    ///   key is unset or blank, or ``ProbeError/Kind/unsupportedProvider`` for a kind with no default URL.
    public static func resolve(_ provider: ProviderKind, environment: [String: String]) throws(ProbeError) -> ProviderEndpoint {
        let endpoint: UpstreamEndpoint
        do {
            endpoint = try UpstreamEndpoint.resolve(provider, environment: environment)
        } catch {
            throw ProbeError(.unsupportedProvider, provider: provider, message: "has no /models endpoint to list")
        }
        let variable = endpoint.apiKeyVariable ?? ""
        guard let key = endpoint.apiKey else {
            throw ProbeError(.missingKey, provider: provider, variable: variable, message: "\(variable) is not set; export it to list \(provider.rawValue)")
        }
        return ProviderEndpoint(provider: provider, baseURL: endpoint.baseURL, apiKeyVariable: variable, apiKey: key)
    }
}
