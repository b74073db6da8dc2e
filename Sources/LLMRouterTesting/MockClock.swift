import Synchronization

/// A `Clock` that only moves when a test tells it to, for code that takes an injected clock
/// (breakers, cool-downs) and computes deadlines without sleeping.
///
/// `sleep(until:)` is not supported: code under test should return deadlines, not wait for them.
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

    private let current: Mutex<Instant>

    /// - Parameter start: where the clock starts; defaults to zero.
    public init(start: Instant = Instant(.zero)) {
        current = Mutex(start)
    }

    public var now: Instant { current.withLock { $0 } }

    public var minimumResolution: Swift.Duration { .nanoseconds(1) }

    /// Moves the clock forward by `duration`.
    public func advance(by duration: Swift.Duration) {
        precondition(duration >= .zero, "MockClock cannot move backwards")
        current.withLock { $0 = $0.advanced(by: duration) }
    }

    /// Moves the clock to `instant`, which must not be in its past.
    public func advance(to instant: Instant) {
        current.withLock {
            precondition(instant >= $0, "MockClock cannot move backwards")
            $0 = instant
        }
    }

    public func sleep(until deadline: Instant, tolerance: Swift.Duration?) async throws {
        preconditionFailure("MockClock does not sleep: compute deadlines and advance the clock instead")
    }
}
