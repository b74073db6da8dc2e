import LLMRouterCore
import LLMRouterProviders

/// What `debug-models` shows: per canonical model, which providers map it and whether each is
/// usable now, plus the models common to the required providers.
///
/// Built from an index and the environment; key values are never read into it, only whether the
/// variable is set. See ``json()`` for the documented JSON shape and ``table()`` for the human one.
public struct ModelsReport: Sendable, Equatable {
    public struct Options: Sendable {
        /// Providers a model must be offered by (`--providers`, else `LLMROUTER_PROVIDERS`); empty
        /// means the default rule: served when any provider with a key offers it.
        public var requiredProviders: [String]
        /// Show paid mappings and paid live ids (`--include-paid`). Defaults to false.
        public var includePaid: Bool
        /// Most models (and live ids per provider) shown; `nil` shows all (`--full`). Defaults to 20.
        public var limit: Int?

        public init(requiredProviders: [String], includePaid: Bool = false, limit: Int? = 20) {
            self.requiredProviders = requiredProviders
            self.includePaid = includePaid
            self.limit = limit
        }

        public var selection: ProviderSelection { requiredProviders.isEmpty ? .anyKeyed : .all(requiredProviders) }
    }

    public struct IndexInfo: Sendable, Equatable {
        public var source: String?
        public var location: String?
        public var generatedAt: String?
        public var schemaVersion: Int?
        public var models: Int
    }

    /// A key variable and whether it is set: `"set"` or `"missing"`, never the value.
    public struct Credential: Sendable, Equatable {
        /// The first of the provider's key variables that is set, else its default one.
        public var variable: String
        public var status: String
        /// Why a key that is set serves no catalog model (no entries, all quarantined, ...); `nil` otherwise.
        public var servesNothing: String?

        public init(variable: String, status: String, servesNothing: String? = nil) {
            self.variable = variable
            self.status = status
            self.servesNothing = servesNothing
        }
    }

    public struct ProviderStatus: Sendable, Equatable {
        public var model: String
        public var keyVariable: String?
        /// `"set"` or `"missing"`.
        public var key: String
        /// Listed as a usable free model: by the live listing with `--live` (false when that listing failed),
        /// else by the index's `provider_catalogs`.
        public var listedFree: Bool
        public var paid: Bool
        public var allowPaid: Bool
        /// Key set, listed (or documented), and free or allowed to be paid.
        public var usable: Bool
        /// How sure the catalog is of the route: documented, listed or verified.
        public var status: RouteStatus = .listed
        /// When the provider was last listed, for a route kept from an earlier index; `nil` when current.
        public var lastListed: String?
    }

    public struct Model: Sendable, Equatable {
        public var canonical: String
        public var aliases: [String]
        public var autoMatched: Bool
        /// `chat` or `embeddings`: which endpoint serves it.
        public var kind: RouteKind = .chat
        /// An embedding model's default vector length, when the catalog knows it.
        public var dimensions: Int?
        /// Whether the router enables it: every required provider offers it and one has its key.
        public var enabled: Bool
        /// Whether every required provider is usable now.
        public var common: Bool
        public var providers: [String: ProviderStatus]
        /// Provider names in display order.
        public var providerOrder: [String]
        /// Providers the router would call for it now (key set), in display order.
        public var servedBy: [String] = []
        /// Why each other known provider does not serve it: does not offer it, not free, no key,
        /// quarantined, untrusted catalog, or the model is not enabled.
        public var notServedBy: [String: String] = [:]
    }

    public struct Live: Sendable, Equatable {
        /// `"ok"` or `"error"`.
        public var status: String
        public var error: String?
        public var listed: Int
        public var freeModels: [String]
        public var freeCount: Int
        public var paidModels: [String]?
    }

    public var index: IndexInfo
    public var requiredProviders: [String]
    public var credentials: [String: Credential]
    public var models: [Model]
    /// Models before `limit` was applied.
    public var totalModels: Int
    public var commonModels: [String]
    public var live: [String: Live]?

    /// Builds the report.
    /// - Parameters:
    ///   - index: the catalog to explain.
    ///   - source: where it came from, shown in the header.
    ///   - environment: checked for which key variables are set; values are not kept.
    ///   - live: listings from `--live`, or `nil` to judge "listed" by the index alone.
    public static func make(
        index: ModelIndex,
        source: CatalogSource?,
        options: Options,
        environment: [String: String],
        live: [ProviderKind: Result<ProviderListing, ProbeError>]? = nil
    ) -> ModelsReport {
        // A key list (`GROQ_API_KEYS`) counts for its single variable (`GROQ_API_KEY`).
        func isSet(_ variable: String?) -> Bool {
            guard let variable else { return false }
            return ([variable] + [Vendor.listVariable(for: variable)].compactMap { $0 }).contains { APIKeySource(variable: $0).value(in: environment) != nil }
        }
        let order = uniqued(options.requiredProviders + index.providers)
        let conversion = index.providerConfigurations(
            selection: options.selection, environment: environment, trust: CatalogTrust(source: source, environment: environment)
        )
        // Every provider of the index, and every other one whose key is set, so a key that
        // serves nothing is shown with the reason.
        let keyed = ProviderKind.catalogKinds.filter { Vendor.for($0).acceptedAPIKeyVariables.contains(where: isSet) }.map(\.rawValue)
        var credentials: [String: Credential] = [:]
        for name in uniqued(order + keyed) {
            guard let vendor = ProviderKind(rawValue: name).map(Vendor.for), let fallback = vendor.defaultAPIKeyVariable else { continue }
            let variable = vendor.acceptedAPIKeyVariables.first(where: isSet) ?? fallback
            credentials[name] = Credential(variable: variable, status: isSet(variable) ? "set" : "missing")
        }
        for idle in index.idleKeys(conversion: conversion, selection: options.selection, environment: environment) {
            credentials[idle.provider]?.servesNothing = idle.reason
        }
        var liveListings: [String: ProviderListing] = [:]
        var liveFailed: Set<String> = []
        for (provider, result) in live ?? [:] {
            switch result {
            case .success(let listing): liveListings[provider.rawValue] = listing
            case .failure: liveFailed.insert(provider.rawValue)
            }
        }
        let enabled = Set(conversion.enabledModels)
        let disabledReasons = Dictionary(conversion.disabledProviders.map { ($0.name, $0.reason) }) { first, _ in first }
        let configured = Set(conversion.providers.map(\.name))
        let skipped = Dictionary(conversion.skippedModels.map { ($0.canonical, $0.description) }) { first, _ in first }

        var models: [Model] = []
        for entry in index.models {
            var statuses: [String: ProviderStatus] = [:]
            for name in entry.providerNames(in: order) {
                guard let mapping = entry.providers[name], options.includePaid || mapping.isAllowed else { continue }
                let fallback = ProviderKind(rawValue: name).flatMap { Vendor.for($0).defaultAPIKeyVariable }
                let variable = isSet(mapping.apiKeyEnv) ? mapping.apiKeyEnv : (isSet(fallback) ? fallback : mapping.apiKeyEnv ?? fallback)
                let listed: Bool
                if liveFailed.contains(name) {
                    // Asked to check live and the provider did not answer: nothing says it is listed.
                    listed = false
                } else if let listing = liveListings[name] {
                    let model = listing.model(id: mapping.model)
                    listed = model?.isUsableFree == true || (mapping.allowPaid && model?.unusableReason == nil && model != nil)
                } else {
                    listed = index.isListedFree(mapping.model, provider: name) || (mapping.paid && mapping.allowPaid)
                }
                let keySet = isSet(variable)
                // Documentation vouches for a route no listing has named yet.
                let vouched = listed || (mapping.status == .documented && liveListings[name] == nil && !liveFailed.contains(name))
                statuses[name] = ProviderStatus(
                    model: mapping.model, keyVariable: variable, key: keySet ? "set" : "missing", listedFree: listed,
                    paid: mapping.paid, allowPaid: mapping.allowPaid, usable: keySet && vouched && mapping.isAllowed,
                    status: mapping.status, lastListed: mapping.staleness?.lastListed
                )
            }
            let common = !options.requiredProviders.isEmpty && options.requiredProviders.allSatisfy { statuses[$0]?.usable == true }
            var model = Model(
                canonical: entry.canonical, aliases: entry.aliases, autoMatched: entry.autoMatched,
                enabled: enabled.contains(entry.canonical), common: common, providers: statuses,
                providerOrder: entry.providerNames(in: order).filter { statuses[$0] != nil }
            )
            model.kind = entry.kind
            model.dimensions = entry.dimensions
            for name in uniqued(order + entry.providerNames(in: order)) {
                let route = "\(name)/\(entry.canonical)"
                if entry.providers[name] == nil {
                    model.notServedBy[name] = "does not offer it"
                } else if let reason = disabledReasons[route] {
                    model.notServedBy[name] = reason
                } else if configured.contains(route) {
                    model.servedBy.append(name)
                } else {
                    model.notServedBy[name] = "model not served: \(skipped[entry.canonical] ?? entry.canonical)"
                }
            }
            models.append(model)
        }

        var liveReport: [String: Live]?
        if let live {
            var report: [String: Live] = [:]
            for (provider, result) in live {
                switch result {
                case .success(let listing):
                    report[provider.rawValue] = Live(
                        status: "ok", error: nil, listed: listing.models.count, freeModels: limited(listing.freeIDs, options.limit),
                        freeCount: listing.freeIDs.count, paidModels: options.includePaid ? limited(listing.paidIDs, options.limit) : nil
                    )
                case .failure(let error):
                    report[provider.rawValue] = Live(status: "error", error: error.description, listed: 0, freeModels: [], freeCount: 0, paidModels: nil)
                }
            }
            liveReport = report
        }

        return ModelsReport(
            index: IndexInfo(
                source: source?.kind.rawValue, location: source?.displayLocation, generatedAt: index.generatedAt,
                schemaVersion: index.schemaVersion, models: index.models.count
            ),
            requiredProviders: options.requiredProviders,
            credentials: credentials,
            models: limited(models, options.limit),
            totalModels: models.count,
            commonModels: models.filter(\.common).map(\.canonical),
            live: liveReport
        )
    }

    private static func limited<T>(_ items: [T], _ limit: Int?) -> [T] {
        guard let limit, limit >= 0 else { return items }
        return Array(items.prefix(limit))
    }

    private static func uniqued(_ names: [String]) -> [String] {
        var seen: [String] = []
        for name in names where !seen.contains(name) { seen.append(name) }
        return seen
    }
}
