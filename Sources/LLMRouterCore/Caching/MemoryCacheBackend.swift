import Synchronization

/// The default backend: entries in this process, bounded by bytes
/// (`LLMROUTER_CACHE_MAX_BYTES`), least recently used evicted first.
public final class MemoryCacheBackend: ResponseCacheBackend {
    private let entries: Mutex<LeastRecentlyUsed>

    public init(maxBytes: Int) {
        entries = Mutex(LeastRecentlyUsed(maxBytes: maxBytes))
    }

    public func entry(for key: CacheKey, now: Int64) async -> CachedAnswer? {
        entries.withLock { $0.entry(for: key, now: now) }
    }

    @discardableResult
    public func store(_ entry: CachedAnswer, for key: CacheKey) async -> Int {
        entries.withLock { $0.store(entry, for: key) }
    }

    @discardableResult
    public func removeAll() async -> Int {
        entries.withLock { $0.removeAll() }
    }

    public func occupancy() async -> CacheOccupancy {
        entries.withLock { CacheOccupancy(entries: $0.count, bytes: $0.bytes) }
    }

    /// Every live entry, oldest first, for a backend that persists them.
    public func snapshot() -> [(key: CacheKey, answer: CachedAnswer)] {
        entries.withLock { $0.entriesOldestFirst }
    }
}
