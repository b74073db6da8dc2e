/// How rate limits cool a scope: a refusal until its announced reset, an empty bucket until it
/// refills.
extension ProviderState {
    /// Cools the scope a rate-limit refusal names until the reset it announced.
    func coolDown(
        after failure: UpstreamFailure,
        signal: RateLimitSignal,
        in entry: inout LimitEntry,
        scope: String,
        now: Instant,
        jitter: Double,
        events: inout [RouteStateEvent<Instant>]
    ) {
        let kind = signal.kind ?? .shortWindow
        entry.learned.observe(signal, now: now)
        let before = entry.coolDown.until
        let until = entry.coolDown.rateLimited(kind, wait: failure.retryAfter ?? signal.waitHint, now: now, jitter: jitter)
        guard until != before else { return }
        events.append(.coolDownStarted(scope: scope, until: until, reason: CoolDown<Instant>.Reason.rateLimited(kind).label))
        guard kind == .shortWindow, let limit = signal.windows.first(where: { $0.unit == .requests && $0.limit != nil })?.limit, limit > 0 else { return }
        // A fixed window resets every `window`: the gap between two announced resets.
        if let last = entry.lastRefusalReset, last < until, last.duration(to: until) <= .seconds(86_400) {
            entry.learnedWindow = last.duration(to: until)
        }
        entry.lastRefusalReset = until
        entry.oneAtATime = true
        entry.refusal = (limit, max(entry.learnedWindow ?? .zero, now.duration(to: until)))
    }

    /// Adopts the buckets a successful answer described; an empty one cools the scope until
    /// its reset, so the next call is not spent learning that.
    func observe(_ signal: RateLimitSignal, in entry: inout LimitEntry, scope: String, now: Instant, events: inout [RouteStateEvent<Instant>]) {
        entry.learned.observe(signal, now: now)
        guard let until = entry.learned.exhaustedUntil(now: now) else { return }
        let before = entry.coolDown.until
        let cooled = entry.coolDown.hold(until: until, reason: .exhausted)
        if cooled != before {
            events.append(.coolDownStarted(scope: scope, until: cooled, reason: CoolDown<Instant>.Reason.exhausted.label))
        }
    }
}
