#if canImport(FoundationEssentials)
public import FoundationEssentials
#else
public import Foundation
#endif
import Synchronization

/// Every route's breaker, cool-downs, learned limits and quota, shared by all requests: the
/// in-process ``ProviderStateStore``.
///
/// Three different things, kept apart: the **breaker** is health only (timeouts, connection
/// errors, 5xx, bad answers; a 429 never opens it); a **cool-down** comes from a rate limit (a
/// 429, or an answer saying a bucket is empty) and lasts until the reset the upstream announced;
/// the **quota** is the configured limits, counted locally so calls are paced under them.
///
/// One short lock per call, never held across an `await`; the state machines inside are plain
/// structs told the time by the injected clock, and the caller does any logging with the events
/// they return.
public final class ProviderState<C: Clock>: ProviderStateStore, Sendable where C.Duration == Duration {
    public typealias Instant = C.Instant

    /// How soon a request held back by a probe in flight looks again.
    static var probeRetry: Duration { .milliseconds(250) }

    /// How soon a request held back by another instance's probe of a guessed window looks
    /// again: its news comes one upstream answer plus a `NOTIFY` after its call.
    static var peerNewsRetry: Duration { .milliseconds(50) }

    /// Why a route is skipped when this instance spent its share of a bucket the other
    /// instances still have calls of.
    static var shareUsedLabel: String { "instance_share_used" }

    public let clock: C
    let redactor: SecretRedactor
    /// Maps the monotonic clock to wall time, for daily resets and for `/health/providers`.
    let wallAnchor: (date: Date, instant: Instant)
    private let jitter: @Sendable () -> Double
    let table: Mutex<Table>
    /// Where cool-downs started here are announced to other instances; `nil` when alone.
    let sharing = Mutex<(any SharedStateObserver)?>(nil)
    /// Other instances' breaker states, by route, as last read; never read on the request path.
    let elsewhere = Mutex<[String: [RemoteBreakerState]]>([:])

    /// - Parameters:
    ///   - routes: each route's spec.
    ///   - clock: the time source for every state machine; the router uses the same one.
    ///   - redactor: applied to every recorded error message.
    ///   - wallClockAtStart: the wall time at `clock.now`, for daily resets.
    ///   - jitter: 0..<1 per call, spreads backoffs apart.
    ///   - keyPools: when keys of one entry are taken to share their limits (``KeyPools``).
    public init(
        routes: [RouteSpec],
        clock: C,
        redactor: SecretRedactor = .init(),
        wallClockAtStart: Date = Date(),
        jitter: @escaping @Sendable () -> Double = { Double.random(in: 0..<1) },
        keyPools: KeyPools<C.Instant>.Settings = .init()
    ) {
        self.clock = clock
        self.redactor = redactor
        self.wallAnchor = (wallClockAtStart, clock.now)
        self.jitter = jitter
        var empty = Table()
        empty.pools = KeyPools(settings: keyPools)
        self.table = Mutex(Self.build(routes, keeping: empty))
    }

    /// Adopts a new route list: routes whose spec is unchanged keep their state, and limit
    /// scopes still in use keep their cool-downs and counts; new or changed ones start fresh.
    public func replaceRoutes(_ routes: [RouteSpec]) {
        table.withLock { $0 = Self.build(routes, keeping: $0) }
    }

    private static func build(_ specs: [RouteSpec], keeping old: Table) -> Table {
        var next = Table()
        next.pools = old.pools
        next.sharesQuotas = old.sharesQuotas
        next.sharesLearned = old.sharesLearned
        for spec in specs {
            var scopes: [Scope] = []
            for name in ["route:\(spec.name)", spec.limitScope, spec.account] where !scopes.contains(where: { $0.name == name }) {
                scopes.append(Scope(name: name, slot: next.slot(name, keeping: old)))
            }
            let limit = next.slot(spec.limitScope, keeping: old)
            let slots = Slots(
                scopes: scopes,
                own: next.slot("route:\(spec.name)", keeping: old),
                limit: limit,
                account: next.slot(spec.account, keeping: old)
            )
            if var existing = old.route(spec.name), existing.spec == spec {
                existing.slots = slots
                next.add(existing)
            } else {
                next.add(RouteEntry(spec: spec, breaker: CircuitBreaker(configuration: spec.breaker), slots: slots))
            }
            // Configured limits live at the route's configured scope; the first route naming a
            // scope sets them (a pool's routes should agree).
            if let limits = spec.limits, next.limits[limit].quota?.limits != limits {
                next.limits[limit].quota = Quota(limits: limits)
                if next.sharesQuotas { next.limits[limit].quota?.shared = SharedQuotaCounts() }
                next.limits[limit].dailyReset = limits.dailyReset
                next.limits[limit].nextReset = nil
            }
        }
        return next
    }

    // MARK: Admission

    /// Asks whether `route` may be called now. When it may, the call is counted (breaker trial,
    /// learned buckets, quota, concurrency) and must be settled with ``settle(_:_:)``.
    public func admit(_ route: String) -> (RouteAdmission<Instant>, [RouteStateEvent<Instant>]) {
        let now = clock.now
        let (decision, events, flush) = table.withLock { table -> (RouteAdmission<Instant>, [RouteStateEvent<Instant>], Bool) in
            guard let routeIndex = table.routeIndex[route] else {
                return (.skipped(RouteSkip(cause: .disabled("unknown route"))), [], false)
            }
            var events: [RouteStateEvent<Instant>] = []
            let scopes = table.routes[routeIndex].slots.scopes
            let admission = admission(scopes: scopes, limits: &table.limits, breaker: &table.routes[routeIndex].breaker, now: now, events: &events)
            guard case .admitted = admission else { return (admission, events, false) }
            table.routes[routeIndex].stats.requests += 1
            var handOverAfter: Int?
            for scope in scopes {
                table.limits[scope.slot].admitted(now: now, dailyReset: dailyReset, windows: quotaWindows)
                guard let quota = table.limits[scope.slot].quota, quota.shared != nil else { continue }
                handOverAfter = min(handOverAfter ?? .max, quota.handOverAfterCalls)
            }
            guard let handOverAfter else { return (admission, events, false) }
            table.unsentCalls += 1
            guard table.unsentCalls >= handOverAfter, !table.handOverAsked else { return (admission, events, false) }
            table.handOverAsked = true
            return (admission, events, true)
        }
        if flush { sharing.withLock { $0 }?.quotaUsageWaiting() }
        return (decision, published(route, events))
    }

    /// What ``admit(_:)`` would answer now, changing nothing: the same checks, run on a copy of
    /// the route's state (an expired cool-down is seen as ended, an open breaker past its
    /// recovery time as a trial), for `POST /admin/explain`.
    public func peek(_ route: String) -> RouteAdmission<Instant> {
        let now = clock.now
        return table.withLock { table in
            guard let routeIndex = table.routeIndex[route] else { return .skipped(RouteSkip(cause: .disabled("unknown route"))) }
            // Copied on write: a peek that would change an entry pays for the copy, not the table.
            var limits = table.limits
            var breaker = table.routes[routeIndex].breaker
            var events: [RouteStateEvent<Instant>] = []
            return admission(scopes: table.routes[routeIndex].slots.scopes, limits: &limits, breaker: &breaker, now: now, events: &events)
        }
    }

    /// The admission check itself, shared by ``admit(_:)`` and ``peek(_:)``: every limit scope of
    /// the route (cool-down, probe, learned buckets, quota), then its breaker.
    private func admission(
        scopes: [Scope],
        limits: inout [LimitEntry],
        breaker: inout CircuitBreaker<Instant>,
        now: Instant,
        events: inout [RouteStateEvent<Instant>]
    ) -> RouteAdmission<Instant> {
        for scope in scopes {
            if let skip = check(&limits[scope.slot], scope: scope.name, now: now, events: &events) {
                return .skipped(skip)
            }
        }
        let (permit, transition) = breaker.permit(now: now)
        if let transition { events.append(Self.event(transition, now: now)) }
        switch permit {
        case .reject(let until?):
            return .skipped(RouteSkip(cause: .breakerOpen, resumeAt: until))
        case .reject(until: nil):
            return .skipped(RouteSkip(cause: .trialInFlight))
        case .allow, .trial:
            return .admitted(trial: permit == .trial)
        }
    }

    /// Why `entry` turns a call away at `now`, if it does.
    private func check(_ entry: inout LimitEntry, scope: String, now: Instant, events: inout [RouteStateEvent<Instant>]) -> RouteSkip<Instant>? {
        if entry.coolDown.until != nil {
            if entry.coolDown.expire(at: now) {
                events.append(.coolDownEnded(scope: scope))
                entry.probe = .due
                if let refusal = entry.refusal {
                    entry.learned.expect(requests: refusal.limit, until: now.advanced(by: refusal.window), now: now)
                    entry.refusal = nil
                }
            } else if let until = entry.coolDown.until {
                return RouteSkip(cause: .coolingDown(entry.coolDown.reason?.label ?? "rate limited"), resumeAt: until)
            }
        }
        if entry.probe == .inFlight {
            return RouteSkip(cause: .coolingDown("probing after reset"), resumeAt: now.advanced(by: Self.probeRetry))
        }
        if entry.oneAtATime || entry.learned.oneAtATime, entry.inFlight > 0 {
            return RouteSkip(cause: .coolingDown("one at a time after a refusal"), resumeAt: now.advanced(by: Self.probeRetry))
        }
        if let until = entry.learned.blockedUntil(now: now) {
            guard entry.learned.blockedByShareOnly else { return RouteSkip(cause: .coolingDown(CoolDown<Instant>.Reason.exhausted.label), resumeAt: until) }
            // A guessed refill waits for the first instance's news, which comes with its answer.
            let resume = entry.learned.oneAtATime ? min(until, now.advanced(by: Self.peerNewsRetry)) : until
            return RouteSkip(cause: .coolingDown(Self.shareUsedLabel), resumeAt: resume)
        }
        if entry.quota != nil {
            let reset = dailyReset(&entry, now: now)
            let windows = entry.quota?.shared == nil ? nil : quotaWindows(now: now, reset: reset, shape: entry.dailyReset)
            if let blocked = entry.quota?.blocked(now: now, dailyReset: reset, windows: windows) {
                return RouteSkip(cause: .quota(blocked.limit), resumeAt: blocked.until)
            }
        }
        return nil
    }

    // MARK: Settlement

    /// Records how an admitted call ended; returns the state changes it caused.
    @discardableResult
    public func settle(_ route: String, _ outcome: RouteCallOutcome) -> [RouteStateEvent<Instant>] {
        let now = clock.now
        let message: String? = if case .failed(let failure, _) = outcome { redactor.redact(failure.description) } else { nil }
        // Drawn outside the lock, and only for a 429: the draw costs a syscall.
        let jitterDraw: Double = if case .failed(let failure, _) = outcome, failure.kind == .rateLimited { jitter() } else { 0 }
        var learned: [SharedLearnedLimit] = []
        let events = table.withLock { table -> [RouteStateEvent<Instant>] in
            guard let routeIndex = table.routeIndex[route] else { return [] }
            var events: [RouteStateEvent<Instant>] = []
            let slots = table.routes[routeIndex].slots
            let tokens: Int = if case .answered(_, _, let tokens) = outcome { tokens } else { 0 }
            var statesBudget = false
            if case .answered(_, let report, _) = outcome, report.rateLimit?.windows.contains(where: { $0.remaining != nil }) == true {
                statesBudget = true
            }
            for scope in slots.scopes {
                table.limits[scope.slot].finished(tokens: tokens, statesBudget: statesBudget, now: now, dailyReset: dailyReset, windows: quotaWindows)
            }
            switch outcome {
            case .answered(let latency, let report, let tokens):
                table.routes[routeIndex].stats.recordSuccess(latency: latency, now: now)
                if let transition = table.routes[routeIndex].breaker.recordSuccess(now: now) {
                    events.append(Self.event(transition, now: now))
                }
                let slot = report.rateLimit?.accountWide == true ? slots.account : slots.limit
                table.limits[slot].coolDown.recordSuccess()
                table.limits[slot].learned.consume(tokens: tokens)
                if let signal = report.rateLimit {
                    observe(signal, in: &table.limits[slot], scope: slots.name(slot), now: now, events: &events)
                    if table.sharesLearned { learned = shareable(signal, in: table.limits[slot].learned, scope: slots.name(slot)) }
                }
            case .failed(let failure, _):
                table.routes[routeIndex].stats.recordFailure(failure.kind, message: message, now: now)
                if failure.kind == .rateLimited {
                    // A 429 says the provider is up and busy: no breaker failure, and a
                    // half-open trial it ended proved nothing either way.
                    table.routes[routeIndex].breaker.releaseTrial()
                    table.routes[routeIndex].stats.coolDowns += 1
                    let signal = failure.rateLimit ?? RateLimitSignal(kind: .shortWindow, retryAfter: failure.retryAfter)
                    // An upstream's congestion is about this route's model at its host, not the account.
                    let slot = signal.kind == .upstreamCongestion ? slots.own : (signal.accountWide ? slots.account : slots.limit)
                    coolDown(after: failure, signal: signal, in: &table.limits[slot], scope: slots.name(slot), now: now, jitter: jitterDraw, events: &events)
                    // The limit a refusal named lets the other instances split the next window.
                    if table.sharesLearned { learned = shareable(signal, in: table.limits[slot].learned, scope: slots.name(slot)) }
                } else if failure.kind.countsAgainstProvider {
                    if let transition = table.routes[routeIndex].breaker.recordFailure(now: now) {
                        events.append(Self.event(transition, now: now))
                    }
                } else {
                    table.routes[routeIndex].breaker.releaseTrial()
                }
            case .abandoned:
                table.routes[routeIndex].breaker.releaseTrial()
            }
            if let family = table.routes[routeIndex].spec.family {
                shareCoolDowns(of: routeIndex, family: family, events: &events, table: &table, now: now)
            }
            return events
        }
        return published(route, events, learned: learned)
    }

    // MARK: Time

    /// The next daily reset of `entry` after `now`, cached until it passes.
    func dailyReset(_ entry: inout LimitEntry, now: Instant) -> Instant {
        if let next = entry.nextReset, now < next { return next }
        let wallNow = wallTime(now)
        let wallNext = DailyResetClock.next(after: wallNow, reset: entry.dailyReset)
        let next = now.advanced(by: .milliseconds(Int64((wallNext.timeIntervalSince(wallNow) * 1000).rounded(.up))))
        entry.nextReset = next
        return next
    }
}
