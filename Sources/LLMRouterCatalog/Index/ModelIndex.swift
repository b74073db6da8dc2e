import LLMRouterCore

/// The published free-model catalog (`generated/model_index.json`).
///
/// One entry per canonical model, each naming the exact upstream id every provider serves it
/// under, plus the free ids each provider listed when the index was built. The field names are
/// those of the original Python llmrouter, so files written by either tool load in both; our files
/// add `schema_version`, `generated_at` and `auto_matched`, which the Python tool ignores.
///
/// Schema 2 adds per-route facts (`limits`, `capabilities`, `context_length`, `max_output_tokens`,
/// `price`, `quarantine`, `verified`; see docs/catalog.md). Schema 3 adds each model's `kind`
/// (`chat` when absent, or `embeddings`) and `dimensions`; it is a new version because a schema-2
/// reader would ignore `kind` and serve embedding models as chat models, so it must refuse the
/// file instead. Versions 1 and 2 and Python files still load, every model as chat.
///
/// ```json
/// {
///   "schema_version": 3,
///   "generated_at": "2026-08-20T10:00:00Z",
///   "providers": ["groq", "openrouter", "nvidia_nim"],
///   "models": [{"canonical": "gpt-oss-20b", "aliases": ["openai/gpt-oss-20b"], "auto_matched": false,
///               "providers": {"groq": {"model": "openai/gpt-oss-20b", "api_key_env": "GROQ_API_KEY", ...}}},
///              {"canonical": "bge-m3", "kind": "embeddings", "dimensions": 1024, ...}],
///   "provider_catalogs": {"groq": ["openai/gpt-oss-20b", ...]}
/// }
/// ```
public struct ModelIndex: Sendable, Equatable {
    /// The schema this code writes; files with a larger number are refused.
    public static let currentSchemaVersion = 3

    /// `nil` for files written by the Python llmrouter, which has no version field.
    public var schemaVersion: Int?
    /// When the index was built (ISO 8601, UTC); `nil` when the file does not say.
    public var generatedAt: String?
    /// The providers that were listed to build the index, in the order given.
    public var providers: [String]
    /// Canonical models in catalog order: seed entries first, then auto-matched ones by name.
    public var models: [Entry]
    /// The usable free ids each provider listed, sorted.
    public var providerCatalogs: [String: [String]]
    /// When each provider was last listed successfully (`listed_at`, ISO 8601); a provider that
    /// could not be listed keeps its date, so its kept routes show how old they are.
    public var listedAt: [String: String]
    /// Entries ``decode(_:source:)`` left out because this build cannot serve them (a `kind` it
    /// does not know), each naming the field and why, so the loader can log them. Never written.
    public var skippedEntries: [IndexError]

    public init(
        schemaVersion: Int? = ModelIndex.currentSchemaVersion,
        generatedAt: String? = nil,
        providers: [String],
        models: [Entry],
        providerCatalogs: [String: [String]] = [:],
        listedAt: [String: String] = [:],
        skippedEntries: [IndexError] = []
    ) {
        self.schemaVersion = schemaVersion
        self.generatedAt = generatedAt
        self.providers = providers
        self.models = models
        self.providerCatalogs = providerCatalogs
        self.listedAt = listedAt
        self.skippedEntries = skippedEntries
    }

    /// One canonical model and the providers that serve it.
    public struct Entry: Sendable, Equatable {
        /// The name clients ask for.
        public var canonical: String
        /// Other names clients may use. Python-written files repeat the canonical name here.
        public var aliases: [String]
        /// Upstream mapping per provider name (`groq`, `openrouter`, `nvidia_nim`, ...).
        public var providers: [String: ProviderMapping]
        /// Whether the entry came from matching ids across providers rather than from the seed.
        public var autoMatched: Bool
        /// What every route of the model serves (`kind`, schema 3): the router sends chat calls
        /// only to chat routes and `/v1/embeddings` only to embedding routes.
        public var kind: RouteKind
        /// The length of the vectors an embedding model returns by default (`dimensions`), so
        /// clients can size their vector store; `nil` when unknown or for chat models.
        public var dimensions: Int?
        /// What the model is best used for (`tier`, from the seed); `nil` when unknown.
        public var tier: ModelTier?
        /// A rough quality rank, 1 to 100 (`quality`, from the seed); `nil` when unknown.
        public var quality: Int?

        public init(
            canonical: String, aliases: [String] = [], providers: [String: ProviderMapping], autoMatched: Bool = false,
            kind: RouteKind = .chat, dimensions: Int? = nil, tier: ModelTier? = nil, quality: Int? = nil
        ) {
            self.canonical = canonical
            self.aliases = aliases
            self.providers = providers
            self.autoMatched = autoMatched
            self.kind = kind
            self.dimensions = dimensions
            self.tier = tier
            self.quality = quality
        }

        /// Provider names in a stable order: those of `order` first, in that order, then the rest by name.
        public func providerNames(in order: [String]) -> [String] {
            var names: [String] = []
            for name in order where providers[name] != nil && !names.contains(name) { names.append(name) }
            return names + providers.keys.filter { !order.contains($0) }.sorted()
        }
    }

    /// How one provider serves a canonical model; the fields mirror a provider entry of the YAML configuration.
    public struct ProviderMapping: Sendable, Equatable {
        /// The exact upstream model id, e.g. `meta-llama/llama-3.3-70b-instruct:free`.
        public var model: String
        /// The key variable; `nil` uses the provider's default (`GROQ_API_KEY`, ...).
        public var apiKeyEnv: String?
        /// API root override; `nil` uses the provider's default.
        public var baseURL: String?
        /// Headers sent with every call, e.g. OpenRouter's `HTTP-Referer`.
        public var extraHeaders: [String: String]
        /// Whether a paid upstream model may be used.
        public var allowPaid: Bool
        /// Added to the model's catalog priority: positive values make this provider a later fallback.
        public var priorityOffset: Int
        /// Breaker overrides; `nil` keeps the router's defaults.
        public var circuitBreaker: CircuitBreakerSettings?
        /// Share of calls (0...1) failed on purpose, for drills.
        public var mockFailureRate: Double
        /// Whether the provider listed this model as paid (only with `catalog-build --include-paid`).
        public var paid: Bool
        /// The free tier's limits on this route (`limits`, schema 2): from the seed's documented
        /// limits and, with `catalog-build --verify`, the provider's headers.
        public var limits: RateLimitConfiguration?
        /// Tools, vision, JSON mode, context length and output cap (schema 2); unknown when `nil`.
        public var capabilities: RouteCapabilities
        /// Price per million tokens (schema 2); zero on a free route, `nil` when unknown.
        public var price: RoutePrice?
        /// Set by `catalog-build --verify` when the route failed its test call; the router skips it.
        public var quarantine: Quarantine?
        /// What `catalog-build --verify` saw on the route's test call.
        public var verification: Verification?
        /// Set while only the provider's documentation vouches for the route (see ``status``).
        public var documentation: Documentation?
        /// Set when the route was kept from an earlier index because its provider could not be listed.
        public var staleness: Staleness?

        public init(
            model: String,
            apiKeyEnv: String? = nil,
            baseURL: String? = nil,
            extraHeaders: [String: String] = [:],
            allowPaid: Bool = false,
            priorityOffset: Int = 0,
            circuitBreaker: CircuitBreakerSettings? = nil,
            mockFailureRate: Double = 0,
            paid: Bool = false,
            limits: RateLimitConfiguration? = nil,
            capabilities: RouteCapabilities = .init(),
            price: RoutePrice? = nil,
            quarantine: Quarantine? = nil,
            verification: Verification? = nil,
            documentation: Documentation? = nil,
            staleness: Staleness? = nil
        ) {
            self.model = model
            self.apiKeyEnv = apiKeyEnv
            self.baseURL = baseURL
            self.extraHeaders = extraHeaders
            self.allowPaid = allowPaid
            self.priorityOffset = priorityOffset
            self.circuitBreaker = circuitBreaker
            self.mockFailureRate = mockFailureRate
            self.paid = paid
            self.limits = limits
            self.capabilities = capabilities
            self.price = price
            self.quarantine = quarantine
            self.verification = verification
            self.documentation = documentation
            self.staleness = staleness
        }

        /// Whether the router may call it: free, or paid with `allow_paid`.
        public var isAllowed: Bool { !paid || allowPaid }
    }
}

extension ModelIndex {
    /// The entry whose canonical name or alias is `name`, compared as ``ModelName/normalize(_:)`` does.
    public func entry(named name: String) -> Entry? {
        let key = ModelName.normalize(name)
        return models.first { entry in
            ([entry.canonical] + entry.aliases).contains { ModelName.normalize($0) == key }
        }
    }

    /// Whether `provider` listed `model` as free when the index was built.
    ///
    /// A trailing `:free` is ignored on both sides because the Python builder stored OpenRouter
    /// ids without it.
    public func isListedFree(_ model: String, provider: String) -> Bool {
        guard let catalog = providerCatalogs[provider] else { return false }
        let wanted = Self.withoutFreeSuffix(model)
        return catalog.contains { Self.withoutFreeSuffix($0) == wanted }
    }

    static func withoutFreeSuffix(_ id: String) -> String {
        id.hasSuffix(":free") ? String(id.dropLast(5)) : id
    }
}

extension ModelIndex {
    /// Why a route was taken out of service by `catalog-build --verify`, and when.
    public struct Quarantine: Sendable, Equatable {
        /// For example `HTTP 404 on the test call` or `paid: the test call cost 0.0001`.
        public var reason: String
        /// ISO 8601, UTC.
        public var at: String

        public init(reason: String, at: String) {
            self.reason = reason
            self.at = at
        }
    }

    /// The outcome of a route's test call (`catalog-build --verify`).
    public struct Verification: Sendable, Equatable {
        /// ISO 8601, UTC.
        public var at: String
        public var latencyMilliseconds: Int
        /// The rate-limit headers the answer carried (lower-cased names), e.g. Groq's `x-ratelimit-limit-requests`.
        public var rateLimitHeaders: [String: String]

        public init(at: String, latencyMilliseconds: Int, rateLimitHeaders: [String: String] = [:]) {
            self.at = at
            self.latencyMilliseconds = latencyMilliseconds
            self.rateLimitHeaders = rateLimitHeaders
        }
    }
}
