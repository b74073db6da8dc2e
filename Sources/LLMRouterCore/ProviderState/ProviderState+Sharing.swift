#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import Synchronization

/// Cool-downs crossing router instances: the ones this instance starts go to a
/// ``SharedStateObserver``; the ones others started come back through ``apply(remote:)``.
/// Admission never looks further than the local table.
extension ProviderState: SharedStateReceiver {
    /// Sends every cool-down started and breaker state entered from now on to `observer`, and
    /// counts configured quotas for reconciliation through it (`nil` stops both).
    public func share(with observer: (any SharedStateObserver)?) {
        sharing.withLock { $0 = observer }
        shareQuotas(observer != nil)
        table.withLock { $0.sharesLearned = observer != nil }
    }

    /// Hands the cool-downs and breaker transitions of `route` among `events`, and the buckets
    /// `learned`, to the observer, after the lock was released; returns `events`.
    func published(_ route: String, _ events: [RouteStateEvent<Instant>], learned: [SharedLearnedLimit] = []) -> [RouteStateEvent<Instant>] {
        if !learned.isEmpty { sharing.withLock { $0 }?.learnedLimitsChanged(learned) }
        guard !events.isEmpty else { return events }
        var started: [SharedCoolDown] = []
        var breaker: String?
        for event in events {
            switch event {
            case .coolDownStarted(let scope, let until, let reason):
                started.append(SharedCoolDown(scope: scope, until: wallTime(until), reason: reason))
            case .breakerOpened: breaker = "open"
            case .breakerHalfOpened: breaker = "half_open"
            case .breakerClosed: breaker = "closed"
            default: break
            }
        }
        guard !started.isEmpty || breaker != nil, let observer = sharing.withLock({ $0 }) else { return events }
        if !started.isEmpty { observer.coolDownsStarted(started) }
        if let breaker { observer.breakersChanged([SharedBreakerState(route: route, state: breaker, since: wallTime(clock.now))]) }
        return events
    }

    @discardableResult
    public func apply(remote coolDowns: [SharedCoolDown]) -> [SharedCoolDown] {
        let now = clock.now
        return table.withLock { table in
            var adopted: [SharedCoolDown] = []
            for remote in coolDowns {
                guard let slot = table.slots[remote.scope] else { continue }
                let until = instant(at: remote.until)
                // A millisecond of slack: the database keeps microseconds, and this instance's
                // own cool-down coming back must not count as a new one.
                let known = table.limits[slot].coolDown.until ?? now
                guard until > known.advanced(by: .milliseconds(1)) else { continue }
                let reason = CoolDown<Instant>.Reason(label: remote.reason) ?? .rateLimited(.shortWindow)
                table.limits[slot].coolDown.hold(until: until, reason: reason)
                adopted.append(remote)
            }
            return adopted
        }
    }

    /// The wall time of `instant`.
    func wallTime(_ instant: Instant) -> Date {
        wallAnchor.date.addingTimeInterval(wallAnchor.instant.duration(to: instant).seconds)
    }

    static func event(_ transition: CircuitBreaker<Instant>.Transition, now: Instant) -> RouteStateEvent<Instant> {
        switch transition {
        case .opened(let until): .breakerOpened(retryIn: now.duration(to: until))
        case .halfOpened: .breakerHalfOpened
        case .closed: .breakerClosed
        }
    }

    /// The instant of wall time `date`, by the same anchor as ``wallTime(_:)``.
    func instant(at date: Date) -> Instant {
        wallAnchor.instant.advanced(by: .seconds(date.timeIntervalSince(wallAnchor.date)))
    }
}
