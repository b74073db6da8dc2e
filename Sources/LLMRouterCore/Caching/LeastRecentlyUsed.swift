/// Entries bounded by their bytes, the least recently used evicted first, expired ones
/// dropped when met. A plain value: its owner locks it and passes the time in.
struct LeastRecentlyUsed: Sendable {
    let maxBytes: Int
    private var entries = RecencyList<CacheKey, CachedAnswer>()
    private(set) var bytes = 0

    init(maxBytes: Int) {
        self.maxBytes = maxBytes
    }

    var count: Int { entries.count }

    /// The entry for `key`, marked as just used; an expired one is removed instead.
    mutating func entry(for key: CacheKey, now: Int64) -> CachedAnswer? {
        guard let answer = entries.use(key) else { return nil }
        guard answer.expiresAt > now else {
            entries.remove(key)
            bytes -= answer.byteCount
            return nil
        }
        return answer
    }

    /// Keeps `answer`, evicting the least recently used entries until it fits.
    /// - Returns: how many entries were evicted; an answer larger than the bound is not kept.
    mutating func store(_ answer: CachedAnswer, for key: CacheKey) -> Int {
        if let replaced = entries.remove(key) { bytes -= replaced.byteCount }
        guard answer.byteCount <= maxBytes else { return 0 }
        var evicted = 0
        while bytes + answer.byteCount > maxBytes, let victim = entries.removeOldest() {
            bytes -= victim.value.byteCount
            evicted += 1
        }
        entries.set(answer, for: key)
        bytes += answer.byteCount
        return evicted
    }

    mutating func removeAll() -> Int {
        let removed = entries.count
        entries.removeAll()
        bytes = 0
        return removed
    }

    /// Every entry, oldest first: what a persistent backend writes back.
    var entriesOldestFirst: [(key: CacheKey, answer: CachedAnswer)] {
        entries.oldestFirst.map { ($0.key, $0.value) }
    }
}
