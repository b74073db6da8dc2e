/// `POST /admin/explain` and `debug-models --explain`: the way of a request, walked without
/// calling anything. Every step is the one ``route(_:model:table:deadline:info:)`` takes
/// (``servingPlan(_:model:table:info:)``, ``resolve(_:kind:table:)``, ``candidates(_:table:decision:needs:)``,
/// ``order(_:policy:decision:)``), and admission is ``ProviderStateStore/peek(_:)``, the same
/// check as ``ProviderStateStore/admit(_:)`` on a copy of the state.
extension RequestRouter {
    /// What routing `operation` over `table` now would do; nothing is called, counted or changed.
    ///
    /// Two things are read as a first request would meet them: ties between routes of one
    /// priority are shown in their first turn (requests take turns from there), and the
    /// response cache lookup counts as a use of the entry for its eviction order.
    public func explain<Operation: RouterOperation>(_ operation: Operation, model: String?, table: RoutingTable, info: RequestInfo) async -> RoutingExplanation {
        let serving = servingPlan(operation, model: model, table: table, info: info)
        let decision = serving.decision
        var explanation = RoutingExplanation(
            endpoint: info.endpoint, requestedModel: model, model: serving.served, rule: decision?.rule, policy: serving.policy,
            maxWait: decision?.maxWait ?? table.routing.maxWait, needs: operation.needs, wallTime: wallTime()
        )
        if let decision, let message = decision.deny {
            explanation.verdict = .denied(rule: decision.rule, message: message)
            return explanation
        }
        if let refused = serving.refusedModel {
            explanation.verdict = .modelNotAllowed(model: refused, key: info.keyName ?? "")
            return explanation
        }
        let indices: [Int]
        explanation.auto = serving.auto.map(AutoPreview.init)
        switch Self.resolve(serving, kind: operation.routeKind, table: table) {
        case .routes(let found): indices = found
        case .modelNotFound:
            explanation.verdict = .modelNotFound
            return explanation
        case .wrongKind(let other):
            explanation.verdict = .wrongKind(other)
            return explanation
        }
        let found = Self.candidates(indices, table: table, decision: decision, needs: operation.needs)
        // A fresh policy: the table's own would move its turn for ties.
        var order = self.order(found.routes, policy: table.freshPolicy(named: serving.policy), decision: decision, auto: serving.auto?.main)
        let session = stickySession(operation, info: info, table: table)
        if let session {
            let stuck = sessions.peek(session.key, now: clock.now)
            explanation.sticky = .init(source: session.source, route: stuck?.route, expiresIn: stuck.map { clock.now.duration(to: $0.until) })
            if let stuck { order = Self.pin(stuck.route, in: order) }
        }
        if let first = order.first, order.count > 1 {
            explanation.hedgeAfter = hedgeDelay(operation, route: first, remaining: order.dropFirst(), hedging: table.routing.hedging)
        }
        explanation.routes = order.enumerated().map { admissionLine($0.element, position: $0.offset + 1, budget: table.routing.budgetUSDPerDay, info: info) } + found.skipped.map { RoutingExplanation.RouteLine(route: $0.route, status: .skipped, reason: $0.reason, skip: $0.label) }
        if let stuck = explanation.sticky?.route, let position = explanation.routes.firstIndex(where: { $0.name == stuck }) {
            explanation.routes[position].sticky = true
        }
        if found.routes.isEmpty, found.incapable {
            explanation.verdict = .unsupported
        } else if explanation.firstCandidate == nil {
            let limited = explanation.routes.contains { $0.skip == "cool_down" || $0.skip == "quota" }
            explanation.verdict = .noCandidate(rateLimited: limited)
        }
        if let cache, let first = indices.first {
            let canonical = table.routes[first].configuration.canonicalModel ?? serving.served ?? "auto"
            explanation.cache = await cacheState(cache, operation: operation, model: canonical, info: info)
        }
        return explanation
    }

    /// A route as admission sees it now.
    private func admissionLine(_ route: Route, position: Int, budget: Double?, info: RequestInfo) -> RoutingExplanation.RouteLine {
        var line: RoutingExplanation.RouteLine
        if let reason = budgetSkip(route, budget: budget, keyBudget: info.keyBudgetUSDPerDay, key: info.keyName) {
            line = RoutingExplanation.RouteLine(route: route, status: .skipped, reason: reason, skip: "budget")
            line.position = position
            return line
        }
        switch state.peek(route.name) {
        case .admitted(let trial):
            line = RoutingExplanation.RouteLine(route: route, status: .candidate)
            line.trial = trial
        case .skipped(let skip):
            let now = clock.now
            line = RoutingExplanation.RouteLine(route: route, status: .skipped, reason: skip.reason, skip: skip.label, resumeIn: skip.resumeAt.map { now.duration(to: $0) })
        }
        line.position = position
        return line
    }

    /// Whether an exact entry would answer, by the key ``consultCache`` would look up.
    private func cacheState<Operation: RouterOperation>(_ cache: ResponseCache, operation: Operation, model: String, info: RequestInfo) async -> RoutingExplanation.CacheState {
        if info.cache.off { return .bypass("the request turned the cache off") }
        guard let request = operation.cacheRequest else { return .bypass("this endpoint is not cached") }
        guard request.isDeterministic || cache.settings.mode == .all else {
            return .bypass("not deterministic (no temperature 0 or seed)")
        }
        if info.cache.noCache { return .bypass("no-cache: the request asks for a fresh answer") }
        let key = CacheKey(keyName: info.keyName, endpoint: info.endpoint, model: model, fields: request.fields)
        let now = wallTime()
        guard let entry = await cache.lookup(key, directives: info.cache, now: now) else { return .miss }
        return .hit(age: .milliseconds(max(now - entry.storedAt, 0)))
    }
}
