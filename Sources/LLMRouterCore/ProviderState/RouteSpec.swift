/// What the provider state needs to know about one route (a provider entry: provider +
/// upstream model) to keep its breaker, cool-downs and quota.
public struct RouteSpec: Sendable, Equatable {
    /// The configured provider name; unique, the route's key.
    public var name: String
    public var breaker: BreakerConfiguration
    /// Limits to pace under; `nil` when none are known.
    public var limits: RateLimitConfiguration?
    /// Where the configured limits (and a route's learned limits) are kept: the route itself,
    /// every route of the same provider account, or a named pool.
    public var limitScope: String
    /// The provider account the route belongs to (kind + key variable, and the key's place in
    /// a list): an account-wide limit (OpenRouter's daily cap on free models) cools every route
    /// that shares it.
    public var account: String
    /// The key's short name (`groq#2`) when the route is one of several keys of one entry.
    public var key: String?
    /// The first key's route name, shared by the routes of one entry's keys (``ProviderKeySlot``).
    public var family: String?

    public init(
        name: String, breaker: BreakerConfiguration = .init(), limits: RateLimitConfiguration? = nil, limitScope: String? = nil,
        account: String? = nil, key: ProviderKeySlot? = nil
    ) {
        self.name = name
        self.breaker = breaker
        self.limits = limits
        self.limitScope = limitScope ?? "route:\(name)"
        self.account = account ?? "account:\(name)"
        self.key = key?.name
        self.family = key?.family
    }

    /// The spec of a configured provider entry.
    /// - Parameter defaultAPIKeyVariable: the kind's key variable, used when the entry names none
    ///   (Core knows no vendor's defaults: the provider registry passes the vendor's).
    public init(_ configuration: ProviderConfiguration, defaultAPIKeyVariable: String? = nil) {
        let keySource = (configuration.apiKeyVariable ?? defaultAPIKeyVariable).map { APIKeySource(variable: $0, item: configuration.apiKeyItem) }
        let account = "account:\(configuration.kind.rawValue):\(keySource?.description ?? configuration.name)"
        let scope: String
        switch configuration.rateLimit?.scope ?? .route {
        case .route: scope = "route:\(configuration.name)"
        case .provider: scope = account
        // A named pool is counted per key: the second key's calls do not spend the first's pool.
        case .pool(let name) where (configuration.keySlot?.number ?? 1) > 1: scope = "pool:\(name)@\(keySource?.description ?? configuration.name)"
        case .pool(let name): scope = "pool:\(name)"
        }
        self.init(
            name: configuration.name,
            breaker: configuration.circuitBreaker,
            limits: configuration.rateLimit.flatMap { $0.isEmpty ? nil : $0 },
            limitScope: scope,
            account: account,
            key: configuration.keySlot
        )
    }
}

/// Why a route was not called for a request, with when it may be called again.
public struct RouteSkip<Instant: InstantProtocol>: Sendable, Equatable {
    public enum Cause: Sendable, Equatable {
        /// The breaker is open (health), or half-open with its one trial out.
        case breakerOpen
        case trialInFlight
        /// A 429 (or an answer with nothing left) cooled the route or its pool.
        case coolingDown(String)
        /// A configured limit is used up.
        case quota(String)
        /// The provider cannot be called at all (no key).
        case disabled(String)
        /// The request needs something the route does not support.
        case incapable(String)
    }

    public var cause: Cause
    /// When the route may take a call again; `nil` when unknown.
    public var resumeAt: Instant?

    public init(cause: Cause, resumeAt: Instant? = nil) {
        self.cause = cause
        self.resumeAt = resumeAt
    }

    /// Whether the route is held back by a rate limit or quota (and will come back by itself),
    /// as opposed to being broken or unable to serve the request.
    public var isRateLimit: Bool {
        switch cause {
        case .coolingDown, .quota: true
        default: false
        }
    }

    /// A short reason for headers, logs and error messages.
    public var reason: String {
        switch cause {
        case .breakerOpen: "circuit open"
        case .trialInFlight: "circuit half-open, trial in progress"
        case .coolingDown(let why): "cooling down (\(why))"
        case .quota(let limit): "quota \(limit) used up"
        case .disabled(let why): "disabled: \(why)"
        case .incapable(let why): "unsupported: \(why)"
        }
    }

    /// A metric label.
    public var label: String {
        switch cause {
        case .breakerOpen, .trialInFlight: "breaker"
        case .coolingDown: "cool_down"
        case .quota: "quota"
        case .disabled: "disabled"
        case .incapable: "capability"
        }
    }
}

/// A change in a route's state worth a log line and a metric.
public enum RouteStateEvent<Instant: InstantProtocol>: Sendable, Equatable {
    case breakerOpened(retryIn: Duration)
    case breakerHalfOpened
    case breakerClosed
    /// `scope` (a route, pool or account key) cools until `until`.
    case coolDownStarted(scope: String, until: Instant, reason: String)
    case coolDownEnded(scope: String)
    /// These keys (short names) of one entry cooled together on one reset: from now on they are
    /// taken to share one account's limits, and a cool-down of one applies to all.
    case keysPooled(keys: [String], reason: String)
}

/// The answer to "may this route be called now?".
public enum RouteAdmission<Instant: InstantProtocol>: Sendable, Equatable where Instant.Duration == Duration {
    /// Call it; the call must be settled. `trial` when it is the breaker's half-open trial.
    case admitted(trial: Bool)
    /// Skip it, without a call.
    case skipped(RouteSkip<Instant>)
}
