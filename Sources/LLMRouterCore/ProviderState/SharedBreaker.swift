#if canImport(FoundationEssentials)
public import FoundationEssentials
#else
public import Foundation
#endif

/// A route's breaker state as this instance publishes it: breakers stay local (health differs
/// per network path), but every instance's `/health/providers` shows the others'.
public struct SharedBreakerState: Sendable, Hashable {
    public var route: String
    /// `closed`, `open` or `half_open`.
    public var state: String
    /// When the breaker entered the state (for a state never changed: when this instance started).
    public var since: Date

    public init(route: String, state: String, since: Date) {
        self.route = route
        self.state = state
        self.since = since
    }
}

/// Another instance's breaker on one route, in `/health/providers` (`elsewhere`).
public struct RemoteBreakerState: Sendable, Hashable, Encodable {
    public var instance: String
    public var state: String
    public var since: Date

    public init(instance: String, state: String, since: Date) {
        self.instance = instance
        self.state = state
        self.since = since
    }
}

/// Takes part in quota reconciliation: hands over the use counted here since the last call, and
/// takes the other instances' use of the same windows. Both run under the owner's lock, off the
/// request path.
public protocol SharedQuotaReceiver: Sendable {
    /// This instance's use since the last call, per scope, counter and window, with a zero row
    /// for each current window not used here (so the others' use there is read back).
    func drainQuotaUsage() -> [SharedQuotaUsage]
    /// The other instances' use (``SharedQuotaUsage/used``) of each window, this one's left out.
    func apply(remoteQuota: [SharedQuotaUsage])
}
