import LLMRouterCore
import LLMRouterProviders

/// A group of ids that share a ``ModelKey`` but were not published, and why (logged at debug).
public struct AutoMatchSkip: Sendable, Equatable, CustomStringConvertible {
    public var key: String
    /// The ids that matched, per provider name.
    public var ids: [String: [String]]
    public var reason: String

    public var description: String { "auto-match '\(key)' skipped: \(reason)" }
}

/// Publishes models that several providers list under ids with the same ``ModelKey``, so a new
/// free model shows up without a seed edit.
///
/// Conservative on purpose; a group is published only when all of these hold:
/// - at least two providers list it, each as a usable model of the same kind (chat or
///   embeddings), free (paid too with `--include-paid`, preferring a free id), and not a base model;
/// - each provider has exactly one id with that key (two ids on one provider are ambiguous);
/// - no id of the group and no id with the same key is named by the seed (the seed decides
///   about those models, including leaving a provider out);
/// - its canonical name is not already a name of another model.
///
/// The canonical name is the first provider's id (in `--providers` order) without vendor prefix
/// and `:free`; the aliases are the other spellings plus the full upstream ids.
enum AutoMatcher {
    struct Result {
        var entries: [ModelIndex.Entry]
        var skips: [AutoMatchSkip]
    }

    static func match(
        listings: [ProviderKind: ProviderListing],
        order: [ProviderKind],
        includePaid: Bool,
        seed: CatalogSeed,
        takenNames: Set<String>
    ) -> Result {
        let claimed = seed.claimedIDs
        let claimedKeys = Set(claimed.map { ModelKey.of($0.model) })
        var groups: [String: [ProviderKind: [ListedModel]]] = [:]
        for provider in order {
            guard let listing = listings[provider] else { continue }
            for model in listing.models where isCandidate(model, includePaid: includePaid) {
                guard !claimed.contains(.init(provider: provider, model: model.id)) else { continue }
                groups[ModelKey.of(model.id), default: [:]][provider, default: []].append(model)
            }
        }

        var taken = takenNames
        var entries: [ModelIndex.Entry] = []
        var skips: [AutoMatchSkip] = []
        for key in groups.keys.sorted() {
            guard let byProvider = groups[key], byProvider.count >= 2 else { continue }
            let ids = Dictionary(uniqueKeysWithValues: byProvider.map { ($0.key.rawValue, $0.value.map(\.id).sorted()) })
            func skip(_ reason: String) { skips.append(AutoMatchSkip(key: key, ids: ids, reason: reason)) }
            if claimedKeys.contains(key) {
                skip("the seed maps a model with this name")
                continue
            }
            var chosen: [(ProviderKind, ListedModel)] = []
            for provider in order {
                guard let models = byProvider[provider] else { continue }
                guard let pick = preferred(models) else { break }
                chosen.append((provider, pick))
            }
            guard chosen.count == byProvider.count else {
                skip("a provider lists more than one id with this name")
                continue
            }
            let kinds = Set(chosen.map(\.1.kind.rawValue))
            guard kinds.count == 1, let kind = chosen.first?.1.kind else {
                skip("providers list it as different kinds (\(kinds.sorted().joined(separator: ", ")))")
                continue
            }
            let canonical = bareName(chosen[0].1.id)
            guard !taken.contains(ModelName.normalize(canonical)) else {
                skip("the name '\(canonical)' is already used")
                continue
            }
            taken.insert(ModelName.normalize(canonical))
            var aliases: [String] = []
            for (_, model) in chosen {
                for name in [bareName(model.id), ModelIndex.withoutFreeSuffix(model.id)] {
                    let normalized = ModelName.normalize(name)
                    guard !taken.contains(normalized), !aliases.contains(where: { ModelName.normalize($0) == normalized }) else {
                        continue
                    }
                    aliases.append(name)
                }
            }
            for alias in aliases { taken.insert(ModelName.normalize(alias)) }
            var providers: [String: ModelIndex.ProviderMapping] = [:]
            for (provider, model) in chosen {
                providers[provider.rawValue] = ModelIndex.ProviderMapping(
                    model: model.id, apiKeyEnv: Vendor.for(provider).defaultAPIKeyVariable, paid: model.tier == .paid
                )
            }
            entries.append(ModelIndex.Entry(canonical: canonical, aliases: aliases.sorted(), providers: providers, autoMatched: true, kind: kind))
        }
        return Result(entries: entries.sorted { $0.canonical < $1.canonical }, skips: skips)
    }

    private static func isCandidate(_ model: ListedModel, includePaid: Bool) -> Bool {
        model.unusableReason == nil && !model.isBaseModel && (model.tier == .free || includePaid)
    }

    /// The one free id, else the one paid id; `nil` when that is ambiguous.
    private static func preferred(_ models: [ListedModel]) -> ListedModel? {
        let free = models.filter { $0.tier == .free }
        if free.count == 1 { return free[0] }
        if free.isEmpty, models.count == 1 { return models[0] }
        return nil
    }

    /// The id without vendor prefix and `:free`: `google/gemma-4-31b-it:free` → `gemma-4-31b-it`.
    static func bareName(_ id: String) -> String {
        let name = ModelIndex.withoutFreeSuffix(id)
        guard let slash = name.lastIndex(of: "/") else { return name }
        return String(name[name.index(after: slash)...])
    }
}
