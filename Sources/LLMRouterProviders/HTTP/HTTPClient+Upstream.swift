public import AsyncHTTPClient
import NIOCore

extension HTTPClient.Configuration {
    /// The configuration of the one shared client that calls every upstream.
    ///
    /// - Connect timeout: AHC has one per client; pass the smallest `timeouts.connect_seconds`
    ///   of the configured providers. (Each provider's own connect + first-byte budget is enforced
    ///   per call anyway.)
    /// - No retrying of failed connection attempts: AHC would otherwise keep a request waiting
    ///   through backoff until the connect timeout, while the router would rather fail over to
    ///   the next provider at once.
    /// - Redirects are not followed: a chat-completions API does not redirect, and following one
    ///   could send the `Authorization` header to another host.
    public static func upstream(connectTimeout: Duration = .seconds(5)) -> HTTPClient.Configuration {
        var configuration = HTTPClient.Configuration()
        configuration.redirectConfiguration = .disallow
        configuration.timeout = .init(connect: TimeAmount(connectTimeout))
        configuration.connectionPool.retryConnectionEstablishment = false
        return configuration
    }
}
