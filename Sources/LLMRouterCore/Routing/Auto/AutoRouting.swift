/// `model: auto` compiled with the table: each tier's models in order (the file's
/// `routing.auto` lists, or derived from the routes' `tier` and `quality`), their routes, and
/// the classifier. A class, held by its table: every `auto` request reads it, and a copy of its
/// dictionaries cost a reference count on each.
public final class AutoRouting: Sendable {
    public let settings: AutoSettings
    public let classifier: PromptClassifier
    /// Each tier's models in the order `auto` tries them, only those with an enabled route;
    /// a tier other than `default` falls back to `default`'s after its own.
    public let models: [AutoTier: [String]]
    /// Names in `routing.auto` that no route serves (a typo, or a model the catalog dropped):
    /// skipped, and named in a warning at startup.
    public let unservedModels: [String]
    /// Each tier's own models, then `default`'s, then wildcard routes.
    private let plans: [AutoTier: AutoPlan]
    /// Each tier's own models alone: a cascade's cheaper first step.
    private let firstSteps: [AutoTier: AutoPlan]
    /// Route name → the canonical model it serves, to name the model that answered.
    private let modelsByRoute: [String: String]

    /// Whether `auto` picks models: enabled, and some tier has one.
    public var isActive: Bool { settings.isEnabled && !plans.isEmpty }

    init(routes: [Route], resolver: ModelResolver, settings: AutoSettings) {
        self.settings = settings
        self.classifier = PromptClassifier(longContextTokens: settings.longContextTokens)
        guard settings.isEnabled else {
            (models, unservedModels, plans, firstSteps, modelsByRoute) = ([:], [], [:], [:], [:])
            return
        }
        let derived = Self.derivedModels(routes: routes)
        var unserved: [String] = []
        var own: [AutoTier: [AutoPlan.Model]] = [:]
        for tier in AutoTier.allCases {
            var seen: Set<String> = []
            for name in settings.models[tier] ?? derived[tier] ?? [] {
                guard case .providers(let indices) = resolver.resolve(name) else { unserved.append(name); continue }
                let served = indices.filter { !routes[$0].configuration.isWildcard && routes[$0].configuration.routeKind == .chat }
                guard let canonical = served.first.flatMap({ routes[$0].configuration.publicModelName }) else {
                    unserved.append(name)
                    continue
                }
                let enabled = served.filter { routes[$0].isEnabled }
                guard !enabled.isEmpty, seen.insert(ModelName.normalize(canonical)).inserted else { continue }
                own[tier, default: []].append(AutoPlan.Model(name: canonical, indices: enabled))
            }
        }
        let wildcards = routes.indices.filter { routes[$0].configuration.isWildcard && routes[$0].isEnabled && routes[$0].configuration.routeKind == .chat }
        var plans: [AutoTier: AutoPlan] = [:], firstSteps: [AutoTier: AutoPlan] = [:], models: [AutoTier: [String]] = [:]
        let fallback = own[.default] ?? []
        for tier in AutoTier.allCases {
            let mine = own[tier] ?? []
            let names = Set(mine.map { ModelName.normalize($0.name) })
            let list = tier == .default ? mine : mine + fallback.filter { !names.contains(ModelName.normalize($0.name)) }
            guard !list.isEmpty else { continue }
            plans[tier] = AutoPlan(models: list, wildcards: wildcards, routes: routes)
            if !mine.isEmpty { firstSteps[tier] = AutoPlan(models: mine, wildcards: [], routes: routes) }
            models[tier] = list.map(\.name)
        }
        self.plans = plans
        self.firstSteps = firstSteps
        self.models = models
        self.unservedModels = unserved
        self.modelsByRoute = plans.isEmpty ? [:] : Dictionary(
            routes.compactMap { route in route.configuration.publicModelName.map { (route.name, $0) } },
            uniquingKeysWith: { first, _ in first }
        )
    }

    /// Each tier's models when the file names none: the chat models whose first route (in file
    /// order) with a `tier` gives that tier, best `quality` first (unranked last, then file order),
    /// each with at least one enabled route.
    static func derivedModels(routes: [Route]) -> [AutoTier: [String]] {
        struct Candidate { var name: String, tier: ModelTier?, quality: Int?, enabled: Bool }
        var candidates: [Candidate] = []
        var positions: [String: Int] = [:]
        for route in routes where route.configuration.routeKind == .chat {
            guard let name = route.configuration.publicModelName else { continue }
            let key = ModelName.normalize(name)
            guard let position = positions[key] else {
                positions[key] = candidates.count
                candidates.append(Candidate(name: name, tier: route.configuration.tier, quality: route.configuration.quality, enabled: route.isEnabled))
                continue
            }
            if candidates[position].tier == nil { candidates[position].tier = route.configuration.tier }
            if candidates[position].quality == nil { candidates[position].quality = route.configuration.quality }
            candidates[position].enabled = candidates[position].enabled || route.isEnabled
        }
        var lists: [AutoTier: [(quality: Int, position: Int, name: String)]] = [:]
        for (position, candidate) in candidates.enumerated() where candidate.enabled {
            guard let tier = candidate.tier.flatMap(AutoTier.init(serving:)) else { continue }
            lists[tier, default: []].append((candidate.quality ?? 0, position, candidate.name))
        }
        return lists.mapValues { list in list.sorted { ($0.quality, -$0.position) > ($1.quality, -$1.position) }.map(\.name) }
    }

    /// What `auto` serves `request` with: its tier's plan, and with a cascade (never for a
    /// stream: its first bytes are the client's before a gate could judge) the cheaper step.
    /// - Parameter only: the deciding rule's `only`: models with no route it selects are left out.
    func plan(_ request: ChatRequest, needs: RequestNeeds, stream: Bool, routes: [Route], only: [RouteSelector]? = nil) -> AutoRequest? {
        let tier = classifier.classify(request, estimatedTokens: needs.estimatedPromptTokens)
        if settings.cascade, !stream, let (first, then) = cascade(for: tier, needs: needs, routes: routes, only: only) {
            return AutoRequest(main: then, first: first)
        }
        return choose(tier, needs: needs, routes: routes, only: only).map { AutoRequest(main: $0, first: nil) }
    }

    /// What `auto` would do with `request` on `table`, without routing it (for explaining a
    /// decision); `nil` when `auto` picks no model for it.
    public func preview(_ request: ChatRequest, table: RoutingTable) -> AutoPreview? {
        guard isActive, let chosen = plan(request, needs: RequestNeeds(request), stream: request.stream, routes: table.routes) else { return nil }
        return AutoPreview(chosen)
    }

    /// What `auto` serves a request of `tier` with `needs`: the plan of `planTier` (the tier
    /// itself unless a cascade moves up to another) cut to the models that fit; `nil` when none
    /// does (the request then goes to every route, as without tiers).
    func choose(_ tier: AutoTier, plan planTier: AutoTier? = nil, needs: RequestNeeds, routes: [Route], only: [RouteSelector]? = nil) -> AutoChoice? {
        guard let plan = plans[planTier ?? tier]?.fitting(needs, only: only, routes: routes), !plan.isEmpty else { return nil }
        return AutoChoice(tier: tier, plan: plan)
    }

    /// A cascade for a request of `tier`: the cheaper tier's own models first, then the plan it
    /// moves up to (`default` for a `simple` request, else the tier's own); `nil` when no cheaper
    /// model fits or the cheaper step would start with the same model.
    func cascade(for tier: AutoTier, needs: RequestNeeds, routes: [Route], only: [RouteSelector]? = nil) -> (first: AutoChoice, then: AutoChoice)? {
        let steps = tier.cascadeSteps
        guard let then = choose(tier, plan: steps.first == tier ? steps.then : tier, needs: needs, routes: routes, only: only),
            let plan = firstSteps[steps.first]?.fitting(needs, only: only, routes: routes), !plan.isEmpty, plan.models.first?.name != then.model
        else { return nil }
        return (AutoChoice(tier: tier, plan: plan), then)
    }

    /// The canonical model route `name` serves.
    func model(ofRoute name: String) -> String? { modelsByRoute[name] }
}

/// What `auto` would serve a request with.
public struct AutoPreview: Sendable, Equatable {
    public var tier: AutoTier
    /// The models tried, in order (wildcard routes after them are not listed).
    public var models: [String]
    /// A cascade's cheaper first step's models; empty without a cascade.
    public var cascadeFirst: [String]

    init(tier: AutoTier, models: [String], cascadeFirst: [String]) {
        self.tier = tier
        self.models = models
        self.cascadeFirst = cascadeFirst
    }

    init(_ chosen: AutoRequest) {
        self.init(tier: chosen.main.tier, models: chosen.main.plan.models.map(\.name), cascadeFirst: chosen.first?.plan.models.map(\.name) ?? [])
    }
}

/// What `auto` chose for one request (or one step of its cascade).
struct AutoChoice: Sendable {
    /// The request's tier, as the classifier found it.
    let tier: AutoTier
    let plan: AutoPlan

    /// The model `auto` starts with.
    var model: String? { plan.models.first?.name }
    var indices: [Int] { plan.indices }
}
