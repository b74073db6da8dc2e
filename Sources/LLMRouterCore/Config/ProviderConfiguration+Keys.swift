/// One key of an entry that has several (`api_key_env: [A, B]` in YAML, `GROQ_API_KEYS=a,b` for
/// the catalog). Each key is its own route, with its own breaker, cool-downs and learned limits.
public struct ProviderKeySlot: Sendable, Hashable {
    /// The key's short name in logs, headers, health, metrics and the usage log: the first key
    /// keeps the entry's name (`groq`), the next ones add their number (`groq#2`). Never the value.
    public var name: String
    /// 1 for the first key, 2 for the second, ...
    public var number: Int
    /// The first key's route name, which every key's route of the entry shares: the router keeps
    /// these routes together in its order and may pool their cool-downs (``KeyPools``).
    public var family: String

    public init(name: String, number: Int, family: String) {
        self.name = name
        self.number = number
        self.family = family
    }
}

extension ProviderConfiguration {
    /// The configured key reference; `nil` when the entry names no variable (the vendor's
    /// default then applies, which Core does not know).
    public var apiKeySource: APIKeySource? {
        apiKeyVariable.map { APIKeySource(variable: $0, item: apiKeyItem) }
    }

    /// The short name of key `number` of an entry: `base` for the first, `base#2` for the second.
    public static func keyName(_ base: String, number: Int) -> String {
        number <= 1 ? base : "\(base)#\(number)"
    }

    /// This entry once per key, in key order.
    ///
    /// With one key (or none) the entry is returned alone, under its own name and without a
    /// ``keySlot``, so a single key behaves as before. With several, key `n`'s route is named
    /// `routeName(keyName(keyBase, n))` and knows its slot; everything else is the entry's.
    ///
    /// | entry                                  | keys      | routes                                      |
    /// |----------------------------------------|-----------|---------------------------------------------|
    /// | YAML `gemini`                          | 2         | `gemini`, `gemini#2`                         |
    /// | catalog `groq` for `llama-3.3-70b`     | 3         | `groq/llama-3.3-70b`, `groq#2/…`, `groq#3/…` |
    ///
    /// - Parameters:
    ///   - keys: where each key is read from; only references, never values.
    ///   - keyBase: the name keys are numbered from (the entry's name, or the catalog's provider).
    ///   - routeName: a route's name for its key's short name; defaults to the short name itself.
    public func oneRoutePerKey(
        _ keys: [APIKeySource],
        keyBase: String,
        routeName: (String) -> String = { $0 }
    ) -> [ProviderConfiguration] {
        guard keys.count > 1 else {
            var single = self
            if let key = keys.first {
                single.apiKeyVariable = key.variable
                single.apiKeyItem = key.item
            }
            return [single]
        }
        let family = routeName(keyBase)
        return keys.enumerated().map { offset, key in
            var route = self
            let keyName = Self.keyName(keyBase, number: offset + 1)
            route.name = routeName(keyName)
            route.apiKeyVariable = key.variable
            route.apiKeyItem = key.item
            route.keySlot = ProviderKeySlot(name: keyName, number: offset + 1, family: family)
            return route
        }
    }
}
