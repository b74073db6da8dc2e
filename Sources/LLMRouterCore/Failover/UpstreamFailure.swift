/// Why one call to a provider did not produce an answer.
public enum FailureKind: String, Sendable, CaseIterable, Codable {
    case timeout
    case connection
    /// 5xx, or 408/409 and a 404 for the model, which another provider may not have.
    case serverError = "server_error"
    case rateLimited = "rate_limited"
    /// A 200 whose body is not a usable completion.
    case badResponse = "bad_response"
    /// `mock_failure_rate` fired.
    case simulated
    /// The upstream rejected the request itself (400, 413, 422): every provider would.
    case clientError = "client_error"
    /// The provider refused our credentials (401/403).
    case authentication

    /// Whether the next candidate should be tried. A client error would fail everywhere.
    public var isRetryable: Bool { self != .clientError }

    /// Whether the failure says something about the provider's health.
    public var countsAgainstProvider: Bool { self != .clientError }
}

/// One failed provider call, as providers throw it and the failover loop records it.
///
/// `message` is shown to clients inside a 503 and in `/health/providers`, so it must never carry
/// key material; providers build it from status codes and redacted upstream messages.
public struct UpstreamFailure: Error, Sendable, Equatable, CustomStringConvertible {
    public var kind: FailureKind
    public var message: String
    /// The upstream HTTP status, when there was one.
    public var status: Int?
    /// How long the upstream asked us to wait (`Retry-After`), for rate limits.
    public var retryAfter: Duration?
    /// The upstream's error body, passed back to the client for non-retryable client errors.
    public var body: [UInt8]?
    /// What a rate-limit refusal said about the limit: its kind, reset and buckets.
    public var rateLimit: RateLimitSignal?

    public init(
        kind: FailureKind,
        message: String,
        status: Int? = nil,
        retryAfter: Duration? = nil,
        body: [UInt8]? = nil,
        rateLimit: RateLimitSignal? = nil
    ) {
        self.kind = kind
        self.message = message
        self.status = status
        self.retryAfter = retryAfter ?? rateLimit?.waitHint
        self.body = body
        self.rateLimit = rateLimit
    }

    public var description: String {
        status.map { "\(kind.rawValue) (HTTP \($0)): \(message)" } ?? "\(kind.rawValue): \(message)"
    }

    public static func simulated(rate: Double) -> UpstreamFailure {
        UpstreamFailure(kind: .simulated, message: "simulated failure (mock_failure_rate \(rate))")
    }
}
