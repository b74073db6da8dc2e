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

/// Timestamped outcomes within a sliding window, oldest first.
struct OutcomeWindow<Instant: InstantProtocol>: Sendable where Instant.Duration == Duration {
    private var outcomes: [(at: Instant, failed: Bool)] = []
    private var head = 0
    let length: Duration

    init(length: Duration) { self.length = length }

    mutating func append(_ at: Instant, failed: Bool) {
        prune(now: at)
        outcomes.append((at, failed))
    }

    mutating func removeAll() {
        outcomes.removeAll(keepingCapacity: true)
        head = 0
    }

    func counts(now: Instant) -> (total: Int, failures: Int) {
        let cutoff = now.advanced(by: .zero - length)
        var total = 0
        var failures = 0
        for outcome in outcomes[head...] where outcome.at > cutoff {
            total += 1
            if outcome.failed { failures += 1 }
        }
        return (total, failures)
    }

    private mutating func prune(now: Instant) {
        let cutoff = now.advanced(by: .zero - length)
        while head < outcomes.count, outcomes[head].at <= cutoff { head += 1 }
        // Compact now and then rather than on every call: removing from the front is O(n).
        if head > 64, head * 2 > outcomes.count {
            outcomes.removeFirst(head)
            head = 0
        }
    }
}
