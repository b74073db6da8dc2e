public import AsyncHTTPClient
public import LLMRouterCore

/// Builds the HTTP providers of a configuration, or says why one cannot run (no key).
public struct RemoteProviderFactory: Sendable {
    public let environment: [String: String]
    public let httpClient: HTTPClient

    public init(environment: [String: String], httpClient: HTTPClient) {
        self.environment = environment
        self.httpClient = httpClient
    }

    public func make(_ configuration: ProviderConfiguration) -> Result<any Provider, ProviderUnavailable> {
        if let variable = configuration.effectiveAPIKeyVariable, (environment[variable] ?? "").isEmpty {
            return .failure(.missingKey(variable))
        }
        return .failure(ProviderUnavailable(reason: "HTTP adapter not available yet"))
    }
}
