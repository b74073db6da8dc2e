/// A per-provider circuit breaker: a plain state machine that is told the time and never sleeps.
///
/// ```
/// closed ──(N consecutive failures, or failure rate ≥ R over ≥ M calls in the window)──▶ open
/// open ──(recovery time passed, next permit)──▶ half-open, exactly one trial admitted
/// half-open ──trial succeeds──▶ closed (window cleared)   half-open ──trial fails──▶ open
/// ```
/// The owner (``ProviderHealth``) holds it behind a lock and supplies `now` from its clock, so
/// tests drive it with a mock clock.
public struct CircuitBreaker<Instant: InstantProtocol>: Sendable where Instant.Duration == Duration {
    public enum State: Sendable, Equatable {
        case closed
        case open(until: Instant)
        case halfOpen(trialInFlight: Bool)
    }

    /// The answer to "may I call this provider now?".
    public enum Permit: Sendable, Equatable {
        /// Closed: call it.
        case allow
        /// Half-open: call it as the one trial; report the outcome or release the trial.
        case trial
        /// Open until the given time, or half-open with a trial already running (`nil`).
        case reject(until: Instant?)
    }

    /// A change of state worth logging and counting.
    public enum Transition: Sendable, Equatable {
        case opened(until: Instant)
        case halfOpened
        case closed
    }

    public let configuration: BreakerConfiguration
    public private(set) var state: State = .closed
    public private(set) var consecutiveFailures = 0
    private var window: OutcomeWindow<Instant>

    public init(configuration: BreakerConfiguration) {
        self.configuration = configuration
        self.window = OutcomeWindow(length: configuration.window)
    }

    /// Asks to call the provider at `now`; moving open → half-open happens here.
    public mutating func permit(now: Instant) -> (Permit, Transition?) {
        switch state {
        case .closed:
            return (.allow, nil)
        case .open(let until) where now >= until:
            state = .halfOpen(trialInFlight: true)
            return (.trial, .halfOpened)
        case .open(let until):
            return (.reject(until: until), nil)
        case .halfOpen(trialInFlight: true):
            return (.reject(until: nil), nil)
        case .halfOpen(trialInFlight: false):
            state = .halfOpen(trialInFlight: true)
            return (.trial, nil)
        }
    }

    /// Records a successful call.
    public mutating func recordSuccess(now: Instant) -> Transition? {
        consecutiveFailures = 0
        if case .halfOpen = state {
            state = .closed
            // Failures from before the outage must not re-open a provider that just recovered.
            window.removeAll()
            window.append(now, failed: false)
            return .closed
        }
        window.append(now, failed: false)
        return nil
    }

    /// Records a failed call; may open the breaker.
    public mutating func recordFailure(now: Instant) -> Transition? {
        consecutiveFailures += 1
        window.append(now, failed: true)
        switch state {
        case .halfOpen:
            return open(now: now)
        case .open:
            // A call admitted before the breaker opened finished late; it changes nothing.
            return nil
        case .closed:
            if consecutiveFailures >= configuration.failureThreshold { return open(now: now) }
            let counts = window.counts(now: now)
            if counts.total >= configuration.minimumRequests,
                Double(counts.failures) / Double(counts.total) >= configuration.failureRateThreshold
            {
                return open(now: now)
            }
            return nil
        }
    }

    /// Gives back a trial that ended without an outcome (the client went away), so the next
    /// request can take it instead of the breaker staying half-open forever.
    public mutating func releaseTrial() {
        if case .halfOpen(trialInFlight: true) = state { state = .halfOpen(trialInFlight: false) }
    }

    /// Calls and failures in the sliding window at `now`.
    public func windowCounts(now: Instant) -> (total: Int, failures: Int) {
        window.counts(now: now)
    }

    private mutating func open(now: Instant) -> Transition {
        let until = now.advanced(by: configuration.recoveryTime)
        state = .open(until: until)
        return .opened(until: until)
    }
}

/// Call and failure counts over a sliding time window, kept in a fixed ring of buckets.
///
/// Memory and time per call are constant however busy the provider is: the window is split
/// into ``bucketCount`` buckets and a count covers the buckets that overlap it, so it may
/// include calls up to one bucket (window / 20) older than the window.
struct OutcomeWindow<Instant: InstantProtocol>: Sendable where Instant.Duration == Duration {
    static var bucketCount: Int { 20 }

    private struct Bucket: Sendable {
        /// Which bucket of the timeline this slot holds; older slots are stale.
        var index: Int64 = .min
        var total = 0
        var failures = 0
    }

    let length: Duration
    private let bucketWidth: Duration
    private var buckets = [Bucket](repeating: Bucket(), count: OutcomeWindow.bucketCount)
    /// The instant bucket indices count from: the first call seen.
    private var origin: Instant?

    init(length: Duration) {
        self.length = length
        self.bucketWidth = max(length / Self.bucketCount, .nanoseconds(1))
    }

    mutating func append(_ at: Instant, failed: Bool) {
        if origin == nil { origin = at }
        let index = bucketIndex(at)
        let count = Int64(Self.bucketCount)
        let slot = Int(((index % count) + count) % count)
        if buckets[slot].index != index { buckets[slot] = Bucket(index: index) }
        buckets[slot].total += 1
        if failed { buckets[slot].failures += 1 }
    }

    mutating func removeAll() {
        for slot in buckets.indices { buckets[slot] = Bucket() }
    }

    func counts(now: Instant) -> (total: Int, failures: Int) {
        guard origin != nil else { return (0, 0) }
        let newest = bucketIndex(now)
        let oldest = newest - Int64(Self.bucketCount) + 1
        var total = 0
        var failures = 0
        for bucket in buckets where bucket.index >= oldest && bucket.index <= newest {
            total += bucket.total
            failures += bucket.failures
        }
        return (total, failures)
    }

    private func bucketIndex(_ instant: Instant) -> Int64 {
        guard let origin else { return 0 }
        return Int64((origin.duration(to: instant) / bucketWidth).rounded(.down))
    }
}
