import Hummingbird
import HTTPTypes
import NIOCore
public import LLMRouterCore

/// What every API folder shares: the current routing table, the one ``RequestRouter`` every
/// request goes through, and the headers that say what routing did. Each API translates its
/// wire format into a ``RouterOperation``, calls ``route(_:model:info:)`` once, and renders the
/// outcome (an answer, or a ``RoutingFailure``) in its own shape.
public struct RouterService<AppClock: Clock>: Sendable where AppClock.Duration == Duration {
    public struct Settings: Sendable {
        /// Model used when a request names none. Defaults to `nil` (every provider).
        public var defaultModel: String?
        /// Bounds the whole failover, waits for rate limits included, from arrival to an
        /// answer (or the first chunk of a stream). Defaults to 120 seconds.
        public var requestDeadline: Duration
        /// Idle time after which a stream gets a `: keep-alive` comment. Defaults to 10 seconds.
        public var streamKeepAlive: Duration
        /// Largest accepted request body. Defaults to 4 MiB.
        public var maxBodyBytes: Int

        public init(
            defaultModel: String? = nil,
            requestDeadline: Duration = .seconds(120),
            streamKeepAlive: Duration = .seconds(10),
            maxBodyBytes: Int = 4 * 1024 * 1024
        ) {
            self.defaultModel = defaultModel
            self.requestDeadline = requestDeadline
            self.streamKeepAlive = streamKeepAlive
            self.maxBodyBytes = maxBodyBytes
        }
    }

    public typealias Router = RequestRouter<ProviderState<AppClock>, AppClock>

    public let tables: RoutingTableStore
    public let router: Router
    public let settings: Settings

    public init(tables: RoutingTableStore, router: Router, settings: Settings) {
        self.tables = tables
        self.router = router
        self.settings = settings
    }

    /// The model a request is routed for: the one it names, else the default model. Applied
    /// once, here, for both the key's model check and routing.
    public func model(requested: String?) -> String? {
        requested ?? settings.defaultModel
    }

    /// The model `model` is served as: the current table's `routing.model_map` applied.
    public func servedModel(_ model: String?) -> String? {
        tables.current.routing.mappedModel(model)
    }

    /// Routes one operation over the current table, within the request deadline.
    public func route<Operation: RouterOperation>(_ operation: Operation, model: String?, info: RequestInfo) async throws -> RoutingOutcome<Operation.Output> {
        let deadline = router.clock.now.advanced(by: settings.requestDeadline)
        return try await router.route(operation, model: model, table: tables.current, deadline: deadline, info: info)
    }

    /// What the client is told for an outcome that is no answer.
    public func failure<Output>(of outcome: RoutingOutcome<Output>, model: String?) -> RoutingFailure {
        outcome.failure(model: model, deadline: settings.requestDeadline)
            ?? RoutingFailure(status: 502, type: "upstream_error", code: "no_answer", message: "No provider answered.")
    }
}

/// The headers that say what routing did, the same for every API.
public enum RoutingHeaders {
    /// `X-LLMRouter-Provider`, `-Attempts`, `-Skipped`, `-Sticky`, and the answering upstream's own
    /// rate-limit headers, so a client can pace itself as if it talked to the upstream.
    public static func answered<Output>(_ answer: RoutedAnswer<Output>, decision: RoutingDecision? = nil) -> HTTPFields {
        var headers = attempts(answer.attempts, retryAfter: nil)
        decided(decision, into: &headers)
        headers[.llmrouterProvider] = answer.provider
        if let sticky = answer.sticky { headers[.llmrouterSticky] = sticky.rawValue }
        if answer.hedged { headers[.llmrouterHedged] = "true" }
        if let verdict = answer.cache {
            headers[.llmrouterCache] = verdict.headerValue
            if let age = verdict.age { headers[.age] = String(age.components.seconds) }
        }
        for (name, value) in answer.report.rateLimitHeaders {
            guard let field = HTTPField.Name(name), field != .retryAfter else { continue }
            headers.append(HTTPField(name: field, value: value))
        }
        return headers
    }

    /// Attempt count, the routes skipped and why, `Retry-After` when known, and the provider
    /// that rejected the request, if one did.
    public static func failure<Output>(_ outcome: RoutingOutcome<Output>, failure routingFailure: RoutingFailure, decision: RoutingDecision? = nil) -> HTTPFields {
        var headers = attempts(outcome.attempts, retryAfter: routingFailure.retryAfter)
        if let provider = routingFailure.provider { headers[.llmrouterProvider] = provider }
        decided(decision, into: &headers)
        return headers
    }

    /// `X-LLMRouter-Policy`, `X-LLMRouter-Rule` when a rule decided, `X-LLMRouter-Auto` when
    /// `auto` chose the model and `X-LLMRouter-Cascade` when its cascade moved up.
    static func decided(_ decision: RoutingDecision?, into headers: inout HTTPFields) {
        guard let decision else { return }
        // Appended, not set: none is there yet, and setting one first looks for it.
        headers.append(HTTPField(name: .llmrouterPolicy, value: decision.policy.rawValue))
        if let rule = decision.rule { headers.append(HTTPField(name: .llmrouterRule, value: rule)) }
        if let auto = decision.auto { headers.append(HTTPField(name: .llmrouterAuto, value: auto)) }
        if let cascade = decision.cascade { headers.append(HTTPField(name: .llmrouterCascade, value: cascade)) }
    }

    static func attempts(_ attempts: [AttemptRecord], retryAfter: Duration?) -> HTTPFields {
        var headers = HTTPFields()
        // Room for the answer's whole set (ours, the rules', then Content-Type, Content-Length,
        // X-Request-Id, Date, Server): grown one by one it was copied four times a request.
        headers.reserveCapacity(Self.answerHeaderCapacity)
        headers[.llmrouterAttempts] = String(attempts.filter(\.wasCalled).count)
        let skipped = attempts.compactMap { attempt -> String? in
            guard case .skipped(let reason) = attempt.outcome else { return nil }
            let resume = attempt.resumeIn.map { "; retry_in=\(AttemptRecord.roundedSeconds($0))s" } ?? ""
            return "\(attempt.provider) (\(reason)\(resume))"
        }
        if !skipped.isEmpty { headers[.llmrouterSkipped] = boundedList(skipped) }
        if let retryAfter { headers[.retryAfter] = String(max(AttemptRecord.roundedSeconds(retryAfter), 1)) }
        return headers
    }

    static let answerHeaderCapacity = 14

    /// Reverse proxies refuse an answer whose headers pass their buffer (nginx: 4 KiB by
    /// default, a 502 to the client): a catalog's many skipped routes are cut short and counted.
    static let skippedHeaderLimit = 1024

    static func boundedList(_ items: [String]) -> String {
        var text = ""
        for (index, item) in items.enumerated() {
            let separator = index == 0 ? "" : ", "
            guard text.utf8.count + separator.utf8.count + item.utf8.count <= skippedHeaderLimit else {
                return text + "\(separator)+\(items.count - index) more"
            }
            text += separator + item
        }
        return text
    }

    static func eventStream(_ base: HTTPFields) -> HTTPFields {
        var headers = base
        headers[.contentType] = "text/event-stream"
        headers[.cacheControl] = "no-cache"
        headers[.accelBuffering] = "no"
        return headers
    }
}

extension HTTPField.Name {
    /// The provider that answered.
    static let llmrouterProvider = Self("X-LLMRouter-Provider")!
    /// How many providers were called for the request, the one that answered included.
    static let llmrouterAttempts = Self("X-LLMRouter-Attempts")!
    /// The routes passed over without a call, each with its reason.
    static let llmrouterSkipped = Self("X-LLMRouter-Skipped")!
    /// How the request met the response cache: `hit`, `semantic-hit; similarity=…`, `miss`,
    /// `bypass`; on a request, `off` skips the cache.
    static let llmrouterCache = Self("X-LLMRouter-Cache")!
    static let llmrouterSemanticCache = Self("X-LLMRouter-Semantic-Cache")!
    static let llmrouterSemanticThreshold = Self("X-LLMRouter-Semantic-Threshold")!
    /// The routing rule that decided the request (`routing.rules`, or a code ``RequestRule``).
    static let llmrouterRule = Self("X-LLMRouter-Rule")!
    /// The policy that ordered the routes.
    static let llmrouterPolicy = Self("X-LLMRouter-Policy")!
    /// How the request met its sticky session: `hit`, `new` or `moved` (`routing.sticky_minutes`).
    static let llmrouterSticky = Self("X-LLMRouter-Sticky")!
    /// `true` when a second route was called because the first sent nothing in time
    /// (`routing.hedge_after_ms`); `X-LLMRouter-Attempts` counts both calls.
    static let llmrouterHedged = Self("X-LLMRouter-Hedged")!
    /// On a request: the conversation it belongs to, for sticky routing.
    static let sessionID = Self("X-Session-Id")!
    /// `auto`'s tier and model: `tier=code; model=kimi-k2`.
    static let llmrouterAuto = Self("X-LLMRouter-Auto")!
    /// A cascade's path: `llama-3.1-8b -> llama-3.3-70b; reason=length`.
    static let llmrouterCascade = Self("X-LLMRouter-Cascade")!
    /// Tells nginx-style proxies not to buffer the event stream.
    static let accelBuffering = Self("X-Accel-Buffering")!
}
