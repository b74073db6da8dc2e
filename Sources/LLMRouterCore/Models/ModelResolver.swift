/// Finds the providers that can serve a requested model name.
///
/// Built once per configuration. A provider serves its `canonical_model`, each alias and its
/// upstream `model` id; wildcard providers (no model at all) serve every name.
public struct ModelResolver: Sendable {
    /// What a requested name resolves to.
    public enum Resolution: Sendable, Equatable {
        /// These providers (indices into the configuration) may serve it, in file order.
        case providers([Int])
        /// No provider serves the name and none is a wildcard.
        case unknownModel(String)
    }

    /// A model as `/v1/models` lists it.
    public struct ListedModel: Sendable, Equatable {
        public var id: String
        public var aliases: [String]
        /// Indices into the configuration of the providers serving it, in file order.
        public var providers: [Int]

        public init(id: String, aliases: [String], providers: [Int]) {
            self.id = id
            self.aliases = aliases
            self.providers = providers
        }
    }

    private let providerCount: Int
    private let byName: [String: [Int]]
    private let wildcards: [Int]
    /// Models in the order their first provider appears in the file.
    public let listedModels: [ListedModel]

    public init(providers: [ProviderConfiguration]) {
        providerCount = providers.count
        var byName: [String: [Int]] = [:]
        var wildcards: [Int] = []
        var listed: [ListedModel] = []
        var listedIndex: [String: Int] = [:]
        for (index, provider) in providers.enumerated() {
            guard let publicName = provider.publicModelName else {
                wildcards.append(index)
                continue
            }
            let names = [publicName] + provider.aliases + (provider.model.map { [$0] } ?? [])
            for key in Set(names.map(ModelName.normalize)) {
                byName[key, default: []].append(index)
            }
            let key = ModelName.normalize(publicName)
            if let position = listedIndex[key] {
                listed[position].providers.append(index)
                for alias in provider.aliases where !listed[position].aliases.contains(alias) {
                    listed[position].aliases.append(alias)
                }
            } else {
                listedIndex[key] = listed.count
                listed.append(ListedModel(id: publicName, aliases: provider.aliases, providers: [index]))
            }
        }
        self.byName = byName
        self.wildcards = wildcards
        self.listedModels = listed
    }

    /// Resolves `requested`; `nil`, empty and `auto` mean every provider.
    public func resolve(_ requested: String?) -> Resolution {
        let normalized = requested.map(ModelName.normalize) ?? ""
        if normalized.isEmpty || normalized == "auto" {
            return .providers(Array(0..<providerCount))
        }
        let matches = byName[normalized] ?? []
        if matches.isEmpty && wildcards.isEmpty {
            return .unknownModel(requested ?? "")
        }
        // Providers that name the model come before wildcards of the same priority only by
        // priority ordering later; here both are candidates, in file order.
        // Both lists are in file order already; only a merge of the two needs sorting.
        return .providers(wildcards.isEmpty ? matches : (matches + wildcards).sorted())
    }
}
