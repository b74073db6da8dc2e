/// A route's known limits: configured under `rate_limit:` or seeded from the catalog's free-tier
/// facts (configured values win). The router paces calls under them instead of bursting into 429s.
public struct RateLimitConfiguration: Sendable, Equatable {
    /// Who shares the limits: one route (provider + upstream model), every route of one
    /// provider, or a named pool (OpenRouter's free models share one account-wide pool).
    public enum Scope: Sendable, Hashable {
        case route
        case provider
        case pool(String)
    }

    /// When a daily limit starts over.
    public enum DailyReset: Sendable, Hashable {
        /// Midnight UTC.
        case utc
        /// Midnight in an IANA time zone (`America/Los_Angeles`).
        case timeZone(String)
        /// A sliding 24-hour window.
        case rolling
    }

    /// Defaults to ``Scope/route``.
    public var scope: Scope
    /// Requests per minute; `nil` means unknown or unlimited.
    public var requestsPerMinute: Int?
    /// Requests per day.
    public var requestsPerDay: Int?
    /// Tokens (prompt + completion) per minute.
    public var tokensPerMinute: Int?
    /// Tokens per day.
    public var tokensPerDay: Int?
    /// Calls in flight at once.
    public var maxConcurrency: Int?
    /// Defaults to ``DailyReset/utc``.
    public var dailyReset: DailyReset

    public init(
        scope: Scope = .route,
        requestsPerMinute: Int? = nil,
        requestsPerDay: Int? = nil,
        tokensPerMinute: Int? = nil,
        tokensPerDay: Int? = nil,
        maxConcurrency: Int? = nil,
        dailyReset: DailyReset = .utc
    ) {
        self.scope = scope
        self.requestsPerMinute = requestsPerMinute
        self.requestsPerDay = requestsPerDay
        self.tokensPerMinute = tokensPerMinute
        self.tokensPerDay = tokensPerDay
        self.maxConcurrency = maxConcurrency
        self.dailyReset = dailyReset
    }

    /// Whether any limit is set.
    public var isEmpty: Bool {
        requestsPerMinute == nil && requestsPerDay == nil && tokensPerMinute == nil && tokensPerDay == nil && maxConcurrency == nil
    }

    /// `self`, with every limit it leaves unset taken from `fallback` (configured over catalog).
    public func filling(from fallback: RateLimitConfiguration?) -> RateLimitConfiguration {
        guard let fallback else { return self }
        var merged = self
        merged.requestsPerMinute = requestsPerMinute ?? fallback.requestsPerMinute
        merged.requestsPerDay = requestsPerDay ?? fallback.requestsPerDay
        merged.tokensPerMinute = tokensPerMinute ?? fallback.tokensPerMinute
        merged.tokensPerDay = tokensPerDay ?? fallback.tokensPerDay
        merged.maxConcurrency = maxConcurrency ?? fallback.maxConcurrency
        return merged
    }
}

/// What a route can do, so a request that needs more skips it instead of failing on it.
/// `nil` fields are unknown and never rule a route out.
public struct RouteCapabilities: Sendable, Equatable {
    public var tools: Bool?
    public var vision: Bool?
    public var jsonMode: Bool?
    /// Prompt + completion tokens the model accepts.
    public var contextLength: Int?
    public var maxOutputTokens: Int?

    public init(tools: Bool? = nil, vision: Bool? = nil, jsonMode: Bool? = nil, contextLength: Int? = nil, maxOutputTokens: Int? = nil) {
        self.tools = tools
        self.vision = vision
        self.jsonMode = jsonMode
        self.contextLength = contextLength
        self.maxOutputTokens = maxOutputTokens
    }
}

/// A route's price in US dollars per million tokens; zero on a free route.
public struct RoutePrice: Sendable, Equatable {
    public var inputPerMillion: Double
    public var outputPerMillion: Double

    public init(inputPerMillion: Double, outputPerMillion: Double) {
        self.inputPerMillion = inputPerMillion
        self.outputPerMillion = outputPerMillion
    }

    public static let free = RoutePrice(inputPerMillion: 0, outputPerMillion: 0)

    /// What `promptTokens` in and `completionTokens` out cost.
    public func cost(promptTokens: Int, completionTokens: Int) -> Double {
        (Double(promptTokens) * inputPerMillion + Double(completionTokens) * outputPerMillion) / 1_000_000
    }
}
