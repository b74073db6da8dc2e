import LLMRouterCore
import LLMRouterProviders

/// Which catalog models the router serves (`LLMROUTER_PROVIDERS`).
public enum ProviderSelection: Sendable, Equatable {
    /// The default: a model is served when at least one provider whose key is set offers it;
    /// every provider that offers it joins its failover group.
    case anyKeyed
    /// `LLMROUTER_PROVIDERS` set: the original llmrouter's rule, every listed provider must offer it.
    case all([String])

    public static let variable = "LLMROUTER_PROVIDERS"

    /// `.all` of the comma-separated list in `environment` (lower-cased, duplicates removed), or
    /// `.anyKeyed` when the variable is unset or blank.
    public static func parse(environment: [String: String]) -> ProviderSelection {
        let names = list(environment[variable] ?? "")
        return names.isEmpty ? .anyKeyed : .all(names)
    }

    /// Names from a comma-separated list, lower-cased, duplicates removed, order kept.
    public static func list(_ raw: String) -> [String] {
        var names: [String] = []
        for part in raw.split(separator: ",") {
            let name = String(part).trimmingWhitespace().lowercased()
            if !name.isEmpty, !names.contains(name) { names.append(name) }
        }
        return names
    }

    /// The providers every model must have; empty for ``anyKeyed``.
    public var required: [String] {
        if case .all(let names) = self { return names }
        return []
    }

    /// For logs: `any provider with a key` or the list.
    public var summary: String {
        switch self {
        case .anyKeyed: "any provider with a key"
        case .all(let names): "all of \(names.joined(separator: ","))"
        }
    }
}

/// The router's providers derived from an index, plus what was left out and why.
public struct CatalogProviders: Sendable, Equatable {
    /// A model that is not enabled.
    public struct SkippedModel: Sendable, Equatable, CustomStringConvertible {
        public var canonical: String
        /// Required providers that do not offer it (absent, or paid without `allow_paid`); empty
        /// when the reason is that no provider with a key offers it.
        public var missingProviders: [String]

        public init(canonical: String, missingProviders: [String]) {
            self.canonical = canonical
            self.missingProviders = missingProviders
        }

        public var description: String {
            missingProviders.isEmpty
                ? "\(canonical): no provider with a key offers it"
                : "\(canonical): not offered by \(missingProviders.joined(separator: ", "))"
        }
    }

    /// A route (model × provider) that was not configured, or configured without its key.
    public struct DisabledProvider: Sendable, Equatable, CustomStringConvertible {
        public var name: String
        public var reason: String

        public init(name: String, reason: String) {
            self.name = name
            self.reason = reason
        }

        public var description: String { "\(name): \(reason)" }
    }

    /// One entry per (enabled model, provider), named `<provider>/<canonical>`. Entries whose
    /// key is unset are included, so the router lists them as `disabled: missing GROQ_API_KEY`.
    public var providers: [ProviderConfiguration]
    /// How many entries of ``providers`` have their key set.
    public var usableProviderCount = 0
    /// Enabled models that have at least one configured provider, in catalog order.
    public var enabledModels: [String]
    public var skippedModels: [SkippedModel]
    public var disabledProviders: [DisabledProvider]

    /// The configuration to route with, or `nil` when no provider is usable (no key is set).
    public var configuration: RouterConfiguration? {
        usableProviderCount == 0 ? nil : RouterConfiguration(providers: providers)
    }
}

extension ModelIndex {
    /// Turns the index into provider entries for the router.
    ///
    /// - With ``ProviderSelection/anyKeyed`` (the default) a model is enabled when at least one
    ///   provider whose key is set offers it; with ``ProviderSelection/all(_:)`` only when every
    ///   listed provider offers it (maps it, free or `allow_paid`), the Python llmrouter's rule.
    /// - An enabled model gets an entry for every provider that offers it. An entry whose key
    ///   is unset is kept but reported in ``CatalogProviders/disabledProviders``; the router
    ///   shows it as disabled and never calls it.
    /// - Never configured, with the reason: quarantined routes, paid ones without `allow_paid`,
    ///   unknown provider names, and routes a downloaded index may not set (``CatalogTrust``).
    /// - The key variable: the file's `api_key_env` when set in `environment`, else the first
    ///   of the kind's accepted variables that is set, so a Python index naming
    ///   `PROVIDER_KEY_GROQ` still works with `GROQ_API_KEY`. Keys in list forms
    ///   (`GROQ_API_KEYS=k1,k2`) add a route per key (``routesPerKey(_:providerName:canonical:mapping:environment:)``).
    /// - Priority: `10 × position + priority_offset` (at least 0), where position counts enabled
    ///   models in catalog order. Providers of one model with the same offset share a priority and
    ///   take turns; a positive offset makes a provider a later fallback.
    /// - The route's free-tier limits, capabilities and price are copied onto the entry, and the
    ///   model's `kind`, so embedding models answer only `/v1/embeddings` and chat models only chat,
    ///   and its `tier` and `quality`.
    /// - Parameter environment: used only to check that key variables are set; values are never copied.
    public func providerConfigurations(
        selection: ProviderSelection,
        environment: [String: String],
        trust: CatalogTrust = .local
    ) -> CatalogProviders {
        var result = CatalogProviders(providers: [], enabledModels: [], skippedModels: [], disabledProviders: [])
        var position = 0
        for entry in models {
            let required = selection.required
            let missing = required.filter { name in
                guard let mapping = entry.providers[name] else { return true }
                return !mapping.isAllowed || mapping.quarantine != nil
            }
            guard missing.isEmpty else {
                result.skippedModels.append(.init(canonical: entry.canonical, missingProviders: missing))
                continue
            }
            let aliases = entry.aliases.filter { ModelName.normalize($0) != ModelName.normalize(entry.canonical) }
            var routes: [(provider: ProviderConfiguration, keyless: CatalogProviders.DisabledProvider?)] = []
            var refused: [CatalogProviders.DisabledProvider] = []
            for providerName in entry.providerNames(in: required + providers) {
                guard let mapping = entry.providers[providerName] else { continue }
                let name = "\(providerName)/\(entry.canonical)"
                var provider: ProviderConfiguration
                var keyless: CatalogProviders.DisabledProvider?
                switch route(name: name, providerName: providerName, mapping: mapping, environment: environment, trust: trust) {
                case .success(let configured):
                    provider = configured
                case .keyless(let configured, let reason):
                    provider = configured
                    keyless = reason
                case .failure(let disabled):
                    refused.append(disabled)
                    continue
                }
                provider.priority = max(0, position * 10 + mapping.priorityOffset)
                provider.canonicalModel = entry.canonical
                provider.aliases = aliases
                provider.routeKind = entry.kind
                provider.tier = entry.tier
                provider.quality = entry.quality
                let perKey = keyless == nil
                    ? Self.routesPerKey(provider, providerName: providerName, canonical: entry.canonical, mapping: mapping, environment: environment) : [provider]
                routes += perKey.map { ($0, keyless) }
            }
            result.disabledProviders += refused
            let keyed = routes.filter { $0.keyless == nil }.count
            guard !routes.isEmpty, selection != .anyKeyed || keyed > 0 else {
                result.skippedModels.append(.init(canonical: entry.canonical, missingProviders: []))
                result.disabledProviders += routes.compactMap(\.keyless)
                continue
            }
            for route in routes {
                result.providers.append(route.provider)
                if let keyless = route.keyless { result.disabledProviders.append(keyless) } else { result.usableProviderCount += 1 }
            }
            result.enabledModels.append(entry.canonical)
            position += 1
        }
        return result
    }

    enum RouteOutcome {
        case success(ProviderConfiguration)
        /// Configured, but its key variable is unset: listed, never called.
        case keyless(ProviderConfiguration, CatalogProviders.DisabledProvider)
        case failure(CatalogProviders.DisabledProvider)
    }

    func route(
        name: String, providerName: String, mapping: ProviderMapping, environment: [String: String], trust: CatalogTrust
    ) -> RouteOutcome {
        func refuse(_ reason: String) -> RouteOutcome { .failure(CatalogProviders.DisabledProvider(name: name, reason: reason)) }
        guard let kind = ProviderKind(rawValue: providerName), kind != .echo else { return refuse("unknown provider '\(providerName)'") }
        guard mapping.isAllowed else { return refuse("paid model and allow_paid is not set") }
        if let quarantine = mapping.quarantine { return refuse("quarantined since \(quarantine.at): \(quarantine.reason)") }
        if let violation = trust.violation(kind: kind, mapping: mapping) { return refuse(violation) }
        if kind == .openai, mapping.baseURL == nil { return refuse("type openai needs a base_url") }
        let vendor = Vendor.for(kind)
        let keys = Self.keySources(kind: kind, mapping: mapping, environment: environment)
        var provider = ProviderConfiguration(name: name, kind: kind)
        provider.model = mapping.model
        provider.baseURL = mapping.baseURL
        provider.apiKeyVariable = keys.first?.variable ?? vendor.defaultAPIKeyVariable ?? mapping.apiKeyEnv
        provider.apiKeyItem = keys.first?.item
        provider.extraHeaders = mapping.extraHeaders
        provider.allowPaid = mapping.allowPaid
        provider.mockFailureRate = mapping.mockFailureRate
        if let breaker = mapping.circuitBreaker { provider.circuitBreaker = breaker.applied() }
        provider.rateLimit = mapping.limits.flatMap { $0.isEmpty ? nil : $0 }
        provider.capabilities = mapping.capabilities
        provider.price = mapping.price ?? (mapping.paid ? nil : .free)
        // What rules select catalog routes by (`tag:free`, `tag:groq`).
        provider.tags = [mapping.paid ? "paid" : "free", kind.rawValue]
        guard !keys.isEmpty else {
            let wanted = Self.uniqued([mapping.apiKeyEnv, vendor.defaultAPIKeyVariable].compactMap { $0 }).sorted()
            let names = wanted.isEmpty ? "(none)" : wanted.joined(separator: " or ")
            return .keyless(provider, CatalogProviders.DisabledProvider(name: name, reason: "key variable \(names) is not set"))
        }
        return .success(provider)
    }

    public static func uniqued(_ names: [String]) -> [String] {
        var seen: [String] = []
        for name in names where !seen.contains(name) { seen.append(name) }
        return seen
    }
}
