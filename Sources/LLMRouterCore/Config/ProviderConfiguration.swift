/// One provider entry of the configuration, as the router uses it.
///
/// Field names follow the YAML (`canonical_model`, `api_key_env`, ...) of the original Python
/// llmrouter so existing files keep working; see ``ConfigurationLoader``.
public struct ProviderConfiguration: Sendable, Equatable {
    /// Unique name, shown in headers, health and errors.
    public var name: String
    public var kind: ProviderKind
    /// What the route serves. Defaults to ``RouteKind/chat``.
    public var routeKind: RouteKind
    /// Lower is tried first; equal priorities take turns. Defaults to 100.
    public var priority: Int
    /// Share of traffic under the `weighted` policy, relative to the others. Defaults to 1.
    public var weight: Double
    /// Share of calls (0...1) that fail on purpose before any network call, for drills. Defaults to 0.
    public var mockFailureRate: Double
    /// Added latency for the echo provider. Defaults to zero.
    public var mockLatency: Duration
    /// The model id sent upstream. `nil` sends what the client asked for.
    public var model: String?
    /// The name clients ask for. Defaults to ``model``.
    public var canonicalModel: String?
    /// Other names clients may use for ``canonicalModel``.
    public var aliases: [String]
    /// API root in the OpenAI-SDK convention (ends in `/v1`); `nil` uses the kind's default.
    public var baseURL: String?
    /// Name of the environment variable that holds the key; `nil` uses the kind's default
    /// (`effectiveAPIKeyVariable` in LLMRouterProviders knows it).
    public var apiKeyVariable: String?
    /// Which key of a comma-separated list in ``apiKeyVariable`` (1-based); `nil` sends the
    /// whole value. See ``APIKeySource``.
    public var apiKeyItem: Int?
    /// Which of its entry's keys the route sends, when the entry has several; `nil` otherwise.
    public var keySlot: ProviderKeySlot?
    /// Headers sent with every upstream call, as given.
    public var extraHeaders: [String: String]
    /// Whether a model the catalog marks as paid may be used.
    public var allowPaid: Bool
    public var circuitBreaker: BreakerConfiguration
    public var timeouts: UpstreamTimeouts
    /// Known limits to pace under (`rate_limit:`, or the catalog's free-tier facts). Defaults to `nil`: none known.
    public var rateLimit: RateLimitConfiguration?
    /// What the route supports (tools, vision, context length). Defaults to all unknown.
    public var capabilities: RouteCapabilities
    /// The route's price; `nil` when unknown. Free catalog routes carry ``RoutePrice/free``.
    public var price: RoutePrice?
    /// What the model is best used for (`tier:`, or the catalog's); `nil` when unknown.
    public var tier: ModelTier?
    /// A rough quality rank of the model, 1 to 100 (`quality:`, or the catalog's); `nil` when unknown.
    public var quality: Int?
    /// Labels rules select routes by (`tags: [gpu, eu]`; catalog routes carry `free` or `paid`
    /// and their vendor), lower-cased.
    public var tags: [String] = []

    public init(
        name: String,
        kind: ProviderKind,
        routeKind: RouteKind = .chat,
        priority: Int = 100,
        weight: Double = 1,
        mockFailureRate: Double = 0,
        mockLatency: Duration = .zero,
        model: String? = nil,
        canonicalModel: String? = nil,
        aliases: [String] = [],
        baseURL: String? = nil,
        apiKeyVariable: String? = nil,
        extraHeaders: [String: String] = [:],
        allowPaid: Bool = false,
        circuitBreaker: BreakerConfiguration = .init(),
        timeouts: UpstreamTimeouts = .init(),
        rateLimit: RateLimitConfiguration? = nil,
        capabilities: RouteCapabilities = .init(),
        price: RoutePrice? = nil,
        tier: ModelTier? = nil,
        quality: Int? = nil
    ) {
        self.name = name
        self.kind = kind
        self.routeKind = routeKind
        self.priority = priority
        self.weight = weight
        self.mockFailureRate = mockFailureRate
        self.mockLatency = mockLatency
        self.model = model
        self.canonicalModel = canonicalModel
        self.aliases = aliases
        self.baseURL = baseURL
        self.apiKeyVariable = apiKeyVariable
        self.apiKeyItem = nil
        self.keySlot = nil
        self.extraHeaders = extraHeaders
        self.allowPaid = allowPaid
        self.circuitBreaker = circuitBreaker
        self.timeouts = timeouts
        self.rateLimit = rateLimit
        self.capabilities = capabilities
        self.price = price
        self.tier = tier
        self.quality = quality
    }

    /// A provider with neither `model` nor `canonical_model` serves any requested model.
    public var isWildcard: Bool { model == nil && canonicalModel == nil }

    /// The name this provider's model is listed under, if it has one.
    public var publicModelName: String? { canonicalModel ?? model }
}

/// Time limits for one upstream call.
public struct UpstreamTimeouts: Sendable, Equatable {
    /// Establishing the connection. Defaults to 5 seconds.
    public var connect: Duration
    /// From sending the request to the first byte of the answer. Defaults to 30 seconds.
    public var firstByte: Duration
    /// The whole call, including a streamed answer. Defaults to 300 seconds.
    public var total: Duration

    public init(connect: Duration = .seconds(5), firstByte: Duration = .seconds(30), total: Duration = .seconds(300)) {
        self.connect = connect
        self.firstByte = firstByte
        self.total = total
    }
}
