import Synchronization

/// A `Clock` that only moves when a test tells it to, for code that takes an injected clock
/// (breakers, cool-downs) and computes deadlines without sleeping.
///
/// State machines should return deadlines, not wait for them; where code does wait (a request
/// waiting for a rate limit to reset), `sleep(until:)` suspends until a test advances the clock
/// past the deadline, and ``sleepers`` tells the test someone is waiting.
public final class MockClock: Clock, Sendable {
    /// A point on the mock timeline, measured from the clock's zero.
    public struct Instant: InstantProtocol, Sendable, Hashable, CustomStringConvertible {
        public typealias Duration = Swift.Duration

        /// Time since the clock's zero.
        public var offset: Swift.Duration

        public init(_ offset: Swift.Duration) {
            self.offset = offset
        }

        public func advanced(by duration: Swift.Duration) -> Instant {
            Instant(offset + duration)
        }

        /// The time from `self` to `other`: `a.duration(to: b) == b - a`.
        public func duration(to other: Instant) -> Swift.Duration {
            other.offset - offset
        }

        /// The time from `rhs` to `lhs`, as for `ContinuousClock.Instant`.
        public static func - (lhs: Instant, rhs: Instant) -> Swift.Duration {
            rhs.duration(to: lhs)
        }

        public static func + (lhs: Instant, rhs: Swift.Duration) -> Instant {
            lhs.advanced(by: rhs)
        }

        public static func < (lhs: Instant, rhs: Instant) -> Bool {
            lhs.offset < rhs.offset
        }

        public var description: String { "MockClock.Instant(\(offset))" }
    }

    public typealias Duration = Swift.Duration

    private struct State {
        var now: Instant
        var sleepers: [(id: Int, deadline: Instant, continuation: CheckedContinuation<Void, any Error>)] = []
        var nextID = 0
    }

    private let state: Mutex<State>

    /// - Parameter start: where the clock starts; defaults to zero.
    public init(start: Instant = Instant(.zero)) {
        state = Mutex(State(now: start))
    }

    public var now: Instant { state.withLock { $0.now } }

    /// How many tasks are sleeping on this clock.
    public var sleepers: Int { state.withLock { $0.sleepers.count } }

    public var minimumResolution: Swift.Duration { .nanoseconds(1) }

    /// Moves the clock forward by `duration`.
    public func advance(by duration: Swift.Duration) {
        precondition(duration >= .zero, "MockClock cannot move backwards")
        advance(to: now.advanced(by: duration))
    }

    /// Moves the clock to `instant`, which must not be in its past, waking sleepers it passes.
    public func advance(to instant: Instant) {
        let due = state.withLock { state in
            precondition(instant >= state.now, "MockClock cannot move backwards")
            state.now = instant
            let due = state.sleepers.filter { $0.deadline <= instant }
            state.sleepers.removeAll { $0.deadline <= instant }
            return due.map(\.continuation)
        }
        for continuation in due { continuation.resume() }
    }

    /// Waits until the clock is advanced to `deadline`; throws `CancellationError` when the
    /// task is cancelled first.
    public func sleep(until deadline: Instant, tolerance: Swift.Duration?) async throws {
        let id = state.withLock { state in
            state.nextID += 1
            return state.nextID
        }
        try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
                let resumeNow: Bool = state.withLock { state in
                    if Task.isCancelled || deadline <= state.now { return true }
                    state.sleepers.append((id, deadline, continuation))
                    return false
                }
                if resumeNow { continuation.resume() }
            }
        } onCancel: {
            let cancelled = state.withLock { state in
                let found = state.sleepers.first { $0.id == id }?.continuation
                state.sleepers.removeAll { $0.id == id }
                return found
            }
            cancelled?.resume(throwing: CancellationError())
        }
        try Task.checkCancellation()
    }
}
