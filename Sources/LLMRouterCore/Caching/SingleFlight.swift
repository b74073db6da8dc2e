import Synchronization

/// Identical requests that miss at the same time make one upstream call: the first becomes
/// the leader and calls; the others wait for what it stores. A leader whose answer is not
/// stored (it failed, or the answer may not be kept) lets each follower go on its own.
///
/// The flight is joined before the semantic layer is asked, so only the leader embeds the
/// question; a semantic hit it finds is shared with its followers like a stored answer.
final class SingleFlight: Sendable {
    enum Role: Sendable {
        case leader(Flight)
        case follower(Flight)
    }

    private let flights = Mutex<[CacheKey: Flight]>([:])

    /// Joins the flight for `key`, leading it when none is in the air.
    func join(_ key: CacheKey) -> Role {
        flights.withLock { flights in
            if let flight = flights[key] { return .follower(flight) }
            let flight = Flight()
            flights[key] = flight
            return .leader(flight)
        }
    }

    /// The leader's answer (`nil`: none to share); wakes every follower. Called once per flight.
    func land(_ key: CacheKey, _ flight: Flight, with answer: SharedAnswer?) {
        flights.withLock { flights in
            if flights[key] === flight { flights[key] = nil }
        }
        flight.resolve(answer)
    }

    var inTheAir: Int { flights.withLock { $0.count } }
}

/// What a leader shares with its followers.
struct SharedAnswer: Sendable {
    var entry: CachedAnswer
    /// Set when the leader found the answer in the semantic layer, so the followers' verdict
    /// says so too.
    var similarity: Double?
}

/// One leader's call, awaited by its followers.
final class Flight: Sendable {
    private struct State {
        var landed = false
        var answer: SharedAnswer?
        var nextWaiter = 0
        var waiters: [Int: CheckedContinuation<SharedAnswer?, Never>] = [:]
    }

    private let state = Mutex(State())

    /// The leader's answer once it lands; `nil` when it shares none or the waiting task is cancelled.
    func wait() async -> SharedAnswer? {
        let id = state.withLock { state -> Int in
            state.nextWaiter += 1
            return state.nextWaiter
        }
        return await withTaskCancellationHandler {
            await withCheckedContinuation { continuation in
                let ready: SharedAnswer?? = state.withLock { state in
                    if state.landed { return .some(state.answer) }
                    if Task.isCancelled { return .some(nil) }
                    state.waiters[id] = continuation
                    return nil
                }
                if let ready { continuation.resume(returning: ready) }
            }
        } onCancel: {
            let waiter = state.withLock { $0.waiters.removeValue(forKey: id) }
            waiter?.resume(returning: nil)
        }
    }

    func resolve(_ answer: SharedAnswer?) {
        let waiters = state.withLock { state -> [CheckedContinuation<SharedAnswer?, Never>] in
            guard !state.landed else { return [] }
            state.landed = true
            state.answer = answer
            defer { state.waiters = [:] }
            return Array(state.waiters.values)
        }
        for waiter in waiters { waiter.resume(returning: answer) }
    }
}
