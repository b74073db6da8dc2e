public import LLMRouterCatalog
public import LLMRouterCore
import LLMRouterProviders

/// Checks `--default-model` against what the server can serve, at startup, so a typo does not
/// turn every request without a model into a 404.
public enum DefaultModelCheck {
    public enum Outcome: Sendable, Equatable {
        /// An enabled provider serves it (or no default model is set).
        case servable
        /// Nothing serves it now, but it could later (a key is missing, the catalog lists it): a warning.
        case reachableLater(String)
        /// Nothing could ever serve it: an error.
        case never(String)
    }

    /// - Parameter catalogIndex: the catalog that loaded, whose models could be served once a key is set.
    public static func check(_ model: String?, table: RoutingTable, catalogIndex: ModelIndex?) -> Outcome {
        guard let model, !ModelName.isAuto(model) else { return .servable }
        switch table.resolver.resolve(model) {
        case .providers(let indices):
            let entries = indices.map { table.routes[$0] }
            if entries.contains(where: \.isEnabled) { return .servable }
            let reasons = entries.map { "\($0.configuration.name): \($0.disabledReason ?? "disabled")" }
            return .reachableLater("every provider of '\(model)' is disabled (\(reasons.joined(separator: "; ")))")
        case .unknownModel:
            if catalogIndex?.entry(named: model) != nil {
                return .reachableLater("'\(model)' is in the catalog but no provider with a key serves it now")
            }
            let known = table.resolver.listedModels.prefix(8).map(\.id).joined(separator: ", ")
            return .never("no provider serves '\(model)'\(catalogIndex == nil ? "" : " and the catalog does not list it"); served models: \(known.isEmpty ? "(none)" : known)")
        }
    }
}
