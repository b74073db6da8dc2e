/// What one access key has spent against its limits: a request bucket for requests per minute
/// and a token count over a rolling day. A plain value on the caller's clock; ``KeyQuota`` owns
/// one per key.
///
/// Requests per minute is a bucket holding `rpm` requests, refilled at `rpm` per minute, so a key
/// may burst its whole minute at once and then runs at its rate. It is kept as the generic cell
/// rate algorithm: one instant, the time the bucket would be full again, in exact `Duration`s. The day starts at the
/// first request a key makes and lasts 24 hours; tokens are charged after the request, so the
/// request that crosses the limit completes and the next one is refused.
///
/// | rpm | bucket empty, next request allowed after |
/// | --- | --- |
/// | 60  | 1 s |
/// | 10  | 6 s |
/// | 1   | 60 s |
public struct KeyAllowance<Instant: InstantProtocol>: Sendable where Instant.Duration == Duration {
    /// Why a request was refused.
    public enum Limit: String, Sendable, Equatable {
        case requestsPerMinute = "rpm"
        case tokensPerDay = "tokens_per_day"
    }

    public enum Decision: Sendable, Equatable {
        case allow
        /// Refused by `limit`; the next request may succeed after `retryAfter`.
        case reject(limit: Limit, retryAfter: Duration)
    }

    public static var day: Duration { .seconds(86_400) }

    /// When the request bucket is full again (GCRA's theoretical arrival time).
    private var bucketFullAt: Instant?
    private var dayStart: Instant?
    public private(set) var tokensToday = 0

    public init() {}

    /// A request arrives: allowed (and counted) or refused.
    /// - Parameters:
    ///   - othersRequests: requests of this key other instances made in the last minute; each
    ///     takes a place in the bucket as if made here.
    ///   - othersTokens: tokens other instances charged to this key today.
    public mutating func requestArrived(limits: AccessKey.Limits, now: Instant, othersRequests: Int = 0, othersTokens: Int = 0) -> Decision {
        rollDay(now: now)
        if let tokensPerDay = limits.tokensPerDay, tokensToday + othersTokens >= tokensPerDay {
            let resumes = dayStart.map { now.duration(to: $0.advanced(by: Self.day)) } ?? .seconds(3600)
            return .reject(limit: .tokensPerDay, retryAfter: resumes)
        }
        if let rpm = limits.requestsPerMinute, rpm > 0 {
            let interval = Duration.seconds(60) / rpm
            let tolerance = Duration.seconds(60) - interval
            let fullAt = max(bucketFullAt ?? now, now)
            let backlog = now.duration(to: fullAt) + interval * othersRequests
            guard backlog <= tolerance else {
                return .reject(limit: .requestsPerMinute, retryAfter: backlog - tolerance)
            }
            bucketFullAt = fullAt.advanced(by: interval)
        }
        if dayStart == nil { dayStart = now }
        return .allow
    }

    /// A request of this key finished having used `tokens`.
    public mutating func tokensUsed(_ tokens: Int, now: Instant) {
        rollDay(now: now)
        if dayStart == nil { dayStart = now }
        tokensToday += max(0, tokens)
    }

    private mutating func rollDay(now: Instant) {
        if let start = dayStart, start.duration(to: now) >= Self.day {
            dayStart = nil
            tokensToday = 0
        }
    }
}
