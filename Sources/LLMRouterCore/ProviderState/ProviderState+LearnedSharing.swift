#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import Synchronization

/// Learned limits crossing router instances: what an answer's headers said goes to the
/// ``SharedStateObserver``; what other instances learned is merged in through
/// ``apply(remoteLearned:)``, so pacing, headroom and admission here count with it.
extension ProviderState {
    /// The buckets `signal` described, as `learned` now holds them after adopting it, in wall
    /// time, for other instances.
    func shareable(_ signal: RateLimitSignal, in learned: LearnedLimits<Instant>, scope: String) -> [SharedLearnedLimit] {
        var found: [SharedLearnedLimit] = []
        for unit in [RateLimitSignal.Window.Unit.requests, .tokens]
        where signal.windows.contains(where: { $0.unit == unit && $0.remaining != nil && $0.resetIn != nil }) {
            guard let bucket = unit == .requests ? learned.requests : learned.tokens else { continue }
            found.append(SharedLearnedLimit(scope: scope, unit: unit, remaining: bucket.remaining, limit: bucket.limit, resetAt: wallTime(bucket.resetAt)))
        }
        return found
    }

    @discardableResult
    public func apply(remoteLearned limits: [SharedLearnedLimit]) -> [SharedLearnedLimit] {
        guard !limits.isEmpty else { return [] }
        let now = clock.now
        return table.withLock { table in
            var adopted: [SharedLearnedLimit] = []
            for remote in limits {
                guard let slot = table.slots[remote.scope] else { continue }
                let bucket = LearnedLimits<Instant>.Bucket(remaining: remote.remaining, resetAt: instant(at: remote.resetAt), limit: remote.limit)
                if table.limits[slot].learned.merge(remote.unit, bucket, now: now) { adopted.append(remote) }
            }
            return adopted
        }
    }

    /// Splits every learned bucket among `peers` from the next news of it on, each scope's in
    /// its own turn of their order.
    public func apply(peers: InstancePeers) {
        table.withLock { table in
            guard table.peers != peers else { return }
            table.peers = peers
            for (scope, slot) in table.slots { table.limits[slot].learned.peers = peers.turned(by: scope) }
        }
    }

    /// The instances this one shares buckets with, as last read.
    public var peers: InstancePeers {
        table.withLock { $0.peers }
    }
}
