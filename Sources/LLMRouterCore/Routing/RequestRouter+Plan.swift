/// The steps before any upstream call, shared by ``RequestRouter/route(_:model:table:deadline:info:)``
/// and ``RequestRouter/explain(_:model:table:info:)``, so an explanation is what routing does:
/// the model served and the rule that decided, the routes that may serve it, and their order.
extension RequestRouter {
    /// What a request is served as, before any route is looked at.
    struct ServingPlan {
        /// The model asked for, `routing.model_map` applied, then a rule's `then.model`; `nil`
        /// serves any.
        var served: String?
        /// The first matching rule's decision; `nil` when none matched (or there are none).
        var decision: RuleDecision?
        /// The policy that orders the candidates.
        var policy: RoutingPolicyName
        /// Set when the access key may not be served `served`: the model to name in the 403.
        var refusedModel: String?
        /// What `auto` chose for a request asking for any model; `served` is then its first model.
        var auto: AutoRequest?
    }

    /// Maps the model, asks the rules, and checks the model served against the access key.
    func servingPlan<Operation: RouterOperation>(_ operation: Operation, model: String?, table: RoutingTable, info: RequestInfo) -> ServingPlan {
        let mapped = table.routing.mappedModel(model)
        var served = mapped
        let decision = table.rules.isEmpty ? nil : table.decide(facts(operation, model: mapped, info: info))
        if decision?.deny == nil, let target = decision?.model { served = target }
        var plan = ServingPlan(served: served, decision: decision, policy: decision?.policy ?? table.policyName(for: served))
        // The server checked the model asked for (mapped); a rule's `then.model` is held to the
        // same allowance, so a rule never serves a key a model it could not ask for.
        if let allowed = info.allowedModels, !AccessKey.allows(served, among: allowed) {
            plan.refusedModel = served == model ? model ?? "auto" : "\(model ?? "auto") (served as \(served ?? "auto"))"
        }
        // The key was held to `auto` itself above: the model `auto` picks is the router's choice.
        if plan.refusedModel == nil, decision?.deny == nil, ModelName.isAuto(served), let auto = chooseAuto(operation, table: table, only: decision?.only) {
            plan.auto = auto
            plan.served = auto.main.model ?? served
            plan.policy = decision?.policy ?? table.policyName(for: plan.served)
        }
        return plan
    }

    /// Where the model's routes of the operation's kind are in the table.
    enum Resolution {
        case routes([Int])
        case modelNotFound
        /// The model is served, but only by routes of this other kind.
        case wrongKind(RouteKind)
    }

    /// `auto`'s routes, or the served model's.
    static func resolve(_ serving: ServingPlan, kind: RouteKind, table: RoutingTable) -> Resolution {
        if let auto = serving.auto { return .routes(auto.main.indices) }
        return resolve(serving.served, kind: kind, table: table)
    }

    static func resolve(_ served: String?, kind: RouteKind, table: RoutingTable) -> Resolution {
        guard case .providers(let resolved) = table.resolver.resolve(served) else { return .modelNotFound }
        // Most tables hold one kind: only a mixed one pays for a filtered copy.
        let indices = resolved.allSatisfy { table.routes[$0].configuration.routeKind == kind }
            ? resolved : resolved.filter { table.routes[$0].configuration.routeKind == kind }
        if indices.isEmpty, let other = resolved.first.map({ table.routes[$0].configuration.routeKind }) { return .wrongKind(other) }
        return .routes(indices)
    }

    /// The routes that may be ordered, and those left out before ordering.
    struct Candidates {
        var routes: [Route] = []
        /// Left out: disabled, not selected by the rule's `only`, or unable to serve the request;
        /// with the reason (headers, records) and the metric label.
        var skipped: [(route: Route, reason: String, label: String)] = []
        /// Whether a route was left out for a capability the request needs.
        var incapable = false
    }

    static func candidates(_ indices: [Int], table: RoutingTable, decision: RuleDecision?, needs: RequestNeeds) -> Candidates {
        var result = Candidates()
        for index in indices {
            let route = table.routes[index]
            if !route.isEnabled {
                result.skipped.append((route, "disabled: \(route.disabledReason ?? "no provider")", "disabled"))
            } else if let only = decision?.only, !only.contains(where: { $0.matches(route.configuration) }) {
                result.skipped.append((route, "rule \(decision?.rule ?? ""): not selected", "rule"))
            } else if let shortfall = needs.shortfall(of: route.configuration.capabilities) {
                result.skipped.append((route, "unsupported: \(shortfall)", "capability"))
                result.incapable = true
            } else {
                result.routes.append(route)
            }
        }
        return result
    }

    /// The policy's order (with `auto`, each model's routes together, models in `auto`'s order)
    /// with free routes before paid ones, then the rule's `prefer` and `avoid`.
    func order(_ candidates: [Route], policy: any RoutingPolicy, decision: RuleDecision?, auto: AutoChoice? = nil) -> [Route] {
        var order = policy.order(candidates, state: state)
        if let auto { order = auto.plan.grouped(order) }
        // Paid routes are fallbacks: after every free one, in the policy's order among themselves.
        if order.contains(where: { $0.configuration.isPaid }) {
            order = order.filter { !$0.configuration.isPaid } + order.filter { $0.configuration.isPaid }
        }
        guard let decision, !decision.prefer.isEmpty || !decision.avoid.isEmpty else { return order }
        return Self.reorder(order, by: decision)
    }
}
