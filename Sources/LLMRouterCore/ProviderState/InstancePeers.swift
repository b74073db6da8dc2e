/// This instance's place among the router instances sharing provider state: how many are
/// running and where this one falls in their order (their names sorted), the same on every one.
///
/// Among peers, a bucket an upstream announced is split rather than copied: three instances
/// that each spent "5 left" would make 15 calls and earn 10 refusals.
public struct InstancePeers: Sendable, Equatable {
    /// 0 for the first of `count`.
    public var rank: Int
    public var count: Int

    public static var alone: InstancePeers { InstancePeers(rank: 0, count: 1) }

    /// `rank` is clamped into `0..<count`, `count` to at least 1.
    public init(rank: Int, count: Int) {
        self.count = max(count, 1)
        self.rank = min(max(rank, 0), self.count - 1)
    }

    /// This instance's part of `remaining`: an even split, one more each for the first
    /// `remaining % count`, so the parts add up to exactly `remaining`.
    public func share(of remaining: Int) -> Int {
        guard count > 1 else { return remaining }
        guard remaining > 0 else { return 0 }
        return remaining / count + (rank < remaining % count ? 1 : 0)
    }

    /// The same peers in an order turned by `scope`: the one more call of an uneven split goes
    /// to a different instance for each scope, so across providers each instance gets as many.
    /// FNV-1a, not `hashValue`: every instance must turn by the same amount.
    public func turned(by scope: String) -> InstancePeers {
        guard count > 1 else { return self }
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in scope.utf8 {
            hash ^= UInt64(byte)
            hash = hash &* 0x0000_0100_0000_01b3
        }
        return InstancePeers(rank: (rank + Int(hash % UInt64(count))) % count, count: count)
    }
}
