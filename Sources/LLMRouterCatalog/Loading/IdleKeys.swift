import LLMRouterCore
import LLMRouterProviders

/// A provider whose key is set but that serves no catalog model, and why; the startup log and
/// `debug-models` name it, so a user who set a key learns why it does nothing.
public struct IdleKey: Sendable, Equatable, CustomStringConvertible {
    /// The provider kind's name (`gemini`).
    public var provider: String
    /// The key variable that is set (`GEMINI_API_KEY`); never its value.
    public var variable: String
    /// For example `the catalog has no gemini models` or `all 4 gemini routes are quarantined (...)`.
    public var reason: String

    public init(provider: String, variable: String, reason: String) {
        self.provider = provider
        self.variable = variable
        self.reason = reason
    }

    public var description: String { "\(variable) (\(provider)): \(reason)" }
}

extension ProviderKind {
    /// The vendors a catalog can route to: those with an API root of their own (not echo, not `openai`).
    public static var catalogKinds: [ProviderKind] {
        allCases.filter { Vendor.for($0).defaultBaseURL != nil }
    }

    /// Every catalog vendor's default key variable, in ``catalogKinds`` order, for hints.
    public static var catalogKeyVariables: [String] {
        catalogKinds.compactMap { Vendor.for($0).defaultAPIKeyVariable }
    }
}

extension ModelIndex {
    /// The set key variables that serve nothing under `conversion` (the result of
    /// ``providerConfigurations(selection:environment:trust:)`` for the same index, selection and
    /// environment), one per provider kind, in ``ProviderKind/catalogKinds`` order.
    public func idleKeys(conversion: CatalogProviders, selection: ProviderSelection, environment: [String: String]) -> [IdleKey] {
        var idle: [IdleKey] = []
        for kind in ProviderKind.catalogKinds {
            // A single variable (`GEMINI_API_KEY`) or its list form (`GEMINI_API_KEYS`) counts.
            guard let variable = Vendor.for(kind).apiKeySources(in: environment).first?.variable else { continue }
            guard !conversion.providers.contains(where: { $0.kind == kind }) else { continue }
            idle.append(IdleKey(provider: kind.rawValue, variable: variable, reason: idleReason(kind, conversion: conversion, selection: selection)))
        }
        return idle
    }

    private func idleReason(_ kind: ProviderKind, conversion: CatalogProviders, selection: ProviderSelection) -> String {
        let name = kind.rawValue
        let mappings = models.compactMap { $0.providers[name] }
        guard !mappings.isEmpty else { return "the catalog has no \(name) models" }
        let quarantined = mappings.filter { $0.quarantine != nil }
        if quarantined.count == mappings.count, let first = quarantined.first?.quarantine {
            return "all \(mappings.count) \(name) routes are quarantined (\(first.reason), since \(first.at))"
        }
        // Route names start with the provider's name (`gemini/…`, or `gemini#2/…` for a second key).
        let refused = conversion.disabledProviders.filter { disabled in
            disabled.name.hasPrefix(name + "/") || disabled.name.hasPrefix(name + "#")
        }
        if refused.count >= mappings.count, let first = refused.first {
            return "all \(mappings.count) \(name) routes are refused (\(first.reason))"
        }
        if case .all(let required) = selection {
            return "none of its \(mappings.count) models is offered by every provider of \(ProviderSelection.variable)=\(required.joined(separator: ","))"
        }
        return "none of its \(mappings.count) catalog routes can be served"
    }
}
