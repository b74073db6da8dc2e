import Synchronization

/// `model: auto` in the router: the classifier picks a tier, the tier's plan a model, and a
/// cascade (`routing.auto.cascade`) tries a cheaper tier's model first behind ``CascadeGate``.
extension RequestRouter {
    /// What `auto` serves `operation` with; `nil` when auto is off, the operation is no chat,
    /// or no listed model fits its needs and the deciding rule's `only` (it then goes to every
    /// route, as without tiers).
    func chooseAuto<Operation: RouterOperation>(_ operation: Operation, table: RoutingTable, only: [RouteSelector]?) -> AutoRequest? {
        guard table.auto.isActive, operation.routeKind == .chat, let request = operation.chatRequest else { return nil }
        return table.auto.plan(request, needs: operation.needs, stream: operation.isStream, routes: table.routes, only: only)
    }

    /// Routes `auto`'s plan; with a cascade, its cheaper step first. The client gets one answer:
    /// the first step's when it passes the gate, else the second's, else (the second failing too)
    /// the first's. Each step's record goes to the usage log, both naming the cascade.
    func attemptAuto<Operation: RouterOperation>(
        _ operation: Operation,
        _ auto: AutoRequest,
        served: String?,
        table: RoutingTable,
        decision: RuleDecision?,
        deadline: C.Instant,
        journey: Journey<C.Instant>
    ) async throws -> RoutingOutcome<Operation.Output> {
        let info = journey.info
        guard let first = auto.first, let request = operation.chatRequest, !movedUp(operation, past: first, table: table, info: info) else {
            let outcome = try await attemptRoutes(operation, indices: auto.main.indices, served: served, table: table, decision: decision, deadline: deadline, journey: journey)
            // The decision already names the first model; only another one's answer changes it.
            if let answered = Self.answeredModel(outcome, table: table), answered != auto.main.model {
                note(auto.main, answeredBy: answered, cascade: nil, info: info)
            }
            return outcome
        }
        return try await attemptCascade(operation, auto, first: first, request: request, table: table, decision: decision, deadline: deadline, journey: journey)
    }

    /// The cascade's two steps. Kept out of ``attemptAuto(_:_:served:table:decision:deadline:journey:)``:
    /// an async function's frame is sized for everything it inlines, and these two further
    /// `attemptRoutes` calls made every `auto` request allocate 16 KB for a cascade it rarely has.
    @inline(never)
    private func attemptCascade<Operation: RouterOperation>(
        _ operation: Operation,
        _ auto: AutoRequest,
        first: AutoChoice,
        request: ChatRequest,
        table: RoutingTable,
        decision: RuleDecision?,
        deadline: C.Instant,
        journey: Journey<C.Instant>
    ) async throws -> RoutingOutcome<Operation.Output> {
        let info = journey.info
        // The cheaper step does not wait for its rate limits to reset: the next tier is there.
        var quick = decision ?? RuleDecision(rule: "")
        quick.maxWait = .zero
        var firstJourney = journey
        firstJourney.auto = first
        firstJourney.held = HeldRecord()
        let firstOutcome = try await attemptRoutes(operation, indices: first.indices, served: first.model, table: table, decision: quick, deadline: deadline, journey: firstJourney)
        let firstModel = Self.answeredModel(firstOutcome, table: table) ?? first.model ?? "any"
        let reason: CascadeReason
        if case .answered(let answer) = firstOutcome {
            guard let completion = answer.output as? ChatCompletion, let failed = CascadeGate.verdict(completion.body, request: request) else {
                release(firstJourney.held) { _ in }
                note(first, answeredBy: firstModel, cascade: nil, info: info)
                return firstOutcome
            }
            reason = failed
        } else {
            reason = .unanswered
        }
        var thenJourney = journey
        thenJourney.held = HeldRecord()
        let thenOutcome = try await attemptRoutes(
            operation, indices: auto.main.indices, served: auto.main.model, table: table, decision: decision, deadline: deadline, journey: thenJourney
        )
        let thenModel = Self.answeredModel(thenOutcome, table: table) ?? auto.main.model ?? "any"
        var trail = "\(firstModel) -> \(thenModel); reason=\(reason.rawValue)"
        var result = thenOutcome
        var keptFirst = false
        if case .answered(var answer) = thenOutcome {
            answer.attempts = firstOutcome.attempts + answer.attempts
            result = .answered(answer)
            note(auto.main, answeredBy: thenModel, cascade: trail, info: info)
        } else if case .answered(var kept) = firstOutcome {
            // Moving up failed: the cheaper answer is still better than none.
            trail += "; escalation=failed"
            kept.attempts += thenOutcome.attempts
            result = .answered(kept)
            keptFirst = true
            note(first, answeredBy: firstModel, cascade: trail, info: info)
        } else {
            note(auto.main, answeredBy: nil, cascade: trail, info: info)
        }
        let discarded = reason != .unanswered && !keptFirst
        release(firstJourney.held) { record in
            record.cascade = trail
            // The answer the client never saw counts against its route, with why.
            if discarded { record.errorCode = "cascade_\(reason.rawValue)" }
        }
        release(thenJourney.held) { $0.cascade = trail }
        return result
    }

    /// Whether the request's sticky session is on a route past the cascade's cheaper step: a
    /// conversation that moved up stays up instead of trying the cheaper models every turn.
    private func movedUp<Operation: RouterOperation>(_ operation: Operation, past first: AutoChoice, table: RoutingTable, info: RequestInfo) -> Bool {
        guard let session = stickySession(operation, info: info, table: table), let stuck = sessions.peek(session.key, now: clock.now)?.route else { return false }
        return !first.indices.contains { table.routes[$0].name == stuck }
    }

    /// Sends a held record, amended.
    private func release(_ held: HeldRecord?, _ amend: (inout RequestRecord) -> Void) {
        guard var record = held?.take() else { return }
        amend(&record)
        recorder?.record(record)
    }

    /// Puts `X-LLMRouter-Auto` (and `X-LLMRouter-Cascade`) on the request's decision.
    private func note(_ choice: AutoChoice, answeredBy model: String?, cascade: String?, info: RequestInfo) {
        guard let note = info.decision, var decision = note.decision else { return }
        decision.auto = choice.header(answeredBy: model)
        decision.cascade = cascade
        note.note(decision)
    }

    /// The canonical model of the route that answered `outcome`.
    static func answeredModel<Output>(_ outcome: RoutingOutcome<Output>, table: RoutingTable) -> String? {
        guard case .answered(let answer) = outcome else { return nil }
        return table.auto.model(ofRoute: answer.provider)
    }
}

/// `auto`'s choice for one request: the plan it routes, and a cascade's cheaper first step.
struct AutoRequest: Sendable {
    var main: AutoChoice
    var first: AutoChoice?
}

extension AutoChoice {
    /// `tier=code; model=kimi-k2`: the model that answered, else the one `auto` started with.
    func header(answeredBy answered: String?) -> String {
        plan.header(tier: tier, answeredBy: answered)
    }
}

/// A record kept back until a cascade knows what it says.
final class HeldRecord: Sendable {
    private let record = Mutex<RequestRecord?>(nil)

    func keep(_ value: RequestRecord) { record.withLock { $0 = value } }
    func take() -> RequestRecord? { record.withLock { $0.take() } }
}

extension RouterOperation {
    public var chatRequest: ChatRequest? { nil }
}

extension CompleteChat {
    public var chatRequest: ChatRequest? { request }
}

extension StreamChat {
    public var chatRequest: ChatRequest? { request }
}
