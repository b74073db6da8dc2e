/// Applying a ``RuleDecision``: the facts a rule sees, and its order edits.
extension RequestRouter {
    func facts<Operation: RouterOperation>(_ operation: Operation, model: String?, info: RequestInfo) -> RequestFacts {
        RequestFacts(model: model, endpoint: info.endpoint, keyName: info.keyName, headers: info.headers, needs: operation.needs, wallTime: wallTime())
    }

    /// `prefer` routes first, `avoid` routes last, each group in the policy's order; a route
    /// both preferred and avoided counts as preferred. An order already so (one route, or the
    /// preferred one first already) comes back as it is, without a new array.
    static func reorder(_ order: [Route], by decision: RuleDecision) -> [Route] {
        func group(_ route: Route) -> Int {
            if decision.prefer.contains(where: { $0.matches(route.configuration) }) { return 0 }
            return decision.avoid.contains { $0.matches(route.configuration) } ? 2 : 1
        }
        var last = 0
        var ordered = true
        for route in order {
            let current = group(route)
            if current < last { ordered = false; break }
            last = current
        }
        guard !ordered else { return order }
        var result: [Route] = []
        result.reserveCapacity(order.count)
        for wanted in 0...2 {
            result.append(contentsOf: order.lazy.filter { group($0) == wanted })
        }
        return result
    }
}
