#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import Synchronization

/// Every provider's circuit breaker and statistics, shared by all requests.
///
/// One short lock per call: the hot path takes it once to ask for a permit and once to record
/// the outcome, and never across an `await`. The clock is injected so breaker behaviour is
/// tested by moving a mock clock instead of sleeping.
public final class ProviderHealth<C: Clock>: Sendable where C.Duration == Duration {
    /// What the router may do with a provider right now.
    public enum Admission: Sendable, Equatable {
        case allow
        /// The single half-open trial: the outcome must be recorded or the trial released.
        case trial
        /// Skip it; `retryIn` is how long until the breaker admits a trial, if known.
        case reject(reason: String, retryIn: Duration?)
    }

    /// A breaker state change, reported so the caller can log it.
    public enum BreakerEvent: Sendable, Equatable {
        case opened(retryIn: Duration)
        case halfOpened
        case closed
    }

    struct Entry: Sendable {
        var breaker: CircuitBreaker<C.Instant>
        var stats = Counters()
    }

    struct Counters: Sendable {
        var requests = 0
        var successes = 0
        var failuresByKind: [FailureKind: Int] = [:]
        var latency = LatencyStats()
        var lastError: String?
        var lastSuccessAt: C.Instant?
        var lastFailureAt: C.Instant?
    }

    public let clock: C
    private let redactor: SecretRedactor
    private let entries: Mutex<[String: Entry]>

    /// - Parameters:
    ///   - providers: each provider's name and breaker settings.
    ///   - clock: the time source for breakers and timestamps.
    ///   - redactor: applied to every recorded error message.
    public init(providers: [(name: String, breaker: BreakerConfiguration)], clock: C, redactor: SecretRedactor = .init()) {
        self.clock = clock
        self.redactor = redactor
        var table: [String: Entry] = [:]
        for provider in providers {
            table[provider.name] = Entry(breaker: CircuitBreaker(configuration: provider.breaker))
        }
        self.entries = Mutex(table)
    }

    /// Adopts a new provider list: providers whose name and breaker settings are unchanged keep
    /// their state and statistics; new or changed ones start fresh; removed ones are dropped.
    public func replaceProviders(_ providers: [(name: String, breaker: BreakerConfiguration)]) {
        entries.withLock { table in
            var next: [String: Entry] = [:]
            for provider in providers {
                if let existing = table[provider.name], existing.breaker.configuration == provider.breaker {
                    next[provider.name] = existing
                } else {
                    next[provider.name] = Entry(breaker: CircuitBreaker(configuration: provider.breaker))
                }
            }
            table = next
        }
    }

    /// Asks whether `provider` may be called now; counts the request when it may.
    public func admit(_ provider: String) -> (Admission, BreakerEvent?) {
        let now = clock.now
        return withEntry(provider, otherwise: (.reject(reason: "unknown provider", retryIn: nil), nil)) { entry in
            let (permit, transition) = entry.breaker.permit(now: now)
            let admission: Admission
            switch permit {
            case .allow:
                admission = .allow
                entry.stats.requests += 1
            case .trial:
                admission = .trial
                entry.stats.requests += 1
            case .reject(let until?):
                admission = .reject(reason: "circuit open", retryIn: now.duration(to: until))
            case .reject(until: nil):
                admission = .reject(reason: "circuit half-open, trial in progress", retryIn: nil)
            }
            return (admission, transition.map { Self.event($0, now: now) })
        }
    }

    @discardableResult
    public func recordSuccess(_ provider: String, latency: Duration) -> BreakerEvent? {
        let now = clock.now
        return withEntry(provider, otherwise: nil) { entry in
            entry.stats.successes += 1
            entry.stats.latency.record(latency)
            entry.stats.lastSuccessAt = now
            return entry.breaker.recordSuccess(now: now).map { Self.event($0, now: now) }
        }
    }

    @discardableResult
    public func recordFailure(_ provider: String, _ failure: UpstreamFailure) -> BreakerEvent? {
        let now = clock.now
        let message = redactor.redact(failure.description)
        return withEntry(provider, otherwise: nil) { entry in
            entry.stats.failuresByKind[failure.kind, default: 0] += 1
            entry.stats.lastError = message
            entry.stats.lastFailureAt = now
            guard failure.kind.countsAgainstProvider else {
                // The request was at fault, not the provider: a half-open trial proved nothing.
                entry.breaker.releaseTrial()
                return nil
            }
            return entry.breaker.recordFailure(now: now).map { Self.event($0, now: now) }
        }
    }

    /// Runs `body` on the provider's entry in place, under the lock.
    ///
    /// In place matters: copying an entry out of the table and back would copy its arrays on
    /// every call.
    private func withEntry<Result: Sendable>(_ provider: String, otherwise: sending Result, _ body: (inout Entry) -> sending Result) -> sending Result {
        entries.withLock { table in
            guard let index = table.index(forKey: provider) else { return otherwise }
            return body(&table.values[index])
        }
    }

    /// Ends a call that produced no outcome (the client left); frees a half-open trial.
    public func release(_ provider: String) {
        withEntry(provider, otherwise: ()) { $0.breaker.releaseTrial() }
    }

    /// The current health of `provider`, or `nil` for an unknown name.
    public func snapshot(_ provider: String) -> ProviderHealthSnapshot? {
        let now = clock.now
        let wallNow = Date()
        guard let entry = entries.withLock({ $0[provider] }) else { return nil }
        func wallTime(_ instant: C.Instant?) -> Date? {
            instant.map { wallNow.addingTimeInterval(now.duration(to: $0).seconds) }
        }
        let state: ProviderHealthSnapshot.BreakerState
        var nextTrial: C.Instant?
        switch entry.breaker.state {
        case .closed: state = .closed
        case .open(let until):
            state = .open
            nextTrial = until
        case .halfOpen: state = .halfOpen
        }
        let counts = entry.breaker.windowCounts(now: now)
        let stats = entry.stats
        return ProviderHealthSnapshot(
            state: state,
            nextTrialAt: wallTime(nextTrial),
            requests: stats.requests,
            successes: stats.successes,
            failures: stats.failuresByKind.values.reduce(0, +),
            failuresByKind: Dictionary(uniqueKeysWithValues: stats.failuresByKind.map { ($0.key.rawValue, $0.value) }),
            consecutiveFailures: entry.breaker.consecutiveFailures,
            window: .init(
                seconds: entry.breaker.configuration.window.seconds,
                requests: counts.total,
                failures: counts.failures,
                failureRate: counts.total == 0 ? 0 : Double(counts.failures) / Double(counts.total)
            ),
            latencyMilliseconds: .init(
                ewma: stats.latency.ewmaMilliseconds,
                p50: stats.latency.percentile(0.5),
                p95: stats.latency.percentile(0.95)
            ),
            lastError: stats.lastError,
            lastSuccessAt: wallTime(stats.lastSuccessAt),
            lastFailureAt: wallTime(stats.lastFailureAt)
        )
    }

    private static func event(_ transition: CircuitBreaker<C.Instant>.Transition, now: C.Instant) -> BreakerEvent {
        switch transition {
        case .opened(let until): .opened(retryIn: now.duration(to: until))
        case .halfOpened: .halfOpened
        case .closed: .closed
        }
    }
}
