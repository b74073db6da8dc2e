/// What ``ProviderState`` keeps: an entry per route (its breaker and counters) and one per limit
/// scope (cool-down, learned limits, quota, probe), which the routes sharing a scope share.
extension ProviderState {
    struct RouteEntry: Sendable {
        var spec: RouteSpec
        var breaker: CircuitBreaker<Instant>
        var stats = RouteCounters<Instant>()
        var slots: Slots
    }

    /// Where a route's limit scopes live in ``Table/limits``, so a call hashes no scope names;
    /// small, so settling a call copies this and not the whole route entry.
    struct Slots: Sendable {
        /// The scopes the route is checked against: itself, its configured scope, its account.
        var scopes: [Scope]
        /// Its own scope, its configured one (limits, learned buckets) and its account's.
        var own: Int
        var limit: Int
        var account: Int

        /// The name of the scope in `slot`, for events and logs.
        func name(_ slot: Int) -> String {
            scopes.first { $0.slot == slot }?.name ?? ""
        }

        /// The same scope (own, configured, account) among `other`'s slots as `slot` among these.
        func counterpart(of slot: Int, in other: Slots) -> Int? {
            if slot == own { return other.own }
            if slot == limit { return other.limit }
            if slot == account { return other.account }
            return nil
        }
    }

    struct Scope: Sendable {
        var name: String
        var slot: Int
    }

    struct LimitEntry: Sendable {
        var coolDown = CoolDown<Instant>()
        var learned = LearnedLimits<Instant>()
        var quota: Quota<Instant>?
        var dailyReset: RateLimitConfiguration.DailyReset = .utc
        var nextReset: Instant?
        /// After a rate-limit cool-down ends, one call goes first and the rest wait for its
        /// answer: waking every waiting request at the reset would spend the new window's
        /// calls at once and earn a burst of 429s. The answer's headers say how much is left.
        var probe: Probe = .none
        /// What the last refusal said of the request limit and how long it cooled for: when
        /// the cool-down ends, the route has about that many calls for about that long, even
        /// from an upstream that says nothing on its answers (OpenRouter).
        var refusal: (limit: Int, window: Duration)?
        /// The reset the previous refusal announced: two resets apart give the window's length.
        var lastRefusalReset: Instant?
        var learnedWindow: Duration?
        /// Calls in flight on the scope.
        var inFlight = 0
        /// Set once the scope was refused while its answers tell nothing of their budget: one
        /// call at a time then, so a refusal is never overtaken by calls already sent. Cleared
        /// by an answer whose headers describe the buckets (counted down exactly from then).
        var oneAtATime = false

        /// Counts a call that was just admitted.
        /// - Parameter windows: the shared windows at `now` by the next daily reset.
        mutating func admitted(now: Instant, dailyReset: (inout LimitEntry, Instant) -> Instant, windows: (Instant, Instant, RateLimitConfiguration.DailyReset) -> QuotaWindows) {
            if probe == .due { probe = .inFlight }
            inFlight += 1
            learned.consume()
            if quota != nil {
                let reset = dailyReset(&self, now)
                let current = quota?.shared == nil ? nil : windows(now, reset, self.dailyReset)
                quota?.consume(now: now, dailyReset: reset, windows: current)
            }
        }

        /// Ends a call: frees its probe and concurrency slot, counts its tokens; an answer that
        /// states its budget lifts one-at-a-time.
        mutating func finished(
            tokens: Int, statesBudget: Bool, now: Instant, dailyReset: (inout LimitEntry, Instant) -> Instant,
            windows: (Instant, Instant, RateLimitConfiguration.DailyReset) -> QuotaWindows
        ) {
            if probe == .inFlight { probe = .none }
            inFlight = max(inFlight - 1, 0)
            if statesBudget { oneAtATime = false }
            if quota != nil {
                let reset = dailyReset(&self, now)
                let current = quota?.shared == nil ? nil : windows(now, reset, self.dailyReset)
                quota?.finish(tokens: tokens, now: now, dailyReset: reset, windows: current)
            }
        }

        enum Probe: Sendable, Equatable {
            case none
            /// The cool-down just ended; the next call is the probe.
            case due
            /// The probe is in flight.
            case inFlight
        }
    }

    struct Table: Sendable {
        /// In an array, not a dictionary: a dictionary's values are read by copy, and a call
        /// would copy the whole entry to read one field of it.
        var routes: [RouteEntry] = []
        var routeIndex: [String: Int] = [:]
        var limits: [LimitEntry] = []
        /// Each scope name's slot in ``limits``.
        var slots: [String: Int] = [:]
        /// The routes of each multi-key entry, by ``RouteSpec/family``.
        var families: [String: [Int]] = [:]
        /// Which keys share their limits; kept across configurations.
        var pools = KeyPools<Instant>()
        /// Whether configured quotas are reconciled with other instances (``ProviderState/share(with:)``).
        var sharesQuotas = false
        /// Calls admitted under a shared quota since the last hand-over.
        var unsentCalls = 0
        /// Whether the shared-state service was told to hand the calls over since its last drain.
        var handOverAsked = false
        /// Whether what answers' headers said is handed to other instances (``ProviderState/share(with:)``).
        var sharesLearned = false
        /// The instances sharing learned buckets (``ProviderState/apply(peers:)``).
        var peers = InstancePeers.alone

        /// The entry of the route `name`.
        func route(_ name: String) -> RouteEntry? {
            routeIndex[name].map { routes[$0] }
        }

        mutating func add(_ entry: RouteEntry) {
            routeIndex[entry.spec.name] = routes.count
            if let family = entry.spec.family { families[family, default: []].append(routes.count) }
            routes.append(entry)
        }

        /// The slot of scope `name`, adding it (with `old`'s state when it had the scope).
        mutating func slot(_ name: String, keeping old: Table) -> Int {
            if let slot = slots[name] { return slot }
            limits.append(old.slots[name].map { old.limits[$0] } ?? LimitEntry())
            slots[name] = limits.count - 1
            return limits.count - 1
        }
    }
}
