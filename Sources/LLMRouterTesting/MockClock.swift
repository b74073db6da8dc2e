import Synchronization

/// A clock that only moves when a test moves it, so breaker and cool-down logic is tested
/// without sleeping. Sleeping on it is a programming error.
public final class MockClock: Clock, Sendable {
    public struct Instant: InstantProtocol, Sendable {
        public typealias Duration = Swift.Duration
        /// Time since the clock's zero.
        public var offset: Duration

        public init(_ offset: Duration) {
            self.offset = offset
        }

        public func advanced(by duration: Duration) -> Instant { Instant(offset + duration) }
        public func duration(to other: Instant) -> Duration { other.offset - offset }
        public static func < (lhs: Instant, rhs: Instant) -> Bool { lhs.offset < rhs.offset }
    }

    private let current = Mutex(Instant(.zero))

    public init() {}

    public var now: Instant { current.withLock { $0 } }
    public var minimumResolution: Duration { .nanoseconds(1) }

    public func advance(by duration: Duration) {
        current.withLock { $0 = $0.advanced(by: duration) }
    }

    public func advance(to instant: Instant) {
        current.withLock { $0 = instant }
    }

    public func sleep(until deadline: Instant, tolerance: Duration?) async throws {
        preconditionFailure("MockClock does not sleep: advance it instead")
    }
}
