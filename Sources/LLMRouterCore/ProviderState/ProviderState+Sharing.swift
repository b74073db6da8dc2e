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
    /// Sends every cool-down started from now on to `observer` (`nil` stops).
    public func share(with observer: (any SharedStateObserver)?) {
        sharing.withLock { $0 = observer }
    }

    /// Hands the cool-downs among `events` to the observer, after the lock was released; returns
    /// `events`.
    func published(_ events: [RouteStateEvent<Instant>]) -> [RouteStateEvent<Instant>] {
        guard !events.isEmpty else { return events }
        var started: [SharedCoolDown] = []
        for event in events {
            if case .coolDownStarted(let scope, let until, let reason) = event {
                started.append(SharedCoolDown(scope: scope, until: wallTime(until), reason: reason))
            }
        }
        if !started.isEmpty, let observer = sharing.withLock({ $0 }) {
            observer.coolDownsStarted(started)
        }
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

    /// The instant of wall time `date`, by the same anchor as ``wallTime(_:)``.
    func instant(at date: Date) -> Instant {
        wallAnchor.instant.advanced(by: .seconds(date.timeIntervalSince(wallAnchor.date)))
    }
}
