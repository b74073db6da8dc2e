/// Entries bounded by their bytes, the least recently used evicted first, expired ones
/// dropped when met. A plain value: its owner locks it and passes the time in.
///
/// A doubly linked list threaded through an array keeps every operation O(1).
struct LeastRecentlyUsed: Sendable {
    private struct Node: Sendable {
        var key: CacheKey
        var answer: CachedAnswer
        var newer: Int?
        var older: Int?
    }

    let maxBytes: Int
    private var nodes: [Node?] = []
    private var freeSlots: [Int] = []
    private var slots: [CacheKey: Int] = [:]
    private var newest: Int?
    private var oldest: Int?
    private(set) var bytes = 0

    init(maxBytes: Int) {
        self.maxBytes = maxBytes
    }

    var count: Int { slots.count }

    /// The entry for `key`, marked as just used; an expired one is removed instead.
    mutating func entry(for key: CacheKey, now: Int64) -> CachedAnswer? {
        guard let slot = slots[key], let node = nodes[slot] else { return nil }
        guard node.answer.expiresAt > now else {
            remove(slot)
            return nil
        }
        unlink(slot)
        pushNewest(slot)
        return node.answer
    }

    /// Keeps `answer`, evicting the least recently used entries until it fits.
    /// - Returns: how many entries were evicted; an answer larger than the bound is not kept.
    mutating func store(_ answer: CachedAnswer, for key: CacheKey) -> Int {
        if let slot = slots[key] { remove(slot) }
        guard answer.byteCount <= maxBytes else { return 0 }
        var evicted = 0
        while bytes + answer.byteCount > maxBytes, let victim = oldest {
            remove(victim)
            evicted += 1
        }
        let node = Node(key: key, answer: answer, newer: nil, older: nil)
        let slot: Int
        if let free = freeSlots.popLast() {
            nodes[free] = node
            slot = free
        } else {
            nodes.append(node)
            slot = nodes.count - 1
        }
        slots[key] = slot
        bytes += answer.byteCount
        pushNewest(slot)
        return evicted
    }

    mutating func removeAll() -> Int {
        let removed = slots.count
        self = LeastRecentlyUsed(maxBytes: maxBytes)
        return removed
    }

    /// Every entry, oldest first: what a persistent backend writes back.
    var entriesOldestFirst: [(key: CacheKey, answer: CachedAnswer)] {
        var result: [(key: CacheKey, answer: CachedAnswer)] = []
        var cursor = oldest
        while let slot = cursor, let node = nodes[slot] {
            result.append((node.key, node.answer))
            cursor = node.newer
        }
        return result
    }

    private mutating func remove(_ slot: Int) {
        guard let node = nodes[slot] else { return }
        unlink(slot)
        slots[node.key] = nil
        bytes -= node.answer.byteCount
        nodes[slot] = nil
        freeSlots.append(slot)
    }

    private mutating func unlink(_ slot: Int) {
        guard let node = nodes[slot] else { return }
        if let newer = node.newer { nodes[newer]?.older = node.older } else { newest = node.older }
        if let older = node.older { nodes[older]?.newer = node.newer } else { oldest = node.newer }
        nodes[slot]?.newer = nil
        nodes[slot]?.older = nil
    }

    private mutating func pushNewest(_ slot: Int) {
        nodes[slot]?.older = newest
        nodes[slot]?.newer = nil
        if let newest { nodes[newest]?.newer = slot }
        newest = slot
        if oldest == nil { oldest = slot }
    }
}
