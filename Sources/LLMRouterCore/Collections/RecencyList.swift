/// Values by key in the order they were last used: what an LRU table (the response cache's
/// memory, the sticky sessions) is built on. Its owner decides what to evict and when; this
/// only keeps the order.
///
/// A doubly linked list threaded through an array by position keeps every operation O(1), and
/// a removed slot is reused, so a full table allocates nothing on a use or a replacement.
struct RecencyList<Key: Hashable & Sendable, Value: Sendable>: Sendable {
    private struct Node: Sendable {
        var key: Key
        var value: Value
        var older: Int?
        var newer: Int?
    }

    private var nodes: [Node?] = []
    private var freeSlots: [Int] = []
    private var slots: [Key: Int] = [:]
    private var newest: Int?
    private var oldest: Int?

    init() {}

    var count: Int { slots.count }

    /// The value for `key`, leaving the order as it is.
    func peek(_ key: Key) -> Value? {
        guard let slot = slots[key] else { return nil }
        return nodes[slot]?.value
    }

    /// The value for `key`, made the most recently used.
    mutating func use(_ key: Key) -> Value? {
        guard let slot = slots[key], let node = nodes[slot] else { return nil }
        unlink(slot)
        pushNewest(slot)
        return node.value
    }

    /// Keeps `value` for `key` as the most recently used.
    /// - Returns: the value it replaced, if any.
    @discardableResult
    mutating func set(_ value: Value, for key: Key) -> Value? {
        if let slot = slots[key], let replaced = nodes[slot]?.value {
            nodes[slot]?.value = value
            unlink(slot)
            pushNewest(slot)
            return replaced
        }
        let node = Node(key: key, value: value)
        let slot: Int
        if let free = freeSlots.popLast() {
            nodes[free] = node
            slot = free
        } else {
            nodes.append(node)
            slot = nodes.count - 1
        }
        slots[key] = slot
        pushNewest(slot)
        return nil
    }

    @discardableResult
    mutating func remove(_ key: Key) -> Value? {
        guard let slot = slots[key] else { return nil }
        return remove(slot: slot)?.value
    }

    /// Removes and returns the least recently used entry.
    @discardableResult
    mutating func removeOldest() -> (key: Key, value: Value)? {
        guard let oldest else { return nil }
        return remove(slot: oldest)
    }

    mutating func removeAll() {
        self = RecencyList()
    }

    /// Every entry, least recently used first.
    var oldestFirst: [(key: Key, value: Value)] {
        var result: [(key: Key, value: Value)] = []
        result.reserveCapacity(count)
        var cursor = oldest
        while let slot = cursor, let node = nodes[slot] {
            result.append((node.key, node.value))
            cursor = node.newer
        }
        return result
    }

    private mutating func remove(slot: Int) -> (key: Key, value: Value)? {
        guard let node = nodes[slot] else { return nil }
        unlink(slot)
        slots[node.key] = nil
        nodes[slot] = nil
        freeSlots.append(slot)
        return (node.key, node.value)
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
