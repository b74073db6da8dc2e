#if canImport(FoundationEssentials)
public import FoundationEssentials
#else
public import Foundation
#endif
public import Logging
public import NIOCore

/// Who is asking and where: what the router needs of a request besides its body.
public struct RequestInfo: Sendable {
    /// The id the client sees in `X-Request-Id`.
    public var requestID: String
    /// The access key's name, when keys are on.
    public var keyName: String?
    /// Wall time the request arrived, for the usage log.
    public var startedAt: Date
    /// Carries the request id on every line.
    public var logger: Logger
    /// The event loop serving the client's connection, handed to providers.
    public var eventLoop: (any EventLoop)?
    /// The API the client called (`chat`, `embeddings`, `messages`, `responses`), for the record.
    public var endpoint: String
    /// What the request's headers say about the response cache.
    public var cache: CacheDirectives
    /// The request's headers by lower-cased name, for routing rules; filled only when the
    /// table has rules (credentials left out).
    public var headers = RuleHeaders()
    /// Receives the rule and policy that decided, for the response headers; `nil` to skip
    /// (a table without rules: ``policy`` says it all).
    public var decision: RoutingDecisionNote?
    /// The policy named in `X-LLMRouter-Policy` when no ``decision`` note is kept.
    public var policy: RoutingPolicyName = .priority
    /// The access key's allowed models, when it has a list: the model served must be one, also
    /// when a rule names it.
    public var allowedModels: [String]?
    /// The client's session (`X-Session-Id`) for sticky routing; read only when it is on.
    public var sessionID: String?
    /// The access key's `usd_per_day`: its paid routes are skipped once its day's spend reaches it.
    public var keyBudgetUSDPerDay: Double?

    public init(
        requestID: String,
        keyName: String? = nil,
        startedAt: Date = Date(),
        logger: Logger,
        eventLoop: (any EventLoop)? = nil,
        endpoint: String = "chat",
        cache: CacheDirectives = CacheDirectives()
    ) {
        self.endpoint = endpoint
        self.cache = cache
        self.requestID = requestID
        self.keyName = keyName
        self.startedAt = startedAt
        self.logger = logger
        self.eventLoop = eventLoop
    }

    /// What decided, for `X-LLMRouter-Rule` and `X-LLMRouter-Policy`: the router's note when one
    /// is kept, else ``policy``.
    public var routingDecision: RoutingDecision {
        decision?.decision ?? RoutingDecision(rule: nil, policy: policy)
    }
}

/// How routing one request ended.
public enum RoutingOutcome<Output: Sendable>: Sendable {
    case answered(RoutedAnswer<Output>)
    /// A provider rejected the request itself; its failure carries the status and body.
    case rejected(UpstreamFailure, provider: String, attempts: [AttemptRecord])
    /// Every route is held back by a rate limit past what the request may wait: answer 429
    /// with `Retry-After`.
    case rateLimited(retryAfter: Duration, attempts: [AttemptRecord])
    /// Every route failed or is unavailable for other reasons; `retryAfter` is when the first
    /// open breaker admits a trial, if known.
    case exhausted(attempts: [AttemptRecord], retryAfter: Duration?)
    /// The request's deadline passed before a route answered.
    case expired(attempts: [AttemptRecord])
    /// No route serves the model.
    case modelNotFound(String)
    /// Routes serve the model, but none supports what the request needs.
    case unsupported(model: String, reasons: [AttemptRecord])
    /// The model is served, but by routes of another kind (an embedding model asked to chat).
    case wrongKind(model: String, kind: RouteKind)
    /// A routing rule refused the request (`then.deny`).
    case denied(rule: String, message: String)
    /// The access key may not be served `model` (a rule named a model outside its list).
    case modelNotAllowed(model: String, key: String)
}

/// An answer and how it was obtained.
public struct RoutedAnswer<Output: Sendable>: Sendable {
    public var output: Output
    /// The route (provider name) that answered.
    public var provider: String
    public var upstreamModel: String?
    /// The answering route's price, for the record's cost estimate.
    public var price: RoutePrice?
    /// Time from the call to the answer (a stream's first chunk).
    public var latency: Duration
    public var attempts: [AttemptRecord]
    /// The upstream's rate-limit headers and usage, to pass on.
    public var report: UpstreamReport
    /// How the request met the response cache; `nil` when the cache is off.
    public var cache: CacheVerdict?
    /// How the request met its sticky session; `nil` when sticky routing is off.
    public var sticky: StickyVerdict?
    /// Whether a second route was called because the first sent nothing in time
    /// (`routing.hedge_after_ms`); the attempts say which answered and which was cancelled.
    public var hedged = false

    public init(
        output: Output,
        provider: String,
        upstreamModel: String?,
        price: RoutePrice?,
        latency: Duration,
        attempts: [AttemptRecord],
        report: UpstreamReport
    ) {
        self.output = output
        self.provider = provider
        self.upstreamModel = upstreamModel
        self.price = price
        self.latency = latency
        self.attempts = attempts
        self.report = report
    }
}

/// The rest of a streamed answer's settlement, called once by its ``PrimedStream`` when it ends.
struct StreamSettlement: Sendable {
    /// How a stream ended.
    enum End: Sendable {
        /// It ran to its end; tokens from the stream's `usage` when it had one.
        case finished(promptTokens: Int?, completionTokens: Int?, chunks: Int)
        /// The upstream failed after the first chunk.
        case failed(UpstreamFailure, chunks: Int)
        /// The client left.
        case abandoned(chunks: Int)
    }

    private let body: @Sendable (End) -> Void

    init(_ body: @escaping @Sendable (End) -> Void) {
        self.body = body
    }

    func settle(_ end: End) {
        body(end)
    }
}
