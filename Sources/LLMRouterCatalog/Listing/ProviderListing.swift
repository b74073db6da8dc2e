import LLMRouterCore

/// One model from a provider's `GET /models`, classified by the free rules.
public struct ListedModel: Sendable, Equatable {
    /// Free or paid, by that provider's rule (see ``ListingParser``).
    public enum Tier: String, Sendable, Equatable {
        case free, paid
    }

    /// The exact upstream id, e.g. `meta-llama/llama-3.3-70b-instruct:free`.
    public var id: String
    public var tier: Tier
    /// Why the router cannot serve the model (`inactive`, `speech-to-text`, `reranker`, ...);
    /// `nil` when it can. Such models are listed but never published.
    public var unusableReason: String?
    /// What the model serves: chat completions or, when the listing marks or names it an
    /// embedding model, embeddings (published as such, never offered for chat).
    public var kind: RouteKind
    /// A pre-trained base model the listing marks as such (OpenRouter's "(base)"). Base and instruct
    /// variants share a normalised name, so auto-matching leaves base models out.
    public var isBaseModel: Bool
    /// What the listing says the model can do (tools, vision, JSON mode, context, output cap).
    public var capabilities: RouteCapabilities
    /// The listed price per million tokens; ``RoutePrice/free`` on a free model, `nil` when the listing has none.
    public var price: RoutePrice?
    /// Limits the listing implies (GitHub Models' `rate_limit_tier`); `nil` for most providers.
    public var limits: RateLimitConfiguration?

    public init(
        id: String, tier: Tier, unusableReason: String? = nil, kind: RouteKind = .chat, isBaseModel: Bool = false,
        capabilities: RouteCapabilities = .init(), price: RoutePrice? = nil, limits: RateLimitConfiguration? = nil
    ) {
        self.id = id
        self.tier = tier
        self.unusableReason = unusableReason
        self.kind = kind
        self.isBaseModel = isBaseModel
        self.capabilities = capabilities
        self.price = price ?? (tier == .free ? .free : nil)
        self.limits = limits
    }

    /// Usable (for chat or embeddings, see ``kind``) and free.
    public var isUsableFree: Bool { unusableReason == nil && tier == .free }
}

/// A provider's `/models` answer after the free rules: every model it listed, classified.
public struct ProviderListing: Sendable, Equatable {
    public var provider: ProviderKind
    /// The listed models in listing order, each id once (NVIDIA NIM repeats some ids).
    public var models: [ListedModel]

    public init(provider: ProviderKind, models: [ListedModel]) {
        self.provider = provider
        self.models = models
    }

    /// Usable free ids of either kind, sorted: what `provider_catalogs` publishes.
    public var freeIDs: [String] {
        models.filter(\.isUsableFree).map(\.id).sorted()
    }

    /// Usable paid ids, sorted.
    public var paidIDs: [String] {
        models.filter { $0.unusableReason == nil && $0.tier == .paid }.map(\.id).sorted()
    }

    /// The listed model with exactly this id.
    public func model(id: String) -> ListedModel? {
        models.first { $0.id == id }
    }
}
