/// Why one call to a provider did not produce an answer.
///
/// A struct around a private code, not a public enum: kinds will be added (a provider that
/// answers with a refusal, a content filter …) without breaking a caller's `switch`. Equality
/// compares the code; ``rawValue`` is the short name used as a metric label and in the usage log.
public struct FailureKind: Sendable, Hashable, Codable, CustomStringConvertible {
    private enum Code: String, CaseIterable {
        case timeout
        case connection
        case serverError = "server_error"
        case rateLimited = "rate_limited"
        case badResponse = "bad_response"
        case simulated
        case clientError = "client_error"
        case authentication
    }

    private let code: Code

    private init(_ code: Code) {
        self.code = code
    }

    /// The kind a short name stands for (a usage log row, a health snapshot).
    public init?(rawValue: String) {
        guard let code = Code(rawValue: rawValue) else { return nil }
        self.code = code
    }

    public static let timeout = FailureKind(.timeout)
    public static let connection = FailureKind(.connection)
    /// 5xx, or 408/409 and a 404 for the model, which another provider may not have.
    public static let serverError = FailureKind(.serverError)
    public static let rateLimited = FailureKind(.rateLimited)
    /// A 200 whose body is not a usable answer.
    public static let badResponse = FailureKind(.badResponse)
    /// `mock_failure_rate` fired.
    public static let simulated = FailureKind(.simulated)
    /// The upstream rejected the request itself (400, 413, 422): every provider would.
    public static let clientError = FailureKind(.clientError)
    /// The provider refused our credentials (401/403).
    public static let authentication = FailureKind(.authentication)

    public static var allCases: [FailureKind] { Code.allCases.map(FailureKind.init) }

    /// The short name: a metric label, a usage-log value.
    public var rawValue: String { code.rawValue }
    public var description: String { code.rawValue }

    /// Whether the next candidate should be tried. A client error would fail everywhere.
    public var isRetryable: Bool { code != .clientError }

    /// Whether the failure says something about the provider's health.
    public var countsAgainstProvider: Bool { code != .clientError }

    public init(from decoder: any Decoder) throws {
        let name = try decoder.singleValueContainer().decode(String.self)
        guard let code = Code(rawValue: name) else {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: "unknown failure kind '\(name)'"))
        }
        self.code = code
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(code.rawValue)
    }
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
