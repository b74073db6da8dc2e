import LLMRouterCore

extension CatalogBuilder {
    /// `models` plus the routes of the providers in `stale.carried`, taken from the previous index
    /// as they were (limits, capabilities, quarantine, verification) and marked stale with the
    /// provider's last good listing.
    ///
    /// A kept route joins the entry of this build that has the previous entry's canonical name
    /// (or names it as an alias); when none does, the previous entry comes back with the kept
    /// routes only, after this build's entries, minus aliases another entry now uses. Documented
    /// routes are not kept: they come from the seed, and a provider with a listing behind it keeps
    /// only what that listing published.
    static func carrying(_ stale: StaleProviders, into models: [ModelIndex.Entry]) -> [ModelIndex.Entry] {
        guard let previous = stale.previous, !stale.carried.isEmpty else { return models }
        var result = models
        for old in previous.models {
            var kept: [String: ModelIndex.ProviderMapping] = [:]
            for (name, mapping) in old.providers {
                guard let kind = ProviderKind(rawValue: name), let lastListed = stale.carried[kind], mapping.status != .documented else {
                    continue
                }
                var mapping = mapping
                mapping.staleness = ModelIndex.Staleness(lastListed: lastListed)
                kept[name] = mapping
            }
            guard !kept.isEmpty else { continue }
            let key = ModelName.normalize(old.canonical)
            if let position = result.firstIndex(where: { entry in
                ([entry.canonical] + entry.aliases).contains { ModelName.normalize($0) == key }
            }) {
                guard result[position].kind == old.kind else { continue }
                for (name, mapping) in kept where result[position].providers[name] == nil {
                    result[position].providers[name] = mapping
                }
                continue
            }
            let taken = Set(result.flatMap { [$0.canonical] + $0.aliases }.map(ModelName.normalize))
            var entry = old
            entry.providers = kept
            entry.aliases = old.aliases.filter { !taken.contains(ModelName.normalize($0)) }
            result.append(entry)
        }
        return result
    }
}
