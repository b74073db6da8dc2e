#if canImport(FoundationEssentials)
public import FoundationEssentials
#else
public import Foundation
#endif
import Synchronization

/// Every access key's ``KeyAllowance``, shared by all requests.
///
/// The access middleware asks ``requestArrived(_:)`` before a model request runs; the router
/// reports each finished request through ``RequestRecorder/record(_:)``, which charges its tokens
/// to the key that made it. With ``shareWithOtherInstances(_:)`` on, each key's requests and
/// tokens are also reconciled with other instances (scope `key:NAME`, counters `rpm` and `tpd`
/// in fixed wall-clock windows): their use counts against the key's limits here.
public final class KeyQuota<C: Clock>: RequestRecorder, SharedQuotaReceiver where C.Duration == Duration {
    public let clock: C
    private let wallAnchor: (date: Date, instant: C.Instant)

    private struct State {
        var allowances: [String: KeyAllowance<C.Instant>] = [:]
        /// Per key name, while shared.
        var shared: [String: SharedQuotaCounts]?
    }

    private let state = Mutex(State())

    /// - Parameter wallClockAtStart: the wall time at `clock.now`, for the shared windows.
    public init(clock: C, wallClockAtStart: Date = Date()) {
        self.clock = clock
        self.wallAnchor = (wallClockAtStart, clock.now)
    }

    /// Turns reconciliation with other instances on or off.
    public func shareWithOtherInstances(_ on: Bool) {
        state.withLock { $0.shared = on ? [:] : nil }
    }

    // Specialized here for the server's clock, like `RequestRouter.route`: the server's call
    // would otherwise run the generic body.
    /// Counts a request of `key` against its limits, or refuses it.
    @_specialize(exported: true, where C == ContinuousClock)
    public func requestArrived(_ key: AccessKey) -> KeyAllowance<C.Instant>.Decision {
        guard key.limits.requestsPerMinute != nil || key.limits.tokensPerDay != nil else { return .allow }
        let now = clock.now
        return state.withLock { state in
            guard state.shared != nil else {
                return state.allowances[key.name, default: .init()].requestArrived(limits: key.limits, now: now)
            }
            let windows = self.windows(at: now)
            let counts = state.shared?[key.name] ?? SharedQuotaCounts()
            let decision = state.allowances[key.name, default: .init()].requestArrived(
                limits: key.limits, now: now,
                othersRequests: counts.othersUsed(.rpm, windows: windows), othersTokens: counts.othersUsed(.tpd, windows: windows)
            )
            if decision == .allow, key.limits.requestsPerMinute != nil {
                state.shared?[key.name, default: SharedQuotaCounts()].add(1, to: .rpm, windows: windows)
            }
            return decision
        }
    }

    /// Charges the request's prompt and completion tokens to its key.
    public func record(_ record: RequestRecord) {
        guard let name = record.keyName else { return }
        let tokens = (record.promptTokens ?? 0) + (record.completionTokens ?? 0)
        guard tokens > 0 else { return }
        let now = clock.now
        state.withLock { state in
            state.allowances[name, default: .init()].tokensUsed(tokens, now: now)
            if state.shared != nil { state.shared?[name, default: SharedQuotaCounts()].add(tokens, to: .tpd, windows: windows(at: now)) }
        }
    }

    /// Tokens `keyName` has used in its current day.
    public func tokensToday(_ keyName: String) -> Int {
        state.withLock { $0.allowances[keyName]?.tokensToday ?? 0 }
    }

    public func drainQuotaUsage() -> [SharedQuotaUsage] {
        let windows = windows(at: clock.now)
        return state.withLock { state in
            guard let shared = state.shared else { return [] }
            var rows: [SharedQuotaUsage] = []
            for (name, var counts) in shared {
                rows += counts.drain(scope: "key:\(name)", counters: [.rpm, .tpd], windows: windows)
                state.shared?[name] = counts
            }
            return rows
        }
    }

    public func apply(remoteQuota: [SharedQuotaUsage]) {
        state.withLock { state in
            guard state.shared != nil else { return }
            for usage in remoteQuota where usage.scope.hasPrefix("key:") {
                // A key used only elsewhere so far is known here from its first reconciliation.
                let name = String(usage.scope.dropFirst(4))
                state.shared?[name, default: SharedQuotaCounts()].setOthers(usage.used, counter: usage.counter, window: usage.windowStart)
            }
        }
    }

    private func windows(at now: C.Instant) -> QuotaWindows {
        QuotaWindows(at: wallAnchor.date.addingTimeInterval(wallAnchor.instant.duration(to: now).seconds), dayEnd: nil)
    }
}
