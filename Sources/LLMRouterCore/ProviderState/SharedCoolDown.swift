#if canImport(FoundationEssentials)
public import FoundationEssentials
#else
public import Foundation
#endif

/// A cool-down as other router instances and `/health/providers` see it: the scope it holds
/// (`route:NAME`, `pool:NAME`, `account:…`), when it ends in wall time (instances share no
/// monotonic clock), and why. Scope names come from the configuration, so instances with the
/// same providers file name the same scopes.
public struct SharedCoolDown: Sendable, Hashable, Encodable {
    public var scope: String
    public var until: Date
    /// The reason's label: `rate_limited:daily`, `remaining_zero`, `quota:rpm`.
    public var reason: String

    public init(scope: String, until: Date, reason: String) {
        self.scope = scope
        self.until = until
        self.reason = reason
    }

    /// The reason's family: `rate_limited` (a 429), `remaining_zero` (an answer said a bucket
    /// is empty), `quota` (a configured limit).
    public var kind: String {
        String(reason.prefix { $0 != ":" })
    }
}

/// Told of every cool-down this instance starts, right after the provider state's lock is
/// released and on the request's own task: an implementation must only hand them on (to a
/// buffer its own task drains) and return, never wait on I/O.
public protocol SharedStateObserver: Sendable {
    func coolDownsStarted(_ coolDowns: [SharedCoolDown])
    /// A route's breaker entered a new state.
    func breakersChanged(_ states: [SharedBreakerState])
    /// Calls counted under shared quotas piled up: hand them over now rather than at the interval.
    func quotaUsageWaiting()
    /// An answer's headers described buckets (what was learned, not the countdown since).
    func learnedLimitsChanged(_ limits: [SharedLearnedLimit])
}

extension SharedStateObserver {
    public func breakersChanged(_ states: [SharedBreakerState]) {}
    public func quotaUsageWaiting() {}
    public func learnedLimitsChanged(_ limits: [SharedLearnedLimit]) {}
}

/// Takes what other instances started or entered (``ProviderState/apply(remote:)``), and takes
/// part in quota reconciliation.
public protocol SharedStateReceiver: SharedQuotaReceiver {
    /// Adopts `coolDowns` where they end later than what this instance knows; returns those
    /// that changed local state. Unknown scopes and ended cool-downs are ignored.
    @discardableResult
    func apply(remote coolDowns: [SharedCoolDown]) -> [SharedCoolDown]
    /// Every route's breaker state now, for a first publication.
    func breakerStates() -> [SharedBreakerState]
    /// The other instances' breaker states, by route (replacing what was known).
    func apply(remoteBreakers: [String: [RemoteBreakerState]])
    /// Merges buckets other instances learned into the local ones (``LearnedLimits/merge(_:_:now:)``);
    /// returns those that changed local state.
    @discardableResult
    func apply(remoteLearned limits: [SharedLearnedLimit]) -> [SharedLearnedLimit]
    /// The running instances changed: learned buckets are split among them.
    func apply(peers: InstancePeers)
    /// The instances learned buckets are split among now.
    var peers: InstancePeers { get }
}

extension CoolDown.Reason {
    /// The reason a ``label`` names; `nil` for one this version does not know.
    public init?(label: String) {
        let parts = label.split(separator: ":", maxSplits: 1).map(String.init)
        switch (parts.first, parts.count > 1 ? parts[1] : nil) {
        case ("rate_limited", let kind?):
            guard let kind = RateLimitKind(rawValue: kind) else { return nil }
            self = .rateLimited(kind)
        case ("remaining_zero", nil): self = .exhausted
        case ("quota", let limit?): self = .quota(limit)
        default: return nil
        }
    }
}
