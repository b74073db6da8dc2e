import LLMRouterCore
import LLMRouterProviders

/// Several keys per provider for the catalog: `GROQ_API_KEYS=key1,key2` (every key variable's
/// list form, see ``Vendor/apiKeyListVariables``) makes a route per key and model.
extension ModelIndex {
    /// The keys set for a catalog route of `kind`, in order: the first single variable that is
    /// set (the index's `api_key_env`, then the vendor's), then the items of their list forms.
    /// References only; ``providerConfigurations(selection:environment:trust:)`` never copies a
    /// value.
    static func keySources(kind: ProviderKind, mapping: ProviderMapping, environment: [String: String]) -> [APIKeySource] {
        let vendor = Vendor.for(kind)
        return vendor.apiKeySources(in: environment, singles: uniqued([mapping.apiKeyEnv].compactMap { $0 } + vendor.acceptedAPIKeyVariables))
    }

    /// `route` once per key set for it: `groq/llama-3.3-70b` for the first key (today's name),
    /// `groq#2/llama-3.3-70b` for the second, ...; each has its own breaker, cool-downs and
    /// learned limits, and the router tries an entry's keys one after the other.
    static func routesPerKey(
        _ route: ProviderConfiguration, providerName: String, canonical: String, mapping: ProviderMapping, environment: [String: String]
    ) -> [ProviderConfiguration] {
        let keys = keySources(kind: route.kind, mapping: mapping, environment: environment)
        return route.oneRoutePerKey(keys, keyBase: providerName) { "\($0)/\(canonical)" }
    }
}
