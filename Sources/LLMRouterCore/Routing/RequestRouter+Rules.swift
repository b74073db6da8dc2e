/// Applying a ``RuleDecision``: the facts a rule sees, and its order edits.
extension RequestRouter {
    func facts<Operation: RouterOperation>(_ operation: Operation, model: String?, info: RequestInfo) -> RequestFacts {
        RequestFacts(model: model, endpoint: info.endpoint, keyName: info.keyName, headers: info.headers, needs: operation.needs, wallTime: wallTime())
    }

    /// `prefer` routes first, `avoid` routes last, each group in the policy's order; a route
    /// both preferred and avoided counts as preferred.
    static func reorder(_ order: [Route], by decision: RuleDecision) -> [Route] {
        func preferred(_ route: Route) -> Bool { decision.prefer.contains { $0.matches(route.configuration) } }
        func avoided(_ route: Route) -> Bool { !preferred(route) && decision.avoid.contains { $0.matches(route.configuration) } }
        var result: [Route] = []
        result.reserveCapacity(order.count)
        result.append(contentsOf: order.lazy.filter(preferred))
        result.append(contentsOf: order.lazy.filter { !preferred($0) && !avoided($0) })
        result.append(contentsOf: order.lazy.filter(avoided))
        return result
    }
}
