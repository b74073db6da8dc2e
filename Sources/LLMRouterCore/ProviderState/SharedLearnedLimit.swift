#if canImport(FoundationEssentials)
public import FoundationEssentials
#else
public import Foundation
#endif

/// What an upstream's headers said of one bucket, as other router instances see it: the scope
/// it was learned on (`route:NAME`, `pool:NAME`, an account), calls or tokens left, the bucket's
/// size when named, and its reset in wall time (instances share no monotonic clock).
public struct SharedLearnedLimit: Sendable, Hashable {
    public var scope: String
    public var unit: RateLimitSignal.Window.Unit
    public var remaining: Int
    public var limit: Int?
    public var resetAt: Date

    public init(scope: String, unit: RateLimitSignal.Window.Unit, remaining: Int, limit: Int?, resetAt: Date) {
        self.scope = scope
        self.unit = unit
        self.remaining = remaining
        self.limit = limit
        self.resetAt = resetAt
    }
}
