import LLMRouterCore
import LLMRouterProviders

/// Joins the seed with the providers' live listings into a ``ModelIndex``. Pure: no I/O, no clock.
///
/// A seed mapping is published only if the provider listed its upstream id as a usable free
/// model of the entry's kind (chat or embeddings), or, with `allow_paid`, listed it at all (then
/// it is marked `paid`), or, when the provider was not listed in this build, if the seed
/// documents it (`documented:`; published with status documented). With
/// `includePaid`, paid mappings are kept too, marked `paid`, so the router still refuses them
/// unless `allow_paid` is set. Everything left out is reported as a ``CatalogDrop``. Seed entries
/// keep seed order; ``AutoMatcher`` entries follow, sorted by name.
public struct CatalogBuilder: Sendable {
    public struct Options: Sendable {
        /// The providers that were listed, in `--providers` order; it orders `providers` in the index.
        public var providers: [ProviderKind]
        /// Keep paid mappings and auto-match paid ids, marked `paid` (`--include-paid`). Defaults to false.
        public var includePaid: Bool
        /// Publish ``AutoMatcher`` entries. Defaults to true.
        public var autoMatch: Bool
        /// Providers of ``providers`` that could not be listed: whose previous routes to keep and
        /// which to drop. Defaults to none.
        public var stale: StaleProviders

        public init(providers: [ProviderKind], includePaid: Bool = false, autoMatch: Bool = true, stale: StaleProviders = .init()) {
            self.providers = providers
            self.includePaid = includePaid
            self.autoMatch = autoMatch
            self.stale = stale
        }
    }

    /// The index plus what was left out of it.
    public struct Outcome: Sendable {
        public var index: ModelIndex
        public var drops: [CatalogDrop]
        public var autoMatchSkips: [AutoMatchSkip]
    }

    public var options: Options

    public init(options: Options) {
        self.options = options
    }

    /// Builds the index.
    /// - Parameters:
    ///   - seed: the curated entries.
    ///   - listings: each listed provider's classified `/models`.
    ///   - generatedAt: the `generated_at` text (ISO 8601), passed in so builds are reproducible.
    public func build(seed: CatalogSeed, listings: [ProviderKind: ProviderListing], generatedAt: String?) -> Outcome {
        var drops: [CatalogDrop] = []
        var models: [ModelIndex.Entry] = []
        var names: Set<String> = []
        for entry in seed.entries {
            var providers: [String: ModelIndex.ProviderMapping] = [:]
            for seeded in entry.providers {
                var mapping = seeded.mapping
                if mapping.apiKeyEnv == nil { mapping.apiKeyEnv = Vendor.for(seeded.kind).defaultAPIKeyVariable }
                switch verdict(for: mapping, kind: entry.kind, provider: seeded.kind, listing: listings[seeded.kind]) {
                case .publish(let paid):
                    mapping.paid = paid
                    // A listing confirms what the documentation said; the route is listed from now on.
                    mapping.documentation = nil
                    providers[seeded.kind.rawValue] = mapping
                case .publishDocumented:
                    providers[seeded.kind.rawValue] = mapping
                case .drop(let reason):
                    drops.append(CatalogDrop(canonical: entry.canonical, provider: seeded.kind, upstreamModel: mapping.model, reason: reason))
                }
            }
            // Names stay reserved even when the entry is dropped, so an auto-matched model can
            // never take over a curated name the seed meant for something else.
            for name in [entry.canonical] + entry.aliases { names.insert(ModelName.normalize(name)) }
            guard !providers.isEmpty else {
                drops.append(CatalogDrop(canonical: entry.canonical, reason: .noProviderLeft))
                continue
            }
            models.append(ModelIndex.Entry(
                canonical: entry.canonical, aliases: entry.aliases, providers: providers, kind: entry.kind, dimensions: entry.dimensions,
                tier: entry.tier, quality: entry.quality
            ))
        }

        var skips: [AutoMatchSkip] = []
        if options.autoMatch {
            let matched = AutoMatcher.match(
                listings: listings, order: options.providers, includePaid: options.includePaid, seed: seed, takenNames: names
            )
            models += matched.entries
            skips = matched.skips
        }

        models = models.map { entry in
            var entry = entry
            for (name, mapping) in entry.providers {
                guard let kind = ProviderKind(rawValue: name) else { continue }
                entry.providers[name] = Self.withListingFacts(mapping, listed: listings[kind]?.model(id: mapping.model), defaults: seed.providerLimits[kind])
            }
            return entry
        }

        models = Self.carrying(options.stale, into: models)
        var catalogs: [String: [String]] = [:]
        var listedAt: [String: String] = [:]
        for provider in options.providers {
            if let listing = listings[provider] {
                catalogs[provider.rawValue] = listing.freeIDs
                listedAt[provider.rawValue] = generatedAt
            } else if let date = options.stale.carried[provider] {
                catalogs[provider.rawValue] = options.stale.previous?.providerCatalogs[provider.rawValue]
                listedAt[provider.rawValue] = date
            } else if let date = options.stale.dropped[provider] {
                // Kept so the provider stays dropped until it is listed again.
                listedAt[provider.rawValue] = date
            }
        }
        // Providers serving only documented routes follow the listed ones, so every provider of
        // the index is named in `providers`.
        let named = Set(models.flatMap(\.providers.keys))
        let documentedOnly = ProviderKind.allCases.filter { named.contains($0.rawValue) && !options.providers.contains($0) }
        let index = ModelIndex(
            generatedAt: generatedAt,
            providers: (options.providers + documentedOnly).map(\.rawValue),
            models: models,
            providerCatalogs: catalogs,
            listedAt: listedAt
        )
        return Outcome(index: index, drops: drops, autoMatchSkips: skips)
    }

    /// The route facts of a published mapping: the seed's (which already hold the provider's
    /// documented limits) first, then what the listing says (limits by tier, capabilities,
    /// context, price). Auto-matched mappings start from the provider's documented limits.
    static func withListingFacts(
        _ mapping: ModelIndex.ProviderMapping, listed: ListedModel?, defaults: RateLimitConfiguration?
    ) -> ModelIndex.ProviderMapping {
        var mapping = mapping
        var limits = mapping.limits ?? defaults
        if let fromListing = listed?.limits { limits = limits?.filling(from: fromListing) ?? fromListing }
        mapping.limits = limits
        let known = mapping.capabilities
        let listedCapabilities = listed?.capabilities ?? RouteCapabilities()
        mapping.capabilities = RouteCapabilities(
            tools: known.tools ?? listedCapabilities.tools,
            vision: known.vision ?? listedCapabilities.vision,
            jsonMode: known.jsonMode ?? listedCapabilities.jsonMode,
            contextLength: known.contextLength ?? listedCapabilities.contextLength,
            maxOutputTokens: known.maxOutputTokens ?? listedCapabilities.maxOutputTokens
        )
        if mapping.status == .documented {
            // Free by the provider's documentation; one that spends included credits (allow_paid) has no known price.
            mapping.price = mapping.allowPaid ? nil : .free
        } else {
            mapping.price = mapping.paid ? listed?.price : .free
        }
        return mapping
    }

    private enum Verdict {
        case publish(paid: Bool)
        /// Not listed in this run, but the seed documents it: published as `documented`.
        case publishDocumented
        case drop(CatalogDrop.Reason)
    }

    /// A listing, when there is one, decides; a documented mapping of a provider not listed in
    /// this run is published on its documentation alone.
    private func verdict(
        for mapping: ModelIndex.ProviderMapping, kind: RouteKind, provider: ProviderKind, listing: ProviderListing?
    ) -> Verdict {
        guard let listing else {
            if let date = options.stale.dropped[provider] { return .drop(.providerMissing(since: date)) }
            if options.stale.carried[provider] != nil { return .drop(.keptFromPreviousIndex) }
            return mapping.documentation == nil ? .drop(.providerNotListed) : .publishDocumented
        }
        guard let listed = listing.model(id: mapping.model) else { return .drop(.notListed) }
        if let why = listed.unusableReason { return .drop(.unusable(why)) }
        if listed.kind != kind { return .drop(.otherKind(listed: listed.kind, seeded: kind)) }
        switch listed.tier {
        case .free: return .publish(paid: false)
        case .paid: return mapping.allowPaid || options.includePaid ? .publish(paid: true) : .drop(.paid)
        }
    }
}
