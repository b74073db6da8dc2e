import LLMRouterCore

/// The providers a model must be offered by before the router enables it (`LLMROUTER_PROVIDERS`).
public enum RequiredProviders {
    public static let variable = "LLMROUTER_PROVIDERS"
    /// Used when the variable is unset or blank.
    public static let defaults = ["groq", "openrouter", "nvidia_nim"]

    /// The comma-separated list from `environment`, lower-cased, duplicates removed, order kept.
    public static func parse(environment: [String: String]) -> [String] {
        let raw = environment[variable] ?? ""
        var names: [String] = []
        for part in raw.split(separator: ",") {
            let name = String(part).trimmingWhitespace().lowercased()
            if !name.isEmpty, !names.contains(name) { names.append(name) }
        }
        return names.isEmpty ? defaults : names
    }
}

/// The router's providers derived from an index, plus what was left out and why.
public struct CatalogProviders: Sendable, Equatable {
    /// A model that is not enabled.
    public struct SkippedModel: Sendable, Equatable, CustomStringConvertible {
        public var canonical: String
        /// Required providers that do not offer it (absent, or paid without `allow_paid`).
        public var missingProviders: [String]

        public init(canonical: String, missingProviders: [String]) {
            self.canonical = canonical
            self.missingProviders = missingProviders
        }

        public var description: String { "\(canonical): not offered by \(missingProviders.joined(separator: ", "))" }
    }

    /// A provider entry of an enabled model that was not configured.
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
    /// - A model is enabled only if **every** provider in `requiredProviders` offers it: maps it,
    ///   and the mapping is free or has `allow_paid`. This is the Python llmrouter's rule, which
    ///   keeps the published set to models with full failover across the providers you rely on.
    /// - An enabled model gets an entry for every provider that offers it, including providers
    ///   not in the list (the list is a requirement, not a filter).
    /// - An entry whose key variable is unset is kept but reported in
    ///   ``CatalogProviders/disabledProviders``; the router shows it as disabled and never calls it.
    ///   The file's `api_key_env` is used when that variable is set; otherwise the provider's
    ///   default variable, so a Python index naming `PROVIDER_KEY_GROQ` still works with `GROQ_API_KEY`.
    /// - Priority: `10 × position + priority_offset` (at least 0), where position counts enabled
    ///   models in catalog order. Providers of one model with the same offset share a priority and
    ///   take turns; a positive offset makes a provider a later fallback.
    /// - Parameters:
    ///   - requiredProviders: provider names, e.g. from ``RequiredProviders/parse(environment:)``.
    ///   - environment: used only to check that key variables are set; values are never copied.
    public func providerConfigurations(requiredProviders: [String], environment: [String: String]) -> CatalogProviders {
        var result = CatalogProviders(providers: [], enabledModels: [], skippedModels: [], disabledProviders: [])
        var position = 0
        for entry in models {
            let missing = requiredProviders.filter { entry.providers[$0]?.isAllowed != true }
            guard missing.isEmpty else {
                result.skippedModels.append(.init(canonical: entry.canonical, missingProviders: missing))
                continue
            }
            let aliases = entry.aliases.filter { ModelName.normalize($0) != ModelName.normalize(entry.canonical) }
            var configured = 0
            for providerName in entry.providerNames(in: requiredProviders + providers) {
                guard let mapping = entry.providers[providerName] else { continue }
                let name = "\(providerName)/\(entry.canonical)"
                let outcome = configuration(name: name, providerName: providerName, mapping: mapping, environment: environment)
                switch outcome {
                case .success(var provider), .keyless(var provider, _):
                    provider.priority = max(0, position * 10 + mapping.priorityOffset)
                    provider.canonicalModel = entry.canonical
                    provider.aliases = aliases
                    result.providers.append(provider)
                    configured += 1
                    if case .keyless(_, let disabled) = outcome {
                        result.disabledProviders.append(disabled)
                    } else {
                        result.usableProviderCount += 1
                    }
                case .failure(let disabled):
                    result.disabledProviders.append(disabled)
                }
            }
            if configured > 0 {
                result.enabledModels.append(entry.canonical)
                position += 1
            } else {
                result.skippedModels.append(.init(canonical: entry.canonical, missingProviders: []))
            }
        }
        return result
    }

    private enum ProviderOutcome {
        case success(ProviderConfiguration)
        /// Configured, but its key variable is unset: listed, never called.
        case keyless(ProviderConfiguration, CatalogProviders.DisabledProvider)
        case failure(CatalogProviders.DisabledProvider)
    }

    private func configuration(
        name: String, providerName: String, mapping: ProviderMapping, environment: [String: String]
    ) -> ProviderOutcome {
        guard let kind = ProviderKind(rawValue: providerName), kind != .echo else {
            return .failure(CatalogProviders.DisabledProvider(name: name, reason: "unknown provider '\(providerName)'"))
        }
        guard mapping.isAllowed else {
            return .failure(CatalogProviders.DisabledProvider(name: name, reason: "paid model and allow_paid is not set"))
        }
        if kind == .openai, mapping.baseURL == nil {
            return .failure(CatalogProviders.DisabledProvider(name: name, reason: "type openai needs a base_url"))
        }
        func isSet(_ variable: String?) -> Bool {
            guard let variable, let value = environment[variable] else { return false }
            return !value.trimmingWhitespace().isEmpty
        }
        var keyless: CatalogProviders.DisabledProvider?
        let variable: String?
        if let fromFile = mapping.apiKeyEnv, isSet(fromFile) {
            variable = fromFile
        } else if let fallback = kind.defaultAPIKeyVariable, isSet(fallback) {
            variable = fallback
        } else {
            let wanted = [mapping.apiKeyEnv, kind.defaultAPIKeyVariable].compactMap { $0 }
            let names = Array(Set(wanted)).sorted().joined(separator: " or ")
            keyless = CatalogProviders.DisabledProvider(name: name, reason: "key variable \(names.isEmpty ? "(none)" : names) is not set")
            variable = kind.defaultAPIKeyVariable ?? mapping.apiKeyEnv
        }
        var provider = ProviderConfiguration(name: name, kind: kind)
        provider.model = mapping.model
        provider.baseURL = mapping.baseURL
        provider.apiKeyVariable = variable
        provider.extraHeaders = mapping.extraHeaders
        provider.allowPaid = mapping.allowPaid
        provider.mockFailureRate = mapping.mockFailureRate
        if let breaker = mapping.circuitBreaker { provider.circuitBreaker = breaker.applied() }
        if let keyless { return .keyless(provider, keyless) }
        return .success(provider)
    }
}
