/// What the router would do with a request, told without doing it: the model served, the rule
/// and policy, every route in the order it would be tried with why it is a candidate or not,
/// and whether the response cache would answer (see ``RequestRouter/explain(_:model:table:info:)``).
public struct RoutingExplanation: Sendable, Equatable {
    /// How the request would end before or instead of trying routes.
    public enum Verdict: Sendable, Equatable {
        /// The candidates would be tried in order.
        case route
        /// A rule's `then.deny` refuses it.
        case denied(rule: String, message: String)
        /// The access key may not be served the model.
        case modelNotAllowed(model: String, key: String)
        case modelNotFound
        /// The model is served only by routes of another kind.
        case wrongKind(RouteKind)
        /// No route of the model supports what the request needs.
        case unsupported
        /// Every route is skipped now: the request would wait for a reset (up to the wait) or be
        /// answered 429 when `rateLimited`, else 503.
        case noCandidate(rateLimited: Bool)
    }

    /// One route, where it stands.
    public struct RouteLine: Sendable, Equatable {
        public enum Status: String, Sendable {
            /// Would be called in its turn.
            case candidate
            /// Would be passed over without a call.
            case skipped
        }

        public var name: String
        /// The provider type (`groq`, `openrouter`, …).
        public var type: String
        public var upstreamModel: String?
        public var priority: Int
        public var tags: [String]
        public var status: Status
        /// Its place in the order the routes would be tried, from 1; `nil` for a route left out
        /// before ordering.
        public var position: Int?
        /// Why it is skipped, as `X-LLMRouter-Skipped` says it.
        public var reason: String?
        /// The kind of skip: `disabled`, `rule`, `capability`, `breaker`, `cool_down`, `quota`,
        /// `budget` (a paid route once the day's spend reached a budget).
        public var skip: String?
        /// When a cool-down, quota or open breaker ends, from now.
        public var resumeIn: Duration?
        /// A candidate that would be the half-open breaker's one trial.
        public var trial = false
        /// The route the request's sticky session is on.
        public var sticky = false

        public init(route: Route, status: Status, reason: String? = nil, skip: String? = nil, resumeIn: Duration? = nil) {
            self.name = route.name
            self.type = route.configuration.kind.rawValue
            self.upstreamModel = route.configuration.model
            self.priority = route.configuration.priority
            self.tags = route.configuration.tags
            self.status = status
            self.reason = reason
            self.skip = skip
            self.resumeIn = resumeIn
        }
    }

    /// Whether the response cache would answer.
    public enum CacheState: Sendable, Equatable {
        /// No cache is configured.
        case off
        /// The cache would not be consulted, and why.
        case bypass(String)
        /// An exact entry is stored, this old.
        case hit(age: Duration)
        /// No exact entry (a semantic match is not looked for: it costs an embedding call).
        case miss
    }

    /// The request's sticky session and the route it is on.
    public struct Sticky: Sendable, Equatable {
        public var source: StickySession.Source
        /// `nil` when the session is on no route yet (or its time ran out).
        public var route: String?
        public var expiresIn: Duration?
    }

    public var endpoint: String
    /// The model named (the default model applied); `nil` for any.
    public var requestedModel: String?
    /// The model served: `routing.model_map`, then a rule's `then.model`; `nil` for any.
    public var model: String?
    public var rule: String?
    public var policy: RoutingPolicyName
    /// What `auto` chose for a request asking for any model: its tier, the models it would try
    /// in order, and a cascade's cheaper first step; `nil` otherwise.
    public var auto: AutoPreview?
    /// How long the request may wait for a rate limit to reset.
    public var maxWait: Duration
    public var needs: RequestNeeds
    public var verdict: Verdict = .route
    /// The ordered routes first, each `candidate` or `skipped` by admission; then the routes
    /// left out before ordering (disabled, a rule's `only`, capabilities).
    public var routes: [RouteLine] = []
    public var cache: CacheState = .off
    public var sticky: Sticky?
    /// How long the first call may go without its first byte before the next route is called
    /// too (`routing.hedge_after_ms`); `nil` when not hedged.
    public var hedgeAfter: Duration?
    /// The wall time the explanation is for, milliseconds since 1970 on the router's clock.
    public var wallTime: Int64

    /// The route that would be called first, if any.
    public var firstCandidate: String? {
        routes.first { $0.status == .candidate }?.name
    }
}

extension RoutingExplanation.Verdict {
    /// The word for it in JSON and text.
    public var label: String {
        switch self {
        case .route: "route"
        case .denied: "denied"
        case .modelNotAllowed: "model_not_allowed"
        case .modelNotFound: "model_not_found"
        case .wrongKind: "wrong_model_kind"
        case .unsupported: "model_not_capable"
        case .noCandidate(let rateLimited): rateLimited ? "rate_limited" : "no_candidate"
        }
    }
}
