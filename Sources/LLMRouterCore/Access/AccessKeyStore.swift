import Synchronization

/// Holds the current ``AccessKeys``; a reload swaps them atomically, and a request uses the keys
/// it found when it arrived.
public final class AccessKeyStore: Sendable {
    private let keys: Mutex<AccessKeys>

    public init(_ keys: AccessKeys = AccessKeys()) {
        self.keys = Mutex(keys)
    }

    public var current: AccessKeys { keys.withLock { $0 } }

    public func replace(with newKeys: AccessKeys) {
        keys.withLock { $0 = newKeys }
    }
}
