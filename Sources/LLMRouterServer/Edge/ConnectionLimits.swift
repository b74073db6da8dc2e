/// How long a client may take to send a request, how long an idle keep-alive connection stays
/// open, and how many connections are served at once. The defaults are a reverse proxy's
/// (nginx: `client_header_timeout`, `client_body_timeout` 60 s, `keepalive_timeout` 75 s),
/// with a shorter head timeout: a client that has started a request has no reason to pause.
public struct ConnectionLimits: Sendable, Equatable {
    /// From the first byte of a request to the end of its head (`LLMROUTER_HEADER_TIMEOUT_SECONDS`).
    /// A client that is slower gets `408 Request Timeout` and the connection is closed.
    /// Defaults to 30 s.
    public var headerTimeout: Duration
    /// From the end of the head to the end of the body (`LLMROUTER_BODY_TIMEOUT_SECONDS`): a bound
    /// on the whole body, so a body sent a byte at a time is cut too. A slower client gets `408`
    /// (or, once an answer has started, a closed connection). Defaults to 60 s.
    public var bodyTimeout: Duration
    /// How long a connection may wait for its next request, the first one included
    /// (`LLMROUTER_IDLE_TIMEOUT_SECONDS`); then it is closed. Defaults to 75 s.
    public var idleTimeout: Duration
    /// Connections served at once (`LLMROUTER_MAX_CONNECTIONS`); further ones wait in the listen
    /// backlog until one closes. Defaults to 1,024.
    public var maxConnections: Int

    public init(
        headerTimeout: Duration = .seconds(30),
        bodyTimeout: Duration = .seconds(60),
        idleTimeout: Duration = .seconds(75),
        maxConnections: Int = 1024
    ) {
        self.headerTimeout = headerTimeout
        self.bodyTimeout = bodyTimeout
        self.idleTimeout = idleTimeout
        self.maxConnections = maxConnections
    }
}
