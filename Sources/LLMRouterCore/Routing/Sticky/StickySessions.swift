import Synchronization

/// Which route each conversation stays on (`routing.sticky_minutes`): a bounded table, least
/// recently used forgotten first, whose entries expire on the router's clock.
///
/// One short lock per request that has a session; nothing is kept when sticky routing is off.
public final class StickySessions<Instant: InstantProtocol>: Sendable where Instant.Duration == Duration {
    /// The most sessions remembered.
    public let capacity: Int
    private let table: Mutex<StickyTable<Instant>>

    public init(capacity: Int) {
        self.capacity = max(capacity, 1)
        self.table = Mutex(StickyTable(capacity: max(capacity, 1)))
    }

    /// The route session `key` is on at `now`, counting as a use; `nil` when it has none or its
    /// time ran out (then it is forgotten).
    public func route(for key: Int, now: Instant) -> String? {
        table.withLock { $0.use(key, now: now) }
    }

    /// The route session `key` is on and until when, changing nothing (explain).
    public func peek(_ key: Int, now: Instant) -> (route: String, until: Instant)? {
        table.withLock { $0.peek(key, now: now) }
    }

    /// Keeps session `key` on `route` until `until`.
    public func stick(_ key: Int, to route: String, until: Instant) {
        table.withLock { $0.stick(key, to: route, until: until) }
    }

    /// How many sessions are remembered.
    public var count: Int { table.withLock { $0.index.count } }
}

/// An LRU list threaded through an array: entries link to their older and newer neighbours by
/// position, so a use or an eviction moves two links and allocates nothing once full.
struct StickyTable<Instant: InstantProtocol>: Sendable where Instant.Duration == Duration {
    struct Entry: Sendable {
        var key: Int
        var route: String
        var until: Instant
        var older = -1
        var newer = -1
    }

    let capacity: Int
    private(set) var index: [Int: Int] = [:]
    private var entries: [Entry] = []
    private var free: [Int] = []
    private var newest = -1
    private var oldest = -1

    init(capacity: Int) {
        self.capacity = capacity
    }

    /// The session's route and its end, when it has not run out at `now`.
    func peek(_ key: Int, now: Instant) -> (route: String, until: Instant)? {
        guard let position = index[key], now < entries[position].until else { return nil }
        return (entries[position].route, entries[position].until)
    }

    /// The session's route, made the most recently used; a session that ran out is forgotten.
    mutating func use(_ key: Int, now: Instant) -> String? {
        guard let position = index[key] else { return nil }
        guard now < entries[position].until else {
            remove(position)
            return nil
        }
        unlink(position)
        pushNewest(position)
        return entries[position].route
    }

    mutating func stick(_ key: Int, to route: String, until: Instant) {
        if let position = index[key] {
            entries[position].route = route
            entries[position].until = until
            unlink(position)
            pushNewest(position)
            return
        }
        if index.count >= capacity, oldest >= 0 { remove(oldest) }
        let entry = Entry(key: key, route: route, until: until)
        let position: Int
        if let reused = free.popLast() {
            entries[reused] = entry
            position = reused
        } else {
            entries.append(entry)
            position = entries.count - 1
        }
        index[key] = position
        pushNewest(position)
    }

    private mutating func remove(_ position: Int) {
        unlink(position)
        index[entries[position].key] = nil
        free.append(position)
    }

    private mutating func unlink(_ position: Int) {
        let (older, newer) = (entries[position].older, entries[position].newer)
        if older >= 0 { entries[older].newer = newer } else { oldest = newer }
        if newer >= 0 { entries[newer].older = older } else { newest = older }
        entries[position].older = -1
        entries[position].newer = -1
    }

    private mutating func pushNewest(_ position: Int) {
        entries[position].older = newest
        entries[position].newer = -1
        if newest >= 0 { entries[newest].newer = position }
        newest = position
        if oldest < 0 { oldest = position }
    }
}
