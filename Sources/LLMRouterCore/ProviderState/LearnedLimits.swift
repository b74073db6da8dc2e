/// What the upstream's own headers said about its buckets, counted down locally between answers.
///
/// An answer with `x-ratelimit-remaining-requests: 3` means three more calls fit until the
/// reset; the router counts its own calls (in flight included) against that, so the fourth is
/// skipped without spending a call to learn the bucket is empty.
///
/// Among several instances (``peers``) each spends only its share of a bucket: the share of
/// what was left when it first heard of the window, and never more than what is left later in
/// the same window. At its reset a request bucket of known size refills for the next window,
/// split the same way, instead of being forgotten: every instance calling at once at the reset
/// is what provoked a burst of refusals.
public struct LearnedLimits<Instant: InstantProtocol>: Sendable where Instant.Duration == Duration {
    /// One bucket: how many calls (or tokens) fit until it refills, and its size when named.
    public struct Bucket: Sendable, Equatable {
        /// Left for every instance, as last told, less this instance's calls since.
        public var remaining: Int
        public var resetAt: Instant
        public var limit: Int?
        /// What this instance may still spend of it: all of `remaining` when alone.
        public var allowance: Int
        public var origin: Origin

        public init(remaining: Int, resetAt: Instant, limit: Int?, allowance: Int? = nil, origin: Origin = .told) {
            self.remaining = remaining
            self.resetAt = resetAt
            self.limit = limit
            self.allowance = allowance ?? remaining
            self.origin = origin
        }
    }

    /// Where a bucket's figures come from.
    public enum Origin: Sendable, Equatable {
        /// An answer's (or a refusal's) headers, here or on another instance.
        case told
        /// The refill at a reset, or the limit a refusal named, for a window of known length:
        /// the next news of it brings its real reset and can only lower the allowance.
        case refilled
        /// A refill among peers before the window's length was measured: it may not have
        /// begun yet, so only the first instance calls, one call at a time, until news comes.
        case guessed
    }

    public internal(set) var requests: Bucket?
    public internal(set) var tokens: Bucket?
    /// The instances sharing these buckets; buckets learned from then on are split among them.
    public var peers = InstancePeers.alone
    /// The request bucket's window, from two resets in a row: where a refill ends.
    public internal(set) var requestWindow: Duration?
    var lastRequestReset: Instant?
    /// When this instance first heard of the request bucket's window: before a window is
    /// measured, it lasted at least from then to its reset.
    var requestWindowHeard: Instant?

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
        if let newRequests { adopt(.requests, newRequests, now: now) }
        if let newTokens { adopt(.tokens, newTokens, now: now) }
    }

    /// Expects `requests` calls to fit until `until` when nothing better is known (a refusal
    /// named the limit; the answers that follow may not say anything).
    public mutating func expect(requests limit: Int, until: Instant, now: Instant) {
        if let current = requests, now < current.resetAt { return }
        // Among peers every instance refills the refused bucket alike (``refill(_:now:)``).
        if peers.count > 1, requests?.limit != nil { return }
        adopt(.requests, Bucket(remaining: limit, resetAt: until, limit: limit, origin: .refilled), now: now)
    }

    /// Whether calls go one at a time: the bucket is a guess, and the first answer or refusal
    /// says whether its window began.
    public var oneAtATime: Bool { requests?.origin == .guessed }

    /// Until when the buckets say no call of this instance fits; `nil` when one may go now.
    public mutating func blockedUntil(now: Instant) -> Instant? {
        if let bucket = requests, now >= bucket.resetAt { requests = refill(bucket, now: now) }
        if let bucket = tokens, now >= bucket.resetAt { tokens = nil }
        // Called on every admission: no array of the two buckets is built.
        var until: Instant?
        if let bucket = requests, bucket.allowance <= 0 { until = bucket.resetAt }
        if let bucket = tokens, bucket.allowance <= 0 { until = max(until ?? bucket.resetAt, bucket.resetAt) }
        return until
    }

    /// Whether what ``blockedUntil(now:)`` found is only this instance's share spent, with calls
    /// left in the bucket for the other instances.
    public var blockedByShareOnly: Bool {
        func empty(_ bucket: Bucket?) -> Bool { bucket.map { $0.allowance <= 0 && $0.remaining <= 0 } ?? false }
        return !empty(requests) && !empty(tokens)
    }

    /// Until when a bucket has nothing left for any instance: the answer that said so cools the
    /// scope, and other instances honour that cool-down too.
    public func exhaustedUntil(now: Instant) -> Instant? {
        var until: Instant?
        if let bucket = requests, now < bucket.resetAt, bucket.remaining <= 0 { until = bucket.resetAt }
        if let bucket = tokens, now < bucket.resetAt, bucket.remaining <= 0 { until = max(until ?? bucket.resetAt, bucket.resetAt) }
        return until
    }

    /// Resets this close together describe one window: the instances' clocks and the
    /// database's microseconds put a few milliseconds between them.
    static var sameWindow: Duration { .seconds(1) }

    /// The shortest window a refill is assumed to last before two resets in a row measured it.
    static var assumedWindow: Duration { .seconds(1) }

    static func oneWindow(_ first: Instant, _ second: Instant) -> Bool {
        (first < second ? first.duration(to: second) : second.duration(to: first)) <= sameWindow
    }

    /// Adopts a bucket another instance learned, when it says less fits: the lower remaining
    /// wins, and within one window the later of the two resets. One past its reset says nothing
    /// and is ignored; so is one with as much left as known here (this instance's own calls
    /// since count too), unless what is known here was only expected. Returns whether anything
    /// changed.
    @discardableResult
    public mutating func merge(_ unit: RateLimitSignal.Window.Unit, _ remote: Bucket, now: Instant) -> Bool {
        guard now < remote.resetAt else { return false }
        let known = unit == .requests ? requests : tokens
        var merged = remote
        merged.origin = .told
        if let known, now < known.resetAt {
            let oneWindow = Self.oneWindow(known.resetAt, remote.resetAt)
            let sameLaterReset = oneWindow && remote.remaining == known.remaining && remote.resetAt > known.resetAt
            guard known.origin != .told || remote.remaining < known.remaining || sameLaterReset else { return false }
            if oneWindow { merged.resetAt = max(known.resetAt, remote.resetAt) }
            merged.limit = remote.limit ?? known.limit
        }
        merged.remaining = max(merged.remaining, 0)
        adopt(unit, merged, now: now)
        return true
    }

    /// Counts one call against the request bucket.
    public mutating func consume() {
        guard requests != nil else { return }
        requests?.remaining -= 1
        requests?.allowance -= 1
    }

    /// Counts tokens an answer used against the token bucket.
    public mutating func consume(tokens used: Int) {
        guard tokens != nil else { return }
        tokens?.remaining -= used
        tokens?.allowance -= used
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
