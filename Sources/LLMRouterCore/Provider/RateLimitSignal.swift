/// What an upstream said about its rate limits, in one vendor-neutral shape.
///
/// Each vendor writes its limits its own way (Groq's `x-ratelimit-*-requests` is a daily count,
/// Cerebras names the window in the header, OpenRouter sends an epoch-ms reset, Gemini puts it
/// all in the 429 body); the vendor dialects in `LLMRouterProviders` read them into this, and
/// the provider state in Core acts on it without knowing who sent it.
public struct RateLimitSignal: Sendable, Equatable {
    /// One limit bucket the upstream reported.
    public struct Window: Sendable, Equatable {
        public enum Unit: String, Sendable {
            case requests
            case tokens
        }

        /// How long the bucket is; `nil` when the vendor does not say.
        public enum Period: String, Sendable {
            case minute
            case hour
            case day
        }

        public var unit: Unit
        public var period: Period?
        public var limit: Int?
        public var remaining: Int?
        /// Time until the bucket refills (or, for rolling buckets, until one more call fits).
        public var resetIn: Duration?

        public init(unit: Unit, period: Period? = nil, limit: Int? = nil, remaining: Int? = nil, resetIn: Duration? = nil) {
            self.unit = unit
            self.period = period
            self.limit = limit
            self.remaining = remaining
            self.resetIn = resetIn
        }
    }

    /// For a refusal, which limit was hit; `nil` on a successful answer or when unknown.
    public var kind: RateLimitKind?
    /// How long the upstream asked us to wait (`Retry-After`, `retry-after-ms`, a body's
    /// `retryDelay`, "try again in 7.66s"); `nil` when it did not say.
    public var retryAfter: Duration?
    /// The buckets the headers (or the body) described.
    public var windows: [Window]
    /// Whether the limit is shared beyond this route (OpenRouter's daily cap on free models
    /// covers the whole account).
    public var accountWide: Bool

    public init(kind: RateLimitKind? = nil, retryAfter: Duration? = nil, windows: [Window] = [], accountWide: Bool = false) {
        self.kind = kind
        self.retryAfter = retryAfter
        self.windows = windows
        self.accountWide = accountWide
    }

    /// When the route has room again: `retryAfter` if given, else the longest reset among
    /// the exhausted buckets (retrying before the last of them refills earns another 429);
    /// `nil` when nothing is exhausted and no wait was asked for.
    public var waitHint: Duration? {
        if let retryAfter { return retryAfter }
        return windows.filter { $0.remaining == 0 }.compactMap(\.resetIn).max()
    }

    /// Whether some bucket has nothing left.
    public var isExhausted: Bool { windows.contains { $0.remaining == 0 } }
}

/// Which kind of limit a 429 (or 402) reports; each cools a route differently.
public enum RateLimitKind: String, Sendable, CaseIterable {
    /// A per-minute (or per-hour) request or token limit: short, resets soon.
    case shortWindow = "short_window"
    /// A daily cap ("free-models-per-day", `…PerDay…-FreeTier`): cool until the reset.
    case daily
    /// The upstream's own congestion (OpenRouter's "temporarily rate-limited upstream",
    /// Cerebras' `queue_exceeded`): move on, no long cool-down.
    case upstreamCongestion = "upstream_congestion"
    /// Out of credits (402, `insufficient_quota`): a long cool-down, shown as such.
    case credits
}
