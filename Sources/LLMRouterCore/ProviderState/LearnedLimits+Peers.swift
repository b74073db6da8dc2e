/// How a bucket is split among instances (``LearnedLimits/peers``) and refilled at its reset.
extension LearnedLimits {
    /// Installs `incoming` as the `unit` bucket. Alone, this instance may spend all of it. Among
    /// peers, news of a new window (or the first news after a guess) gives this instance its
    /// share of what is left; news of the window already held, or refilled, never raises what it
    /// may still spend, since the others spend their shares meanwhile.
    mutating func adopt(_ unit: RateLimitSignal.Window.Unit, _ incoming: Bucket, now: Instant) {
        var bucket = incoming
        let held = unit == .requests ? requests : tokens
        if peers.count == 1 {
            bucket.allowance = bucket.remaining
        } else if let held, now < held.resetAt, held.origin == .refilled || (held.origin == .told && Self.oneWindow(held.resetAt, bucket.resetAt)) {
            bucket.allowance = min(held.allowance, bucket.remaining)
        } else {
            bucket.allowance = peers.share(of: bucket.remaining)
        }
        switch unit {
        case .requests:
            if bucket.origin == .told {
                if held.map({ !Self.oneWindow($0.resetAt, bucket.resetAt) }) ?? true { requestWindowHeard = now }
                measureWindow(nextReset: bucket.resetAt, now: now)
            }
            requests = bucket
        case .tokens:
            tokens = bucket
        }
    }

    /// A reset announced after the previous one passed is one window later (at most a day, as
    /// free tiers count by the minute, hour or day).
    private mutating func measureWindow(nextReset: Instant, now: Instant) {
        defer { lastRequestReset = nextReset }
        guard let last = lastRequestReset, last <= now, last < nextReset, !Self.oneWindow(last, nextReset) else { return }
        let gap = last.duration(to: nextReset)
        if gap <= .seconds(86_400) { requestWindow = gap }
    }

    /// The request bucket after its reset: among peers, one of known size refills for the
    /// window that follows, split; otherwise it is forgotten. Until two resets measured the
    /// window, the refill is a guess: it lasts as long as this instance knew the last window
    /// (a second at least), and only the first instance calls, one call at a time, as one
    /// instance alone would, until an answer or a refusal tells where the window stands.
    func refill(_ bucket: Bucket, now: Instant) -> Bucket? {
        guard peers.count > 1, let limit = bucket.limit, limit > 0 else { return nil }
        let known = requestWindowHeard.map { $0 < bucket.resetAt ? $0.duration(to: bucket.resetAt) : .zero } ?? .zero
        let window = requestWindow ?? max(known, Self.assumedWindow)
        let behind = bucket.resetAt.duration(to: now)
        // Idle for longer than a day: the windows are not worth counting out.
        guard behind < .seconds(86_400) else { return nil }
        let reset = bucket.resetAt.advanced(by: window * (Int((behind / window).rounded(.down)) + 1))
        guard requestWindow != nil else {
            return Bucket(remaining: limit, resetAt: reset, limit: limit, allowance: peers.rank == 0 ? limit : 0, origin: .guessed)
        }
        return Bucket(remaining: limit, resetAt: reset, limit: limit, allowance: peers.share(of: limit), origin: .refilled)
    }
}
