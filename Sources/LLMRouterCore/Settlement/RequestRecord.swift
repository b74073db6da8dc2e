#if canImport(FoundationEssentials)
public import FoundationEssentials
#else
public import Foundation
#endif

/// What one finished chat request did: the router's settlement, reported once the answer (or
/// the refusal) is complete, for the usage log, metrics and the dashboard.
///
/// A stream is settled when it ends, not at its first chunk, so `status`, tokens and latency
/// describe the whole exchange.
public struct RequestRecord: Sendable, Equatable {
    /// One provider the router considered, in the order it did.
    public struct Attempt: Sendable, Equatable {
        /// The configured provider name.
        public var provider: String
        /// The model id sent upstream, when the provider names one.
        public var upstreamModel: String?
        /// `ok`, a ``FailureKind`` raw value, or `skipped` (see ``skipReason``).
        public var outcome: String
        /// Why the route was not called (cool-down, breaker open, quota, disabled, capability).
        public var skipReason: String?
        /// Time spent on the call; `nil` when it was skipped.
        public var latency: Duration?

        public init(provider: String, upstreamModel: String? = nil, outcome: String, skipReason: String? = nil, latency: Duration? = nil) {
            self.provider = provider
            self.upstreamModel = upstreamModel
            self.outcome = outcome
            self.skipReason = skipReason
            self.latency = latency
        }
    }

    /// Wall-clock time the request arrived.
    public var startedAt: Date
    /// The id the client sees in `X-Request-Id`.
    public var requestID: String
    /// The name of the access key that made the request; `nil` when keys are off.
    public var keyName: String?
    /// The model the client asked for (after the default model applied), as written.
    public var requestedModel: String?
    /// The API the client called: `chat`, `embeddings`, `messages` or `responses`.
    public var endpoint: String
    public var stream: Bool
    /// The provider that answered; `nil` when none did.
    public var provider: String?
    /// The upstream model id of the answering route.
    public var upstreamModel: String?
    public var attempts: [Attempt]
    /// The HTTP status the client got (200 for a stream that started, even if it failed later).
    public var status: Int
    /// An OpenAI-style error code when the request failed (`rate_limit_exceeded`, ...).
    public var errorCode: String?
    /// Arrival to the last byte.
    public var latency: Duration
    /// Time spent waiting on upstreams (calls made, first byte to last for streams); the rest of
    /// ``latency`` is the router's own overhead.
    public var upstreamLatency: Duration?
    /// Arrival to the first streamed chunk, or to the complete answer.
    public var timeToFirstToken: Duration?
    public var promptTokens: Int?
    public var completionTokens: Int?
    /// What the tokens cost at the answering route's price; 0 on a free route, `nil` when unknown.
    public var estimatedCostUSD: Double?
    /// Whether the answer came from a cache rather than an upstream.
    public var cacheHit: Bool
    /// How the request met the response cache: `hit`, `semantic`, `miss`, `bypass`; `nil`
    /// when the cache is off.
    public var cache: String?
    /// The routing rule that decided the request's route; `nil` when none matched.
    public var rule: String?
    /// The tier `model: auto` sorted the request into (`simple`, `code`, ...); `nil` when the
    /// request named its model.
    public var autoTier: String?
    /// A cascade's path, `llama-3.1-8b -> llama-3.3-70b; reason=length`, on the records of both
    /// its steps; `nil` without a cascade.
    public var cascade: String?

    public init(
        startedAt: Date,
        requestID: String,
        keyName: String? = nil,
        requestedModel: String? = nil,
        endpoint: String = "chat",
        stream: Bool = false,
        provider: String? = nil,
        upstreamModel: String? = nil,
        attempts: [Attempt] = [],
        status: Int,
        errorCode: String? = nil,
        latency: Duration,
        upstreamLatency: Duration? = nil,
        timeToFirstToken: Duration? = nil,
        promptTokens: Int? = nil,
        completionTokens: Int? = nil,
        estimatedCostUSD: Double? = nil,
        cacheHit: Bool = false,
        cache: String? = nil,
        rule: String? = nil,
        autoTier: String? = nil,
        cascade: String? = nil
    ) {
        self.startedAt = startedAt
        self.requestID = requestID
        self.keyName = keyName
        self.requestedModel = requestedModel
        self.endpoint = endpoint
        self.stream = stream
        self.provider = provider
        self.upstreamModel = upstreamModel
        self.attempts = attempts
        self.status = status
        self.errorCode = errorCode
        self.latency = latency
        self.upstreamLatency = upstreamLatency
        self.timeToFirstToken = timeToFirstToken
        self.promptTokens = promptTokens
        self.completionTokens = completionTokens
        self.estimatedCostUSD = estimatedCostUSD
        self.cacheHit = cacheHit
        self.cache = cache
        self.rule = rule
        self.autoTier = autoTier
        self.cascade = cascade
    }

    /// Whether more than one provider was called (a failover happened).
    public var failedOver: Bool { attempts.filter { $0.latency != nil }.count > 1 }
}

/// Receives every finished request's ``RequestRecord``.
///
/// Called on the request path, so it must return at once: an implementation that writes to disk
/// or a database buffers and writes elsewhere.
public protocol RequestRecorder: Sendable {
    func record(_ record: RequestRecord)
}

/// Several recorders as one (usage log, metrics, dashboard feed).
public struct RequestRecorders: RequestRecorder {
    public var recorders: [any RequestRecorder]

    public init(_ recorders: [any RequestRecorder]) {
        self.recorders = recorders
    }

    public func record(_ record: RequestRecord) {
        for recorder in recorders { recorder.record(record) }
    }
}
