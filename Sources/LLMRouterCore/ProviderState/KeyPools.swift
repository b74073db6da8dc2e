/// Keys of one provider entry that turn out to share their limits.
///
/// Providers usually count free-tier limits per account, organisation or project, not per key:
/// two keys of one Gemini project, or of one Groq organisation, spend the same limits. The
/// router cannot ask, so it watches: when two keys of one entry start a cool-down together
/// (the second within ``Settings/together`` of the first, while the first still cools), for the
/// same kind of limit, ending on the same reset (within ``Settings/tolerance``), they are taken
/// for one pool from then on, and a cool-down of one applies to every key in the pool
/// (``ProviderState`` copies it). Pools only grow; a new configuration keeps them.
///
/// A plain state machine told the time by its caller; it never sleeps.
///
/// ```swift
/// var pools = KeyPools<MockClock.Instant>()
/// _ = pools.coolDownStarted(key: "account:gemini:A", family: "gemini", reason: "rate_limited:daily", until: reset, now: now)
/// pools.coolDownStarted(key: "account:gemini:B", family: "gemini", reason: "rate_limited:daily", until: reset, now: now)
/// // .pooled(Pool(keys: ["account:gemini:A", "account:gemini:B"], ...))
/// ```
public struct KeyPools<Instant: InstantProtocol>: Sendable where Instant.Duration == Duration {
    public struct Settings: Sendable, Equatable {
        /// How far apart two resets may be and still be one reset: announced waits come in whole
        /// seconds, and the second call is made a moment after the first. Defaults to 2 seconds.
        public var tolerance: Duration
        /// How soon after the first cool-down the second must start to count as "together": a
        /// key exhausted in the morning and another in the evening may share midnight's reset
        /// without sharing an account. Defaults to 30 seconds.
        public var together: Duration

        public init(tolerance: Duration = .seconds(2), together: Duration = .seconds(30)) {
            self.tolerance = tolerance
            self.together = together
        }
    }

    /// Keys taken for one account.
    public struct Pool: Sendable, Equatable {
        /// The keys, as their accounts (``RouteSpec/account``), sorted.
        public var keys: [String]
        /// When the pool formed, or last took in a key.
        public var since: Instant
        /// The kind of limit the keys hit together (`rate_limited:short_window`).
        public var reason: String

        public init(keys: [String], since: Instant, reason: String) {
            self.keys = keys
            self.since = since
            self.reason = reason
        }
    }

    public enum Action: Sendable, Equatable {
        case none
        /// Two keys were found to share their limits; the pool they are in now.
        case pooled(Pool)
    }

    private struct Record: Sendable {
        var key: String
        var reason: String
        var until: Instant
        var started: Instant
    }

    public let settings: Settings
    /// Recent cool-downs, by entry.
    private var recent: [String: [Record]] = [:]
    public private(set) var pools: [Pool] = []

    public init(settings: Settings = .init()) {
        self.settings = settings
    }

    /// A key's own cool-down started (not one copied to it from its pool).
    /// - Parameters:
    ///   - key: the key's account (``RouteSpec/account``).
    ///   - family: the entry whose keys are compared (``RouteSpec/family``).
    ///   - reason: the cool-down's reason label; only equal reasons pool.
    ///   - until: when the cool-down ends.
    /// - Returns: ``Action/pooled(_:)`` when this cool-down shows `key` shares another's limits.
    public mutating func coolDownStarted(key: String, family: String, reason: String, until: Instant, now: Instant) -> Action {
        var records = (recent[family] ?? []).filter { now < $0.until && $0.started.duration(to: now) <= settings.together }
        let match = records.first { other in
            other.key != key && other.reason == reason && !sharesLimits(other.key, key)
                && Self.distance(other.until, until) <= settings.tolerance
        }
        records.removeAll { $0.key == key }
        records.append(Record(key: key, reason: reason, until: until, started: now))
        recent[family] = records
        guard let match else { return .none }
        return .pooled(join(match.key, key, reason: reason, now: now))
    }

    /// The pool `key` is in; `nil` while it is on its own.
    public func pool(of key: String) -> Pool? {
        pools.first { $0.keys.contains(key) }
    }

    /// Whether a cool-down of `first` applies to `second`.
    public func sharesLimits(_ first: String, _ second: String) -> Bool {
        first == second || pool(of: first)?.keys.contains(second) == true
    }

    private mutating func join(_ first: String, _ second: String, reason: String, now: Instant) -> Pool {
        var keys: Set<String> = [first, second]
        for pool in pools where pool.keys.contains(first) || pool.keys.contains(second) {
            keys.formUnion(pool.keys)
        }
        pools.removeAll { $0.keys.contains(first) || $0.keys.contains(second) }
        let pool = Pool(keys: keys.sorted(), since: now, reason: reason)
        pools.append(pool)
        return pool
    }

    private static func distance(_ first: Instant, _ second: Instant) -> Duration {
        first < second ? first.duration(to: second) : second.duration(to: first)
    }
}
