/// The figures of one group (a provider, model, key, endpoint, tier, instance, or all traffic) over a period.
public struct UsageStatsRow: Sendable, Equatable {
    /// Nearest-rank percentiles in milliseconds; `nil` when no request had the value.
    public struct Percentiles: Sendable, Equatable {
        public var p50: Double?
        public var p95: Double?

        public init(p50: Double? = nil, p95: Double? = nil) {
            self.p50 = p50
            self.p95 = p95
        }
    }

    public var group: String
    public var requests: Int
    /// Requests that got an error status, or streams that failed after they started.
    public var failures: Int
    /// Requests where more than one provider was called.
    public var failovers: Int
    public var promptTokens: Int
    public var completionTokens: Int
    /// What the routes' own prices made of the tokens (0 on free routes).
    public var costUSD: Double
    /// Requests answered from the response cache: upstream calls saved.
    public var cacheHits: Int
    /// Those of ``cacheHits`` answered from the entry of a question asked in other words.
    public var semanticCacheHits: Int
    /// Requests `model: auto` sorted into a tier.
    public var autoRequests: Int
    /// Requests a cascade answered in two steps (each step is a row; the request counts once).
    public var cascades: Int
    public var latencyMs: Percentiles
    public var timeToFirstTokenMs: Percentiles

    public init(
        group: String,
        requests: Int,
        failures: Int = 0,
        failovers: Int = 0,
        promptTokens: Int = 0,
        completionTokens: Int = 0,
        costUSD: Double = 0,
        cacheHits: Int = 0,
        semanticCacheHits: Int = 0,
        autoRequests: Int = 0,
        cascades: Int = 0,
        latencyMs: Percentiles = .init(),
        timeToFirstTokenMs: Percentiles = .init()
    ) {
        self.group = group
        self.requests = requests
        self.failures = failures
        self.failovers = failovers
        self.promptTokens = promptTokens
        self.completionTokens = completionTokens
        self.costUSD = costUSD
        self.cacheHits = cacheHits
        self.semanticCacheHits = semanticCacheHits
        self.autoRequests = autoRequests
        self.cascades = cascades
        self.latencyMs = latencyMs
        self.timeToFirstTokenMs = timeToFirstTokenMs
    }

    public var failureRate: Double { requests == 0 ? 0 : Double(failures) / Double(requests) }
    public var failoverRate: Double { requests == 0 ? 0 : Double(failovers) / Double(requests) }
    public var cacheHitRate: Double { requests == 0 ? 0 : Double(cacheHits) / Double(requests) }
    /// Hits on the exact request (rows logged before the kind was are counted here).
    public var exactCacheHits: Int { cacheHits - semanticCacheHits }

    /// What the tokens would have cost at `price`.
    public func referenceCostUSD(at price: ReferencePrice) -> Double {
        (Double(promptTokens) * price.inputPerMillion + Double(completionTokens) * price.outputPerMillion) / 1_000_000
    }

    /// What the free tiers saved against `price`: its cost minus what the routes cost.
    public func savedUSD(at price: ReferencePrice) -> Double {
        referenceCostUSD(at: price) - costUSD
    }
}

/// A paid model's prices in USD per million tokens, to value the traffic the free tiers carried.
public struct ReferencePrice: Sendable, Equatable {
    public var inputPerMillion: Double
    public var outputPerMillion: Double

    public init(inputPerMillion: Double, outputPerMillion: Double) {
        self.inputPerMillion = inputPerMillion
        self.outputPerMillion = outputPerMillion
    }
}
