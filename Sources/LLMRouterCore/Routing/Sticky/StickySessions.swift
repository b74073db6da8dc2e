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
    public var count: Int { table.withLock { $0.count } }
}

/// The sessions in order of use; the least recently used is forgotten when the table is full.
struct StickyTable<Instant: InstantProtocol>: Sendable where Instant.Duration == Duration {
    struct Entry: Sendable {
        var route: String
        var until: Instant
    }

    let capacity: Int
    private var entries = RecencyList<Int, Entry>()

    init(capacity: Int) {
        self.capacity = capacity
    }

    var count: Int { entries.count }

    /// The session's route and its end, when it has not run out at `now`.
    func peek(_ key: Int, now: Instant) -> (route: String, until: Instant)? {
        guard let entry = entries.peek(key), now < entry.until else { return nil }
        return (entry.route, entry.until)
    }

    /// The session's route, made the most recently used; a session that ran out is forgotten.
    mutating func use(_ key: Int, now: Instant) -> String? {
        guard let entry = entries.use(key) else { return nil }
        guard now < entry.until else {
            entries.remove(key)
            return nil
        }
        return entry.route
    }

    mutating func stick(_ key: Int, to route: String, until: Instant) {
        if entries.peek(key) == nil, entries.count >= capacity { entries.removeOldest() }
        entries.set(Entry(route: route, until: until), for: key)
    }
}
