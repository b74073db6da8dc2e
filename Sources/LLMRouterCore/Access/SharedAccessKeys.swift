import Synchronization

/// Takes the access keys of the shared keys table (`LLMROUTER_KEYS=postgres`), read whole when
/// another process changed it and at every periodic read, off the request path.
///
/// Reads may overlap (an announcement's and the periodic one) and end in any order, so each is
/// numbered as it starts and only the newest one started is kept: a read begun before a key was
/// revoked never brings it back after one begun later.
public protocol SharedAccessKeysReceiver: Sendable {
    /// Numbers a read of the table about to be sent.
    func readStarting() -> UInt64
    /// Every key the table held at read `read`, revoked ones left out: replaces the keys read
    /// before, unless a read started later was applied already (then `nil`, nothing changes).
    func apply(sharedKeys: [AccessKey], read: UInt64) -> SharedAccessKeysChange?
}

/// What one read of the shared keys table changed, by key name, for the log.
public struct SharedAccessKeysChange: Sendable, Equatable {
    /// Keys new since the last read, or changed (limits, admin, digest).
    public var added: [String] = []
    /// Keys gone since the last read (revoked or deleted).
    public var removed: [String] = []
    /// Keys of the table left out because a key of the environment has their name.
    public var shadowed: [String] = []

    public init(added: [String] = [], removed: [String] = [], shadowed: [String] = []) {
        self.added = added
        self.removed = removed
        self.shadowed = shadowed
    }

    public var isEmpty: Bool { added.isEmpty && removed.isEmpty }
}

/// The access keys when they live in the shared table: the environment's keys
/// (`LLMROUTER_API_KEYS`, `LLMROUTER_ADMIN_KEY`) plus the last snapshot of the table, composed into
/// the ``AccessKeyStore`` the access middleware reads, so a request never waits on the database.
///
/// Keys are always required here: a table that is empty, or not read yet because the database was
/// away at startup, lets in only the environment's keys — never everybody. While the database is
/// away the last snapshot stays.
public final class SharedAccessKeys: SharedAccessKeysReceiver {
    private struct State {
        var environment: [AccessKey]
        /// `nil` until the table was read once.
        var table: [AccessKey]?
        var readsStarted: UInt64 = 0
        /// The number of the read ``table`` came from.
        var applied: UInt64?
    }

    private let store: AccessKeyStore
    private let state: Mutex<State>

    /// Puts the composed keys into `store` at once.
    /// - Parameter tableKeys: the table as read at startup; `nil` when it could not be read.
    public init(store: AccessKeyStore, environmentKeys: [AccessKey], tableKeys: [AccessKey]? = nil) {
        self.store = store
        let initial = State(environment: environmentKeys, table: tableKeys)
        self.state = Mutex(initial)
        publish(initial)
    }

    /// Whether the table has been read at least once.
    public var hasReadTable: Bool { state.withLock { $0.table != nil } }

    public func readStarting() -> UInt64 {
        state.withLock { state in
            state.readsStarted += 1
            return state.readsStarted
        }
    }

    /// Applies a read that starts and ends now.
    @discardableResult
    public func apply(sharedKeys: [AccessKey]) -> SharedAccessKeysChange {
        apply(sharedKeys: sharedKeys, read: readStarting()) ?? SharedAccessKeysChange()
    }

    public func apply(sharedKeys: [AccessKey], read: UInt64) -> SharedAccessKeysChange? {
        state.withLock { state in
            if let applied = state.applied, read <= applied { return nil }
            state.applied = read
            let before = Self.byName(Self.compose(state).keys)
            state.table = sharedKeys
            let composed = publish(state)
            let after = Self.byName(composed.keys)
            return SharedAccessKeysChange(
                added: after.filter { before[$0.key] != $0.value }.keys.sorted(),
                removed: before.keys.filter { after[$0] == nil }.sorted(),
                shadowed: composed.shadowed
            )
        }
    }

    /// The keys the store holds now, for the middleware: the environment's first, then the table's.
    public static func compose(environment: [AccessKey], table: [AccessKey]) -> (keys: [AccessKey], shadowed: [String]) {
        var names = Set(environment.map(\.name))
        var keys = environment
        var shadowed: [String] = []
        for key in table {
            if names.insert(key.name).inserted { keys.append(key) } else { shadowed.append(key.name) }
        }
        return (keys, shadowed)
    }

    private static func compose(_ state: State) -> (keys: [AccessKey], shadowed: [String]) {
        compose(environment: state.environment, table: state.table ?? [])
    }

    @discardableResult
    private func publish(_ state: State) -> (keys: [AccessKey], shadowed: [String]) {
        let composed = Self.compose(state)
        store.replace(with: AccessKeys(composed.keys, required: true))
        return composed
    }

    private static func byName(_ keys: [AccessKey]) -> [String: AccessKey] {
        Dictionary(keys.map { ($0.name, $0) }, uniquingKeysWith: { first, _ in first })
    }
}
