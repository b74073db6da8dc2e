/// A route (or pool) that said "wait": a plain state machine told the time, never sleeping.
///
/// A cool-down is not a breaker: it comes from a rate limit, which says the provider is alive
/// and busy, and it ends when the provider said its limit resets. While it lasts the route is
/// skipped without a call.
public struct CoolDown<Instant: InstantProtocol>: Sendable where Instant.Duration == Duration {
    /// Why a route is cooling, shown in `/health/providers` and logs.
    public enum Reason: Sendable, Equatable {
        /// A 429 of this kind.
        case rateLimited(RateLimitKind)
        /// A successful answer said a bucket had nothing left: cooled without spending a call.
        case exhausted
        /// A configured limit (rpm, rpd, tpm, tpd) is used up.
        case quota(String)

        public var label: String {
            switch self {
            case .rateLimited(let kind): "rate_limited:\(kind.rawValue)"
            case .exhausted: "remaining_zero"
            case .quota(let limit): "quota:\(limit)"
            }
        }
    }

    public private(set) var until: Instant?
    public private(set) var reason: Reason?
    /// 429s in a row that named no reset; drives the backoff.
    public private(set) var unannouncedStrikes = 0

    public init() {}

    /// Whether the route must be skipped at `now`.
    public func isCooling(at now: Instant) -> Bool {
        guard let until else { return false }
        return now < until
    }

    /// Starts (or extends) a cool-down after a 429 or 402.
    /// - Parameters:
    ///   - kind: which limit the upstream said was hit.
    ///   - wait: how long it asked us to wait; `nil` when it did not say.
    ///   - jitter: 0..<1, spreads backoffs of many routers apart.
    /// - Returns: when the route may be called again.
    public mutating func rateLimited(_ kind: RateLimitKind, wait: Duration?, now: Instant, jitter: Double) -> Instant {
        let delay: Duration
        if let wait {
            unannouncedStrikes = 0
            delay = Self.bounded(wait, for: kind)
        } else {
            unannouncedStrikes += 1
            delay = Self.fallback(kind, strikes: unannouncedStrikes, jitter: jitter)
        }
        return extend(to: now.advanced(by: delay), reason: .rateLimited(kind))
    }

    /// Cools until `instant` because a bucket is empty or a quota is used up.
    @discardableResult
    public mutating func hold(until instant: Instant, reason: Reason) -> Instant {
        extend(to: instant, reason: reason)
    }

    /// Forgets an expired cool-down; returns whether one just ended (to log it once).
    public mutating func expire(at now: Instant) -> Bool {
        guard let until, now >= until else { return false }
        self.until = nil
        reason = nil
        return true
    }

    /// A successful call proves the limit has room again.
    public mutating func recordSuccess() {
        unannouncedStrikes = 0
    }

    private mutating func extend(to instant: Instant, reason: Reason) -> Instant {
        if let until, until >= instant { return until }
        until = instant
        self.reason = reason
        return instant
    }

    /// The delay used when a 429 names no reset.
    ///
    /// | kind                 | strikes 1, 2, 3, 4, 5 …                   | cap    |
    /// |----------------------|-------------------------------------------|--------|
    /// | `shortWindow`        | 1 s, 2 s, 4 s, 8 s, 16 s (× 1.0–1.25)     | 60 s   |
    /// | `upstreamCongestion` | 1 s, 2 s, 4 s (× 1.0–1.25)                | 5 s    |
    /// | `daily`              | 1 h                                       | —      |
    /// | `credits`            | 1 h                                       | —      |
    public static func fallback(_ kind: RateLimitKind, strikes: Int, jitter: Double) -> Duration {
        switch kind {
        case .daily, .credits:
            return .seconds(3600)
        case .shortWindow, .upstreamCongestion:
            let cap: Double = kind == .shortWindow ? 60 : 5
            let base = min(pow2(max(strikes, 1) - 1), cap)
            return .milliseconds(Int64(min(base * (1 + 0.25 * min(max(jitter, 0), 1)), cap) * 1000))
        }
    }

    /// Keeps an announced wait sane: an upstream's own congestion never parks a route for
    /// long (another of its providers may answer in a second); nothing waits more than a day.
    static func bounded(_ wait: Duration, for kind: RateLimitKind) -> Duration {
        let ceiling: Duration = kind == .upstreamCongestion ? .seconds(5) : .seconds(86_400)
        return min(max(wait, .zero), ceiling)
    }

    private static func pow2(_ exponent: Int) -> Double {
        Double(1 << min(exponent, 16))
    }
}
