#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
public import LLMRouterCore
import Yams

/// Reads the providers YAML (`LLMROUTER_CONFIG`) into a validated ``RouterConfiguration``.
///
/// Validation is strict about what would make routing wrong (unknown type, duplicate name,
/// a rate outside 0...1, negative numbers, no providers) and lenient about what is merely
/// unexpected: unknown keys become ``ConfigurationWarning``s so files written for newer or older
/// versions still load.
public struct ConfigurationLoader: Sendable {
    public struct Loaded: Sendable {
        public var configuration: RouterConfiguration
        public var warnings: [ConfigurationWarning]
    }

    public init() {}

    /// Loads and validates the file at `path`.
    public func load(path: String) throws(ConfigurationError) -> Loaded {
        guard FileManager.default.fileExists(atPath: path) else {
            throw ConfigurationError(file: path, message: "no such file")
        }
        let text: String
        do {
            text = try String(contentsOfFile: path, encoding: .utf8)
        } catch {
            throw ConfigurationError(file: path, message: "cannot read the file as UTF-8 text (\(error))")
        }
        return try parse(yaml: text, file: path)
    }

    /// Validates YAML text; `file` only names it in messages.
    public func parse(yaml text: String, file: String) throws(ConfigurationError) -> Loaded {
        let root: Node?
        do {
            root = try Yams.compose(yaml: text)
        } catch {
            throw ConfigurationError(file: file, message: "malformed YAML: \(error)")
        }
        guard let root, let top = root.mapping else {
            throw ConfigurationError(file: file, message: "expected a mapping with a 'providers' list at the top level")
        }
        var warnings: [ConfigurationWarning] = []
        for key in top.keys.compactMap(\.string) where !["providers", "routing", "cache", "budget", "database"].contains(key) {
            warnings.append(ConfigurationWarning(file: file, provider: nil, message: "unknown top-level key '\(key)' ignored"))
        }
        guard let providersNode = top["providers"] else {
            throw ConfigurationError(file: file, field: "providers", message: "missing; list at least one provider")
        }
        guard let entries = providersNode.sequence else {
            throw ConfigurationError(file: file, field: "providers", message: "must be a list of providers")
        }
        guard !entries.isEmpty else {
            throw ConfigurationError(file: file, field: "providers", message: "is empty; list at least one provider")
        }
        var providers: [ProviderConfiguration] = []
        var seenNames: Set<String> = []
        for (index, entry) in entries.enumerated() {
            var reader = ProviderEntryReader(file: file, position: index + 1)
            let configured = try reader.read(entry)
            // `api_key_env: [A, B]`: a route per key, `name` and `name#2`.
            let keys = reader.keyVariables.map { APIKeySource(variable: $0) }
            for provider in configured.oneRoutePerKey(keys, keyBase: configured.name) {
                guard seenNames.insert(provider.name).inserted else {
                    throw ConfigurationError(file: file, provider: provider.name, field: "name", message: "duplicate provider name; names must be unique")
                }
                providers.append(provider)
            }
            warnings += reader.warnings
        }
        var routingReader = RoutingSectionReader(file: file)
        var routing = try top["routing"].map { (node: Node) throws(ConfigurationError) in try routingReader.read(node) } ?? RoutingConfiguration()
        warnings += routingReader.warnings
        if let budget = top["budget"], !budget.isNull { routing.budgetUSDPerDay = try Self.budget(budget, file: file) }
        var cacheReader = CacheSectionReader(file: file)
        let cache = try top["cache"].map { (node: Node) throws(ConfigurationError) in try cacheReader.read(node) }
        warnings += cacheReader.warnings
        let database = try DatabaseAddress.read(top["database"], file: file)
        return Loaded(configuration: RouterConfiguration(providers: providers, routing: routing, cache: cache, database: database), warnings: warnings)
    }

    /// `budget: {usd_per_day: N}`: what paid routes may spend a UTC day.
    static func budget(_ node: Node, file: String) throws(ConfigurationError) -> Double {
        guard let map = node.mapping, map.keys.compactMap(\.string) == ["usd_per_day"], let value = map["usd_per_day"] else {
            throw ConfigurationError(file: file, field: "budget", message: "must be {usd_per_day: N}, US dollars a UTC day on paid routes")
        }
        guard let usd = value.float ?? value.int.map(Double.init), usd.isFinite, usd >= 0 else {
            throw ConfigurationError(file: file, field: "budget.usd_per_day", message: "must be a number of US dollars ≥ 0")
        }
        return usd
    }
}
