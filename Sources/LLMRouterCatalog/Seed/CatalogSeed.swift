import LLMRouterCore

/// The hand-curated part of the catalog (`config/model_catalog_seed.yaml`): canonical names,
/// aliases, and the exact upstream id each provider serves them under.
///
/// ```yaml
/// models:
///   - canonical: bge-m3
///     kind: embeddings        # default chat
///     dimensions: 1024
///     tier: embedding         # simple, general, code, reasoning, long_context or embedding
///     quality: 50             # a rough rank, 1 to 100
///     quality_source: "MTEB leaderboard (multilingual), 2025"
///     providers:
///       nvidia_nim: {model: baai/bge-m3}
///   - canonical: llama-3.3-70b
///     aliases: [meta-llama/llama-3.3-70b-instruct]
///     providers:
///       groq:
///         model: llama-3.3-70b-versatile
///       openrouter:
///         model: meta-llama/llama-3.3-70b-instruct:free
///         extra_headers: {HTTP-Referer: "https://github.com/llmrouter", X-Title: llmrouter}
///         priority_offset: 5
/// ```
///
/// Per provider the optional fields are `api_key_env`, `base_url`, `extra_headers`, `allow_paid`,
/// `priority_offset`, `circuit_breaker`, `mock_failure_rate`, `limits` (`rpm`, `rpd`, `tpm`, `tpd`,
/// `max_concurrency`, `daily_reset`, `scope`, `pool`), `context_length`, `max_output_tokens` and
/// `capabilities` (`tools`, `vision`, `json_mode`), with the meaning they have in the index
/// (``ModelIndex/ProviderMapping``). A top-level `provider_limits:` maps provider names to the
/// limits their free tier documents.
public struct CatalogSeed: Sendable, Equatable {
    public var entries: [Entry]
    /// Each provider's documented free-tier limits (`provider_limits:`), applied to all its
    /// routes; an entry's own `limits:` override them field by field.
    public var providerLimits: [ProviderKind: RateLimitConfiguration]

    public init(entries: [Entry], providerLimits: [ProviderKind: RateLimitConfiguration] = [:]) {
        self.entries = entries
        self.providerLimits = providerLimits
    }

    public struct Entry: Sendable, Equatable {
        public var canonical: String
        public var aliases: [String]
        /// The providers in the order the seed lists them.
        public var providers: [Provider]
        /// `kind:` (`chat` when absent, or `embeddings`); a provider is published only when its
        /// listing shows a model of this kind.
        public var kind: RouteKind
        /// `dimensions:` of an embedding model, from its documentation, because no listing states it.
        public var dimensions: Int?
        /// `tier:`, what the model is best used for.
        public var tier: ModelTier?
        /// `quality:`, a rough rank from 1 to 100.
        public var quality: Int?
        /// `quality_source:`, where the rank comes from (a leaderboard, the model card); required with `quality`.
        public var qualitySource: String?

        public init(
            canonical: String, aliases: [String] = [], providers: [Provider], kind: RouteKind = .chat, dimensions: Int? = nil,
            tier: ModelTier? = nil, quality: Int? = nil, qualitySource: String? = nil
        ) {
            self.canonical = canonical
            self.aliases = aliases
            self.providers = providers
            self.kind = kind
            self.dimensions = dimensions
            self.tier = tier
            self.quality = quality
            self.qualitySource = qualitySource
        }
    }

    /// One provider's mapping for an entry.
    public struct Provider: Sendable, Equatable {
        public var kind: ProviderKind
        public var mapping: ModelIndex.ProviderMapping

        public init(kind: ProviderKind, mapping: ModelIndex.ProviderMapping) {
            self.kind = kind
            self.mapping = mapping
        }
    }

    /// Every `(provider, upstream id)` the seed names, whether or not it is published.
    public var claimedIDs: Set<ClaimedID> {
        Set(entries.flatMap { entry in entry.providers.map { ClaimedID(provider: $0.kind, model: $0.mapping.model) } })
    }

    public struct ClaimedID: Sendable, Hashable {
        public var provider: ProviderKind
        public var model: String
    }
}

/// A seed that cannot be used, located by file, entry and field.
///
/// For example `config/model_catalog_seed.yaml: entry 'llama-3.3-70b' field 'providers.groq.model': missing`.
public struct SeedError: Error, Sendable, Equatable, CustomStringConvertible {
    public var file: String
    /// The entry's canonical name, or its position (`#2`) when it has no usable name.
    public var entry: String?
    public var field: String?
    public var message: String

    public init(file: String, entry: String? = nil, field: String? = nil, message: String) {
        self.file = file
        self.entry = entry
        self.field = field
        self.message = message
    }

    public var description: String {
        var location = file
        if let entry { location += ": entry '\(entry)'" }
        if let field { location += (entry == nil ? ": field '" : " field '") + field + "'" }
        return "\(location): \(message)"
    }
}

/// Something in the seed that is ignored but probably a mistake, such as a misspelt key.
public struct SeedWarning: Sendable, Equatable, CustomStringConvertible {
    public var file: String
    public var entry: String?
    public var message: String

    public var description: String {
        entry.map { "\(file): entry '\($0)': \(message)" } ?? "\(file): \(message)"
    }
}
