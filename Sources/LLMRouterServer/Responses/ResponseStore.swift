import LLMRouterCore
import Synchronization

/// The recent responses a later request may continue with `previous_response_id`.
///
/// Upstreams are stateless chat APIs, so the router keeps each stored response's whole chat
/// conversation (the messages it was asked with plus its answer) and replays it. The store is
/// bounded in time and in count because it lives in memory: a response expires after
/// ``timeToLive`` and the oldest is dropped beyond ``maxEntries``. Responses are filed under the
/// access key that created them, so one key can never read another key's conversation.
final class ResponseStore<C: Clock>: Sendable where C.Duration == Duration {
    private struct Entry {
        var keyName: String?
        var conversation: [JSONValue]
        var expiry: C.Instant
    }

    private struct State {
        var entries: [String: Entry] = [:]
        /// Ids in the order they were saved, oldest first, for eviction.
        var order: [String] = []
    }

    let clock: C
    /// How long a response can be continued; defaults to one hour.
    let timeToLive: Duration
    /// How many responses are kept at most; defaults to 1000.
    let maxEntries: Int
    private let state = Mutex(State())

    init(clock: C, timeToLive: Duration = .seconds(3600), maxEntries: Int = 1000) {
        self.clock = clock
        self.timeToLive = timeToLive
        self.maxEntries = max(maxEntries, 1)
    }

    /// Remembers `conversation` (the request's messages and the assistant answer) as response
    /// `id`, created with the access key named `keyName` (`nil` when the router runs without keys).
    func save(id: String, keyName: String?, conversation: [JSONValue]) {
        let now = clock.now
        let entry = Entry(keyName: keyName, conversation: conversation, expiry: now.advanced(by: timeToLive))
        state.withLock { state in
            if state.entries.updateValue(entry, forKey: id) != nil {
                state.order.removeAll { $0 == id }
            }
            state.order.append(id)
            Self.evict(from: &state, now: now, maxEntries: maxEntries)
        }
    }

    /// The conversation of response `id`; `nil` when it is unknown, expired, or was created with another key.
    func conversation(for id: String, keyName: String?) -> [JSONValue]? {
        let now = clock.now
        return state.withLock { state in
            guard let entry = state.entries[id] else { return nil }
            guard now < entry.expiry else {
                state.entries[id] = nil
                state.order.removeAll { $0 == id }
                return nil
            }
            return entry.keyName == keyName ? entry.conversation : nil
        }
    }

    /// How many responses are held, expired ones not yet evicted included.
    var count: Int { state.withLock { $0.entries.count } }

    /// Drops expired entries from the front and the oldest beyond `maxEntries`. Every entry
    /// lives equally long, so save order is expiry order and the scan stops at the first live one.
    private static func evict(from state: inout State, now: C.Instant, maxEntries: Int) {
        var dropped = 0
        for id in state.order {
            guard let entry = state.entries[id] else {
                dropped += 1
                continue
            }
            let overCapacity = state.order.count - dropped > maxEntries
            guard overCapacity || entry.expiry <= now else { break }
            state.entries[id] = nil
            dropped += 1
        }
        state.order.removeFirst(dropped)
    }
}
