#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import Synchronization

/// Every access key's ``KeyAllowance``, shared by all requests.
///
/// The access middleware asks ``requestArrived(_:)`` before a model request runs; the router
/// reports each finished request through ``RequestRecorder/record(_:)``, which charges its tokens
/// to the key that made it.
public final class KeyQuota<C: Clock>: RequestRecorder where C.Duration == Duration {
    public let clock: C
    private let allowances = Mutex<[String: KeyAllowance<C.Instant>]>([:])

    public init(clock: C) {
        self.clock = clock
    }

    /// Counts a request of `key` against its limits, or refuses it.
    public func requestArrived(_ key: AccessKey) -> KeyAllowance<C.Instant>.Decision {
        guard key.limits.requestsPerMinute != nil || key.limits.tokensPerDay != nil else { return .allow }
        let now = clock.now
        return allowances.withLock { $0[key.name, default: .init()].requestArrived(limits: key.limits, now: now) }
    }

    /// Charges the request's prompt and completion tokens to its key.
    public func record(_ record: RequestRecord) {
        guard let name = record.keyName else { return }
        let tokens = (record.promptTokens ?? 0) + (record.completionTokens ?? 0)
        guard tokens > 0 else { return }
        let now = clock.now
        allowances.withLock { $0[name, default: .init()].tokensUsed(tokens, now: now) }
    }

    /// Tokens `keyName` has used in its current day.
    public func tokensToday(_ keyName: String) -> Int {
        allowances.withLock { $0[keyName]?.tokensToday ?? 0 }
    }
}
