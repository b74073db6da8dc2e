/// One tier's models, compiled with the table: each model's routes, and the rank that keeps
/// the policy's order inside a model while models stay in list order.
///
/// A class: a request's choice is copied along its way (plan, journey, attempts), and a struct
/// of four shared collections cost four reference counts per copy, on memory both event loops use.
final class AutoPlan: Sendable {
    struct Model: Sendable {
        /// The canonical name, as the routes list it.
        let name: String
        /// Its enabled routes, in file order.
        let indices: [Int]
    }

    let models: [Model]
    /// Routes that serve any name (no model configured), tried after every listed model.
    let wildcards: [Int]
    /// Every model's routes in list order, then the wildcards.
    let indices: [Int]
    /// A listed route's model position; wildcards have none and go last.
    let ranks: [ObjectIdentifier: Int]
    /// The smallest known context window among the routes: a prompt within it fits them all.
    private let smallestContext: Int
    /// `X-LLMRouter-Auto` for each tier (``AutoTier/allCases`` order) when the first model
    /// answers, made once here rather than on every request.
    private let headers: [String]

    init(models: [Model], wildcards: [Int], routes: [Route]) {
        self.models = models
        self.wildcards = wildcards
        var ranks: [ObjectIdentifier: Int] = [:]
        for (rank, model) in models.enumerated() {
            for index in model.indices where ranks[ObjectIdentifier(routes[index])] == nil { ranks[ObjectIdentifier(routes[index])] = rank }
        }
        self.ranks = ranks
        self.indices = models.flatMap(\.indices) + wildcards
        self.headers = AutoTier.allCases.map { Self.header(tier: $0, model: models.first?.name) }
        self.smallestContext = indices.compactMap { routes[$0].configuration.capabilities.contextLength }.min() ?? .max
    }

    var isEmpty: Bool { indices.isEmpty }

    /// `tier=code; model=kimi-k2`.
    static func header(tier: AutoTier, model: String?) -> String {
        "tier=\(tier.rawValue); model=\(model ?? "any")"
    }

    /// The header of `tier` when `answered` (the model that answered; `nil` before any did) is
    /// this plan's first model.
    func header(tier: AutoTier, answeredBy answered: String?) -> String {
        guard answered == nil || answered == models.first?.name, let index = AutoTier.allCases.firstIndex(of: tier) else {
            return Self.header(tier: tier, model: answered)
        }
        return headers[index]
    }

    /// The plan cut to the models with a route that can serve `needs` (unknown capabilities
    /// never rule out) and that a rule's `only` selects; itself when every route can, as for most
    /// requests. Without the cut, a rule that picks GPU routes would meet a tier whose models
    /// have none and answer 503 while a GPU route stood by.
    func fitting(_ needs: RequestNeeds, only: [RouteSelector]? = nil, routes: [Route]) -> AutoPlan {
        if only == nil, !needs.tools, !needs.vision, !needs.jsonMode, needs.estimatedPromptTokens <= smallestContext { return self }
        func selected(_ index: Int) -> Bool { only?.contains { $0.matches(routes[index].configuration) } ?? true }
        func fits(_ index: Int) -> Bool { selected(index) && needs.fits(routes[index].configuration.capabilities) }
        let kept = models.filter { $0.indices.contains(where: fits) }
        // A wildcard's capabilities are its own business (unknown until it answers); its tags are not.
        let keptWildcards = wildcards.filter(selected)
        return kept.count == models.count && keptWildcards.count == wildcards.count
            ? self : AutoPlan(models: kept, wildcards: keptWildcards, routes: routes)
    }

    /// `order` (the policy's) with each model's routes together, models in list order and
    /// wildcards last; within a model the policy's order is kept.
    func grouped(_ order: [Route]) -> [Route] {
        guard models.count > 1 || !wildcards.isEmpty else { return order }
        var ranked = order.map { (rank: ranks[ObjectIdentifier($0)] ?? .max, route: $0) }
        // Insertion sort: stable, and the lists are short.
        for next in ranked.indices.dropFirst() {
            var slot = next
            let item = ranked[next]
            while slot > 0, ranked[slot - 1].rank > item.rank {
                ranked[slot] = ranked[slot - 1]
                slot -= 1
            }
            ranked[slot] = item
        }
        return ranked.map(\.route)
    }
}

extension RequestNeeds {
    /// Whether `capabilities` can serve the request, as ``shortfall(of:)`` judges but without
    /// building the reason.
    func fits(_ capabilities: RouteCapabilities) -> Bool {
        if tools, capabilities.tools == false { return false }
        if vision, capabilities.vision == false { return false }
        if jsonMode, capabilities.jsonMode == false { return false }
        if let context = capabilities.contextLength, estimatedPromptTokens > context { return false }
        return true
    }
}
