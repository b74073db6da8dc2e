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
    /// - Up to 64 HTTP/1 connections per upstream host instead of 8: a chat completion holds its
    ///   connection for seconds, so 8 would queue the ninth concurrent request of a local
    ///   OpenAI-compatible server. (TLS upstreams that speak HTTP/2 multiplex on one connection.)
    /// - No tracer: llmrouter bootstraps no distributed tracing, and without a tracer the client
    ///   skips its per-call span bookkeeping.
    public static func upstream(connectTimeout: Duration = .seconds(5)) -> HTTPClient.Configuration {
        var configuration = HTTPClient.Configuration()
        configuration.redirectConfiguration = .disallow
        configuration.timeout = .init(connect: TimeAmount(connectTimeout))
        configuration.connectionPool.retryConnectionEstablishment = false
        configuration.connectionPool.concurrentHTTP1ConnectionsPerHostSoftLimit = 64
        configuration.tracing.tracer = nil
        return configuration
    }
}
