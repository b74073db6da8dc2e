#if canImport(FoundationEssentials)
public import FoundationEssentials
#else
public import Foundation
#endif
import Synchronization

/// Every route's breaker, cool-downs, learned limits and quota, shared by all requests: the
/// in-process ``ProviderStateStore``.
///
/// Three different things, kept apart:
/// - the **breaker** is health only (timeouts, connection errors, 5xx, bad answers); a 429
///   never opens it;
/// - a **cool-down** comes from a rate limit (a 429, or an answer saying a bucket is empty) and
///   lasts until the reset the upstream announced;
/// - the **quota** is the configured limits, counted locally so calls are paced under them.
///
/// One short lock per call, never held across an `await`; the state machines inside are plain
/// structs told the time by the injected clock, and the caller does any logging with the events
/// they return.
public final class ProviderState<C: Clock>: ProviderStateStore, Sendable where C.Duration == Duration {
    public typealias Instant = C.Instant

    struct RouteEntry: Sendable {
        var spec: RouteSpec
        var breaker: CircuitBreaker<Instant>
        var stats = RouteCounters<Instant>()
        /// The limit scopes the route is checked against: itself, its configured scope, its account.
        var scopes: [String]
    }

    struct LimitEntry: Sendable {
        var coolDown = CoolDown<Instant>()
        var learned = LearnedLimits<Instant>()
        var quota: Quota<Instant>?
        var dailyReset: RateLimitConfiguration.DailyReset = .utc
        var nextReset: Instant?
        /// After a rate-limit cool-down ends, one call goes first and the rest wait for its
        /// answer: waking every waiting request at the reset would spend the new window's
        /// calls at once and earn a burst of 429s. The answer's headers say how much is left.
        var probe: Probe = .none
        /// What the last refusal said of the request limit and how long it cooled for: when
        /// the cool-down ends, the route has about that many calls for about that long, even
        /// from an upstream that says nothing on its answers (OpenRouter).
        var refusal: (limit: Int, window: Duration)?
        /// The reset the previous refusal announced: two resets apart give the window's length.
        var lastRefusalReset: Instant?
        var learnedWindow: Duration?
        /// Calls in flight on the scope.
        var inFlight = 0
        /// Set once the scope was refused while its answers tell nothing of their budget: one
        /// call at a time then, so a refusal is never overtaken by calls already sent. Cleared
        /// by an answer whose headers describe the buckets (counted down exactly from then).
        var oneAtATime = false

        enum Probe: Sendable, Equatable {
            case none
            /// The cool-down just ended; the next call is the probe.
            case due
            /// The probe is in flight.
            case inFlight
        }
    }

    struct Table: Sendable {
        var routes: [String: RouteEntry] = [:]
        var limits: [String: LimitEntry] = [:]
    }

    /// How soon a request held back by a probe in flight looks again.
    static var probeRetry: Duration { .milliseconds(250) }

    public let clock: C
    let redactor: SecretRedactor
    /// Maps the monotonic clock to wall time, for daily resets and for `/health/providers`.
    let wallAnchor: (date: Date, instant: Instant)
    private let jitter: @Sendable () -> Double
    let table: Mutex<Table>

    /// - Parameters:
    ///   - routes: each route's spec.
    ///   - clock: the time source for every state machine; the router uses the same one.
    ///   - redactor: applied to every recorded error message.
    ///   - wallClockAtStart: the wall time at `clock.now`, for daily resets.
    ///   - jitter: 0..<1 per call, spreads backoffs apart.
    public init(
        routes: [RouteSpec],
        clock: C,
        redactor: SecretRedactor = .init(),
        wallClockAtStart: Date = Date(),
        jitter: @escaping @Sendable () -> Double = { Double.random(in: 0..<1) }
    ) {
        self.clock = clock
        self.redactor = redactor
        self.wallAnchor = (wallClockAtStart, clock.now)
        self.jitter = jitter
        self.table = Mutex(Self.build(routes, keeping: Table()))
    }

    /// Adopts a new route list: routes whose spec is unchanged keep their state, and limit
    /// scopes still in use keep their cool-downs and counts; new or changed ones start fresh.
    public func replaceRoutes(_ routes: [RouteSpec]) {
        table.withLock { $0 = Self.build(routes, keeping: $0) }
    }

    private static func build(_ specs: [RouteSpec], keeping old: Table) -> Table {
        var next = Table()
        for spec in specs {
            if let existing = old.routes[spec.name], existing.spec == spec {
                next.routes[spec.name] = existing
            } else {
                var scopes = ["route:\(spec.name)"]
                for scope in [spec.limitScope, spec.account] where !scopes.contains(scope) { scopes.append(scope) }
                next.routes[spec.name] = RouteEntry(spec: spec, breaker: CircuitBreaker(configuration: spec.breaker), scopes: scopes)
            }
            for scope in next.routes[spec.name]?.scopes ?? [] where next.limits[scope] == nil {
                next.limits[scope] = old.limits[scope] ?? LimitEntry()
            }
        }
        // Configured limits live at the route's configured scope; the first route naming a
        // scope sets them (a pool's routes should agree).
        for spec in specs {
            guard let limits = spec.limits, var entry = next.limits[spec.limitScope] else { continue }
            if entry.quota?.limits != limits {
                entry.quota = Quota(limits: limits)
                entry.dailyReset = limits.dailyReset
                entry.nextReset = nil
            }
            next.limits[spec.limitScope] = entry
        }
        return next
    }

    // MARK: Admission

    /// Asks whether `route` may be called now. When it may, the call is counted (breaker trial,
    /// learned buckets, quota, concurrency) and must be settled with ``settle(_:_:)``.
    public func admit(_ route: String) -> (RouteAdmission<Instant>, [RouteStateEvent<Instant>]) {
        let now = clock.now
        return table.withLock { table in
            guard let routeIndex = table.routes.index(forKey: route) else {
                return (.skipped(RouteSkip(cause: .disabled("unknown route"))), [])
            }
            var events: [RouteStateEvent<Instant>] = []
            let scopes = table.routes.values[routeIndex].scopes
            for scope in scopes {
                guard let index = table.limits.index(forKey: scope) else { continue }
                if let skip = check(&table.limits.values[index], scope: scope, now: now, events: &events) {
                    return (.skipped(skip), events)
                }
            }
            let (permit, transition) = table.routes.values[routeIndex].breaker.permit(now: now)
            if let transition { events.append(Self.event(transition, now: now)) }
            switch permit {
            case .reject(let until?):
                return (.skipped(RouteSkip(cause: .breakerOpen, resumeAt: until)), events)
            case .reject(until: nil):
                return (.skipped(RouteSkip(cause: .trialInFlight)), events)
            case .allow, .trial:
                break
            }
            table.routes.values[routeIndex].stats.requests += 1
            for scope in scopes {
                guard let index = table.limits.index(forKey: scope) else { continue }
                if table.limits.values[index].probe == .due { table.limits.values[index].probe = .inFlight }
                table.limits.values[index].inFlight += 1
                table.limits.values[index].learned.consume()
                if table.limits.values[index].quota != nil {
                    let reset = dailyReset(&table.limits.values[index], now: now)
                    table.limits.values[index].quota?.consume(now: now, dailyReset: reset)
                }
            }
            return (.admitted(trial: permit == .trial), events)
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
        if entry.oneAtATime, entry.inFlight > 0 {
            return RouteSkip(cause: .coolingDown("one at a time after a refusal"), resumeAt: now.advanced(by: Self.probeRetry))
        }
        if let until = entry.learned.blockedUntil(now: now) {
            return RouteSkip(cause: .coolingDown(CoolDown<Instant>.Reason.exhausted.label), resumeAt: until)
        }
        if entry.quota != nil {
            let reset = dailyReset(&entry, now: now)
            if let blocked = entry.quota?.blocked(now: now, dailyReset: reset) {
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
        let jitterDraw = jitter()
        return table.withLock { table in
            guard let routeIndex = table.routes.index(forKey: route) else { return [] }
            var events: [RouteStateEvent<Instant>] = []
            let spec = table.routes.values[routeIndex].spec
            let tokens: Int = if case .answered(_, _, let tokens) = outcome { tokens } else { 0 }
            for scope in table.routes.values[routeIndex].scopes {
                guard let index = table.limits.index(forKey: scope) else { continue }
                if table.limits.values[index].probe == .inFlight { table.limits.values[index].probe = .none }
                table.limits.values[index].inFlight = max(table.limits.values[index].inFlight - 1, 0)
                if case .answered(_, let report, _) = outcome, report.rateLimit?.windows.contains(where: { $0.remaining != nil }) == true {
                    table.limits.values[index].oneAtATime = false
                }
            }
            for scope in table.routes.values[routeIndex].scopes {
                guard let index = table.limits.index(forKey: scope), table.limits.values[index].quota != nil else { continue }
                let reset = dailyReset(&table.limits.values[index], now: now)
                table.limits.values[index].quota?.finish(tokens: tokens, now: now, dailyReset: reset)
            }
            switch outcome {
            case .answered(let latency, let report, let tokens):
                table.routes.values[routeIndex].stats.recordSuccess(latency: latency, now: now)
                if let transition = table.routes.values[routeIndex].breaker.recordSuccess(now: now) {
                    events.append(Self.event(transition, now: now))
                }
                let scope = report.rateLimit?.accountWide == true ? spec.account : spec.limitScope
                table.limits[scope]?.coolDown.recordSuccess()
                table.limits[scope]?.learned.consume(tokens: tokens)
                if let signal = report.rateLimit {
                    observe(signal, scope: scope, in: &table, now: now, events: &events)
                }
            case .failed(let failure, _):
                table.routes.values[routeIndex].stats.recordFailure(failure.kind, message: message, now: now)
                if failure.kind == .rateLimited {
                    // A 429 says the provider is up and busy: no breaker failure, and a
                    // half-open trial it ended proved nothing either way.
                    table.routes.values[routeIndex].breaker.releaseTrial()
                    table.routes.values[routeIndex].stats.coolDowns += 1
                    coolDown(after: failure, spec: spec, in: &table, now: now, jitter: jitterDraw, events: &events)
                } else if failure.kind.countsAgainstProvider {
                    if let transition = table.routes.values[routeIndex].breaker.recordFailure(now: now) {
                        events.append(Self.event(transition, now: now))
                    }
                } else {
                    table.routes.values[routeIndex].breaker.releaseTrial()
                }
            case .abandoned:
                table.routes.values[routeIndex].breaker.releaseTrial()
            }
            return events
        }
    }

    /// Cools the scope a rate-limit refusal names until the reset it announced.
    private func coolDown(after failure: UpstreamFailure, spec: RouteSpec, in table: inout Table, now: Instant, jitter: Double, events: inout [RouteStateEvent<Instant>]) {
        let signal = failure.rateLimit ?? RateLimitSignal(kind: .shortWindow, retryAfter: failure.retryAfter)
        let kind = signal.kind ?? .shortWindow
        // An upstream's congestion is about this route's model at its host, not the account.
        let scope = kind == .upstreamCongestion ? "route:\(spec.name)" : (signal.accountWide ? spec.account : spec.limitScope)
        guard table.limits[scope] != nil else { return }
        table.limits[scope]?.learned.observe(signal, now: now)
        let before = table.limits[scope]?.coolDown.until
        let wait = failure.retryAfter ?? signal.waitHint
        if let until = table.limits[scope]?.coolDown.rateLimited(kind, wait: wait, now: now, jitter: jitter), until != before {
            events.append(.coolDownStarted(scope: scope, until: until, reason: CoolDown<Instant>.Reason.rateLimited(kind).label))
            if kind == .shortWindow, let limit = signal.windows.first(where: { $0.unit == .requests && $0.limit != nil })?.limit, limit > 0 {
                // A fixed window resets every `window`: the gap between two announced resets.
                if let last = table.limits[scope]?.lastRefusalReset, last < until, last.duration(to: until) <= .seconds(86_400) {
                    table.limits[scope]?.learnedWindow = last.duration(to: until)
                }
                table.limits[scope]?.lastRefusalReset = until
                table.limits[scope]?.oneAtATime = true
                let window = max(table.limits[scope]?.learnedWindow ?? .zero, now.duration(to: until))
                table.limits[scope]?.refusal = (limit, window)
            }
        }
    }

    /// Adopts the buckets a successful answer described; an empty one cools the scope until
    /// its reset, so the next call is not spent learning that.
    private func observe(_ signal: RateLimitSignal, scope: String, in table: inout Table, now: Instant, events: inout [RouteStateEvent<Instant>]) {
        guard table.limits[scope] != nil else { return }
        table.limits[scope]?.learned.observe(signal, now: now)
        guard let until = table.limits[scope]?.learned.blockedUntil(now: now) else { return }
        let before = table.limits[scope]?.coolDown.until
        if let cooled = table.limits[scope]?.coolDown.hold(until: until, reason: .exhausted), cooled != before {
            events.append(.coolDownStarted(scope: scope, until: cooled, reason: CoolDown<Instant>.Reason.exhausted.label))
        }
    }

    // MARK: Views for routing policies

    /// The route's latency EWMA in milliseconds; `nil` before its first answer.
    public func latencyEWMA(_ route: String) -> Double? {
        table.withLock { $0.routes[route]?.stats.latency.ewmaMilliseconds }
    }

    /// Share of the route's tightest known request limit left (0...1); `nil` when none is known.
    public func headroom(_ route: String) -> Double? {
        let now = clock.now
        return table.withLock { table in
            guard let scopes = table.routes[route]?.scopes else { return nil }
            var shares: [Double] = []
            for scope in scopes {
                guard let index = table.limits.index(forKey: scope) else { continue }
                if let share = table.limits.values[index].learned.requestHeadroom { shares.append(share) }
                if table.limits.values[index].quota != nil {
                    let reset = dailyReset(&table.limits.values[index], now: now)
                    if let share = table.limits.values[index].quota?.headroom(now: now, dailyReset: reset) { shares.append(share) }
                }
            }
            return shares.min()
        }
    }

    // MARK: Time

    /// The wall time of `instant`.
    func wallTime(_ instant: Instant) -> Date {
        wallAnchor.date.addingTimeInterval(wallAnchor.instant.duration(to: instant).seconds)
    }

    /// The next daily reset of `entry` after `now`, cached until it passes.
    private func dailyReset(_ entry: inout LimitEntry, now: Instant) -> Instant {
        if let next = entry.nextReset, now < next { return next }
        let wallNow = wallTime(now)
        let wallNext = DailyResetClock.next(after: wallNow, reset: entry.dailyReset)
        let next = now.advanced(by: .milliseconds(Int64((wallNext.timeIntervalSince(wallNow) * 1000).rounded(.up))))
        entry.nextReset = next
        return next
    }

    private static func event(_ transition: CircuitBreaker<Instant>.Transition, now: Instant) -> RouteStateEvent<Instant> {
        switch transition {
        case .opened(let until): .breakerOpened(retryIn: now.duration(to: until))
        case .halfOpened: .breakerHalfOpened
        case .closed: .breakerClosed
        }
    }
}
