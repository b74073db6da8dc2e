import Synchronization

/// A value behind a lock, shared by reference with `@Sendable` closures (scripted providers,
/// fake upstream replies) that count or record what happened.
public final class Locked<Value: Sendable>: Sendable {
    private let mutex: Mutex<Value>

    public init(_ value: Value) {
        mutex = Mutex(value)
    }

    public func withLock<Result: Sendable>(_ body: (inout Value) -> Result) -> Result {
        mutex.withLock { body(&$0) }
    }
}
