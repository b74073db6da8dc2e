/// What the upstream's own headers said about its buckets, counted down locally between answers.
///
/// An answer with `x-ratelimit-remaining-requests: 3` means three more calls fit until the
/// reset; the router counts its own calls (in flight included) against that, so the fourth is
/// skipped without spending a call to learn the bucket is empty.
public struct LearnedLimits<Instant: InstantProtocol>: Sendable where Instant.Duration == Duration {
    /// One bucket: how many calls (or tokens) fit until it refills, and its size when named.
    public struct Bucket: Sendable, Equatable {
        public var remaining: Int
        public var resetAt: Instant
        public var limit: Int?

        public init(remaining: Int, resetAt: Instant, limit: Int?) {
            self.remaining = remaining
            self.resetAt = resetAt
            self.limit = limit
        }
    }

    public private(set) var requests: Bucket?
    public private(set) var tokens: Bucket?

    public init() {}

    /// Adopts what an answer's headers said. Per unit, the bucket that runs out first wins
    /// (fewest remaining), since that is the one that will refuse the next call.
    public mutating func observe(_ signal: RateLimitSignal, now: Instant) {
        var newRequests: Bucket?
        var newTokens: Bucket?
        for window in signal.windows {
            guard let remaining = window.remaining, let reset = window.resetIn else { continue }
            let bucket = Bucket(remaining: max(remaining, 0), resetAt: now.advanced(by: max(reset, .zero)), limit: window.limit)
            switch window.unit {
            case .requests:
                if newRequests.map({ bucket.remaining < $0.remaining }) ?? true { newRequests = bucket }
            case .tokens:
                if newTokens.map({ bucket.remaining < $0.remaining }) ?? true { newTokens = bucket }
            }
        }
        if let newRequests { requests = newRequests }
        if let newTokens { tokens = newTokens }
    }

    /// Expects `requests` calls to fit until `until` when nothing better is known (a refusal
    /// named the limit; the answers that follow may not say anything).
    public mutating func expect(requests limit: Int, until: Instant, now: Instant) {
        if let current = requests, now < current.resetAt { return }
        requests = Bucket(remaining: limit, resetAt: until, limit: limit)
    }

    /// Until when the buckets say no call fits; `nil` when one may go now.
    public mutating func blockedUntil(now: Instant) -> Instant? {
        if let bucket = requests, now >= bucket.resetAt { requests = nil }
        if let bucket = tokens, now >= bucket.resetAt { tokens = nil }
        // Called on every admission: no array of the two buckets is built.
        var until: Instant?
        if let bucket = requests, bucket.remaining <= 0 { until = bucket.resetAt }
        if let bucket = tokens, bucket.remaining <= 0 { until = max(until ?? bucket.resetAt, bucket.resetAt) }
        return until
    }

    /// Resets this close together describe one window: the instances' clocks and the
    /// database's microseconds put a few milliseconds between them.
    static var sameWindow: Duration { .seconds(1) }

    /// Adopts a bucket another instance learned, when it says less fits: the lower remaining
    /// wins, and within one window the later of the two resets. One past its reset says nothing
    /// and is ignored; so is one with as much left as known here (this instance's own calls
    /// since count too). Returns whether anything changed.
    @discardableResult
    public mutating func merge(_ unit: RateLimitSignal.Window.Unit, _ remote: Bucket, now: Instant) -> Bool {
        guard now < remote.resetAt else { return false }
        let known = unit == .requests ? requests : tokens
        var merged = remote
        if let known, now < known.resetAt {
            let apart = known.resetAt < remote.resetAt ? known.resetAt.duration(to: remote.resetAt) : remote.resetAt.duration(to: known.resetAt)
            let oneWindow = apart <= Self.sameWindow
            guard remote.remaining < known.remaining || (oneWindow && remote.remaining == known.remaining && remote.resetAt > known.resetAt) else {
                return false
            }
            if oneWindow { merged.resetAt = max(known.resetAt, remote.resetAt) }
            merged.limit = remote.limit ?? known.limit
        }
        merged.remaining = max(merged.remaining, 0)
        switch unit {
        case .requests: requests = merged
        case .tokens: tokens = merged
        }
        return true
    }

    /// Counts one call against the request bucket.
    public mutating func consume() {
        if requests != nil { requests?.remaining -= 1 }
    }

    /// Counts tokens an answer used against the token bucket.
    public mutating func consume(tokens used: Int) {
        if tokens != nil { tokens?.remaining -= used }
    }

    /// Share of the request bucket left (0...1), when its size is known; for `headroom`.
    public var requestHeadroom: Double? {
        guard let bucket = requests, let limit = bucket.limit, limit > 0 else { return nil }
        return min(max(Double(bucket.remaining) / Double(limit), 0), 1)
    }

    /// The buckets still in force at `now`, for display: one past its reset says nothing any
    /// more (admission forgets it on the next call, a snapshot may come first).
    func inForce(now: Instant) -> (requests: Bucket?, tokens: Bucket?) {
        (requests.flatMap { now < $0.resetAt ? $0 : nil }, tokens.flatMap { now < $0.resetAt ? $0 : nil })
    }
}
