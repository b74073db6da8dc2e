import Synchronization

/// A ``SecretRedactor`` that can be replaced while in use: the log handler is set up before the
/// configuration (and so the keys) is read, and a reload may bring new keys.
public final class SharedSecretRedactor: Sendable {
    /// The one the executables' log handler uses.
    public static let logging = SharedSecretRedactor()

    private let redactor: Mutex<SecretRedactor>

    public init(_ redactor: SecretRedactor = SecretRedactor()) {
        self.redactor = Mutex(redactor)
    }

    public var current: SecretRedactor { redactor.withLock { $0 } }

    public func replace(with newRedactor: SecretRedactor) {
        redactor.withLock { $0 = newRedactor }
    }
}
