#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import LLMRouterConfig
import LLMRouterCore
import Yams

/// Reads `config/model_catalog_seed.yaml` into a validated ``CatalogSeed``.
///
/// Strict about what would publish a wrong catalog (unknown provider, missing `model`, a name or
/// an upstream id used by two entries, out-of-range numbers) and lenient about unknown keys, which
/// become ``SeedWarning``s.
public struct SeedLoader: Sendable {
    public struct Loaded: Sendable {
        public var seed: CatalogSeed
        public var warnings: [SeedWarning]
    }

    public init() {}

    /// Loads and validates the seed at `path`.
    public func load(path: String) throws(SeedError) -> Loaded {
        guard FileManager.default.fileExists(atPath: path) else {
            throw SeedError(file: path, message: "no such file (pass --seed PATH)")
        }
        let text: String
        do {
            text = try String(contentsOfFile: path, encoding: .utf8)
        } catch {
            throw SeedError(file: path, message: "cannot read the file as UTF-8 text (\(error))")
        }
        return try parse(yaml: text, file: path)
    }

    /// Validates seed YAML; `file` only names it in messages.
    public func parse(yaml text: String, file: String) throws(SeedError) -> Loaded {
        let root: Node?
        do {
            root = try Yams.compose(yaml: text)
        } catch {
            throw SeedError(file: file, message: "malformed YAML: \(error)")
        }
        guard let top = root?.mapping else {
            throw SeedError(file: file, message: "expected a mapping with a 'models' list at the top level")
        }
        var warnings: [SeedWarning] = []
        for key in top.keys.compactMap(\.string) where !["models", "provider_limits", "include"].contains(key) {
            warnings.append(SeedWarning(file: file, entry: nil, message: "unknown top-level key '\(key)' ignored"))
        }
        let lists = try [(file, Array(top["models"]?.sequence ?? []))] + included(top["include"], by: file, warnings: &warnings)
        guard lists.contains(where: { !$0.1.isEmpty }) else {
            throw SeedError(file: file, field: "models", message: "missing or empty; list at least one model")
        }
        let providerLimits = try readProviderLimits(top["provider_limits"], file: file, warnings: &warnings)
        var entries: [CatalogSeed.Entry] = []
        var names: [String: String] = [:]
        var claimed: [CatalogSeed.ClaimedID: String] = [:]
        for (file, list) in lists {
            for (index, node) in list.enumerated() {
                var reader = SeedEntryReader(file: file, position: index + 1)
                reader.providerLimits = providerLimits
                let entry = try reader.read(node)
                warnings += reader.warnings
                guard !entries.contains(where: { ModelName.normalize($0.canonical) == ModelName.normalize(entry.canonical) }) else {
                    throw SeedError(file: file, entry: entry.canonical, field: "canonical", message: "the seed names this model twice")
                }
                for name in [entry.canonical] + entry.aliases {
                    let key = ModelName.normalize(name)
                    if let owner = names[key], owner != entry.canonical {
                        throw SeedError(file: file, entry: entry.canonical, field: name == entry.canonical ? "canonical" : "aliases",
                                        message: "name '\(name)' is already used by entry '\(owner)'")
                    }
                    names[key] = entry.canonical
                }
                for provider in entry.providers {
                    let id = CatalogSeed.ClaimedID(provider: provider.kind, model: provider.mapping.model)
                    if let owner = claimed[id] {
                        throw SeedError(file: file, entry: entry.canonical, field: "providers.\(provider.kind.rawValue).model",
                                        message: "'\(provider.mapping.model)' is already mapped by entry '\(owner)'")
                    }
                    claimed[id] = entry.canonical
                }
                entries.append(entry)
            }
        }
        return Loaded(seed: CatalogSeed(entries: entries, providerLimits: providerLimits), warnings: warnings)
    }

    /// `include:`: further seed files, relative to the including file, each with a `models:` list
    /// of its own (no `provider_limits` and no further `include`), read in the order given. They
    /// keep the seed in files short enough to review.
    private func included(_ node: Node?, by file: String, warnings: inout [SeedWarning]) throws(SeedError) -> [(String, [Node])] {
        guard let node, node.null == nil else { return [] }
        let paths: [String]
        do {
            paths = try YAMLTextList.read(node)
        } catch {
            throw SeedError(file: file, field: "include", message: error.message)
        }
        let directory = URL(fileURLWithPath: file).deletingLastPathComponent()
        var lists: [(String, [Node])] = []
        for path in paths {
            let included = path.hasPrefix("/") ? path : directory.appendingPathComponent(path).path
            guard let text = try? String(contentsOfFile: included, encoding: .utf8) else {
                throw SeedError(file: file, field: "include", message: "cannot read '\(path)' (looked for \(included))")
            }
            let root: Node?
            do {
                root = try Yams.compose(yaml: text)
            } catch {
                throw SeedError(file: included, message: "malformed YAML: \(error)")
            }
            guard let map = root?.mapping, let list = map["models"]?.sequence else {
                throw SeedError(file: included, field: "models", message: "an included seed file must hold a 'models' list")
            }
            for key in map.keys.compactMap(\.string) where key != "models" {
                warnings.append(SeedWarning(file: included, entry: nil, message: "top-level key '\(key)' ignored in an included file"))
            }
            lists.append((included, Array(list)))
        }
        return lists
    }

    /// `provider_limits:`: provider name → limits.
    private func readProviderLimits(_ node: Node?, file: String, warnings: inout [SeedWarning]) throws(SeedError) -> [ProviderKind: RateLimitConfiguration] {
        guard let node, node.null == nil else { return [:] }
        guard let map = node.mapping else {
            throw SeedError(file: file, field: "provider_limits", message: "must map provider names to limits")
        }
        var result: [ProviderKind: RateLimitConfiguration] = [:]
        for (key, value) in map {
            guard let name = key.string, let kind = ProviderKind(rawValue: name.lowercased()), kind != .echo else {
                throw SeedError(file: file, field: "provider_limits.\(key.string ?? "?")", message: "unknown provider")
            }
            var reader = SeedEntryReader(file: file, position: 0)
            do {
                result[kind] = try reader.readLimits(value, prefix: "provider_limits.\(name).", base: nil)
            } catch {
                throw SeedError(file: file, field: error.field, message: error.message)
            }
            warnings += reader.warnings.map { SeedWarning(file: $0.file, entry: nil, message: $0.message) }
        }
        return result
    }
}
