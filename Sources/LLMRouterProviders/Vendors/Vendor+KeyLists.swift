public import LLMRouterCore

/// Several keys for one vendor: each of its key variables has a list form, the variable's name
/// plus `S` (`GROQ_API_KEY` → `GROQ_API_KEYS`, `GITHUB_TOKEN` → `GITHUB_TOKENS`), holding keys
/// separated by commas. Derived from ``Vendor/acceptedAPIKeyVariables``, so a downloaded catalog
/// can no more name another secret through a list than through a single variable.
extension Vendor {
    /// The list forms of ``acceptedAPIKeyVariables``, in the same order.
    public var apiKeyListVariables: [String] {
        acceptedAPIKeyVariables.compactMap(Self.listVariable(for:))
    }

    /// `GROQ_API_KEYS` for `GROQ_API_KEY`: the plural of a name ending in `_KEY` or `_TOKEN`;
    /// `nil` for other names (`PROVIDER_KEY_GROQ`).
    public static func listVariable(for variable: String) -> String? {
        variable.hasSuffix("_KEY") || variable.hasSuffix("_TOKEN") ? variable + "S" : nil
    }

    /// The keys set in `environment` for routes of this vendor, in order: the first of
    /// `singles` that is set, then every item of the list forms of `singles` that are set. A
    /// value met before is left out (the same key twice would count one account's limits as
    /// two). References only: the values are read to compare them, never kept.
    /// - Parameter singles: the variables to look in, the preferred first; defaults to
    ///   ``acceptedAPIKeyVariables``.
    public func apiKeySources(in environment: [String: String], singles: [String]? = nil) -> [APIKeySource] {
        let singles = singles ?? acceptedAPIKeyVariables
        var sources: [APIKeySource] = []
        if let single = singles.first(where: { APIKeySource(variable: $0).value(in: environment) != nil }) {
            sources.append(APIKeySource(variable: single))
        }
        var lists: [String] = []
        for list in singles.compactMap(Self.listVariable(for:)) where !lists.contains(list) { lists.append(list) }
        var seen = Set(sources.compactMap { $0.value(in: environment) })
        for list in lists {
            for source in APIKeySource.list(list, in: environment) {
                guard let value = source.value(in: environment), seen.insert(value).inserted else { continue }
                sources.append(source)
            }
        }
        return sources
    }
}
