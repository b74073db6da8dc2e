public import AsyncHTTPClient
public import LLMRouterCore

/// Builds the HTTP providers of a configuration on one shared client, or says why one cannot
/// run (its key is unset, its API root is unusable).
public struct RemoteProviderFactory: Sendable {
    public let environment: [String: String]
    public let httpClient: HTTPClient

    public init(environment: [String: String], httpClient: HTTPClient) {
        self.environment = environment
        self.httpClient = httpClient
    }

    public func make(_ configuration: ProviderConfiguration) -> Result<any Provider, ProviderUnavailable> {
        let endpoint: UpstreamEndpoint
        do {
            endpoint = try UpstreamEndpoint.resolve(configuration, environment: environment)
        } catch {
            return .failure(ProviderUnavailable(reason: error.message))
        }
        if let reason = endpoint.disabledReason {
            return .failure(ProviderUnavailable(reason: reason))
        }
        return .success(OpenAICompatibleProvider(configuration: configuration, httpClient: httpClient, endpoint: endpoint))
    }
}
