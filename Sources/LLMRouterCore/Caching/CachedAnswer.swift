/// One stored answer: the complete answer's JSON (a `chat.completion`, or an embeddings list),
/// kept once whatever format asked — a stream is stored assembled, and each API replays it in
/// its own shape.
public struct CachedAnswer: Sendable, Equatable {
    public var body: [UInt8]
    /// The route that answered first.
    public var provider: String
    public var upstreamModel: String?
    /// Wall time it was stored and stops being served, in milliseconds since 1970.
    public var storedAt: Int64
    public var expiresAt: Int64
    public var promptTokens: Int?
    public var completionTokens: Int?

    public init(
        body: [UInt8],
        provider: String,
        upstreamModel: String?,
        storedAt: Int64,
        expiresAt: Int64,
        promptTokens: Int? = nil,
        completionTokens: Int? = nil
    ) {
        self.body = body
        self.provider = provider
        self.upstreamModel = upstreamModel
        self.storedAt = storedAt
        self.expiresAt = expiresAt
        self.promptTokens = promptTokens
        self.completionTokens = completionTokens
    }

    /// What the entry costs the byte bound: its body plus a fixed allowance for the rest.
    public var byteCount: Int { body.count + provider.utf8.count + (upstreamModel?.utf8.count ?? 0) + 128 }
}

/// Where answers are kept. Every method may suspend, so a backend on another machine
/// (PostgreSQL) fits the same shape; the built-in ones answer from memory.
public protocol ResponseCacheBackend: Sendable {
    /// The entry for `key` when it has not expired at `now` (milliseconds since 1970).
    func entry(for key: CacheKey, now: Int64) async -> CachedAnswer?
    /// Keeps `entry`, replacing one under the same key.
    /// - Returns: how many entries were evicted to make room.
    @discardableResult
    func store(_ entry: CachedAnswer, for key: CacheKey) async -> Int
    /// Forgets every entry.
    /// - Returns: how many there were.
    @discardableResult
    func removeAll() async -> Int
    /// Entries and their bytes, for the gauges.
    func occupancy() async -> CacheOccupancy
}

public struct CacheOccupancy: Sendable, Equatable {
    public var entries: Int
    public var bytes: Int

    public init(entries: Int, bytes: Int) {
        self.entries = entries
        self.bytes = bytes
    }
}

extension Duration {
    /// Whole milliseconds, for wall times kept as integers.
    public var wholeMilliseconds: Int64 {
        let (seconds, attoseconds) = components
        return seconds * 1000 + attoseconds / 1_000_000_000_000_000
    }
}
