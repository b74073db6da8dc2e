/// Configured limits (`rate_limit:` or the catalog's free-tier facts) enforced locally, so
/// calls are paced under a provider's limit instead of bursting into its 429s.
///
/// - Requests per minute: the instants of the last `rpm` calls; a call fits when the oldest of
///   them is a minute old. Exact: no 60-second window ever holds more than `rpm` calls.
/// - Requests and tokens per day: counters that start over at the daily reset (or, for
///   `rolling`, 24 hourly buckets).
/// - Tokens per minute: 12 five-second buckets; a call fits while the last minute used fewer.
/// - Concurrency: calls in flight.
/// - Shared with other instances (``shared`` set): their use of each counter's current window,
///   as the last reconciliation said, counts against the same limits; the calls and tokens
///   counted here are kept for the next hand-over.
public struct Quota<Instant: InstantProtocol>: Sendable where Instant.Duration == Duration {
    public let limits: RateLimitConfiguration
    private var recentCalls: InstantRing<Instant>
    private var requestsToday: WindowCounter<Instant>
    private var tokensToday: WindowCounter<Instant>
    private var tokensThisMinute: WindowCounter<Instant>
    public private(set) var inFlight = 0
    /// Set while the quota is reconciled with other instances'.
    var shared: SharedQuotaCounts?

    public init(limits: RateLimitConfiguration) {
        self.limits = limits
        self.recentCalls = InstantRing(capacity: limits.requestsPerMinute ?? 0)
        let daily: WindowCounter<Instant>.Shape = limits.dailyReset == .rolling ? .rolling(bucket: .seconds(3600), count: 24) : .fixed
        self.requestsToday = WindowCounter(shape: daily)
        self.tokensToday = WindowCounter(shape: daily)
        self.tokensThisMinute = WindowCounter(shape: .rolling(bucket: .seconds(5), count: 12))
    }

    /// Why no call fits at `now`, and until when; `nil` when one does.
    /// - Parameters:
    ///   - dailyReset: the next daily reset after `now` (for fixed daily windows).
    ///   - windows: the shared windows current at `now`, when ``shared`` is set.
    public mutating func blocked(now: Instant, dailyReset: Instant, windows: QuotaWindows? = nil) -> (limit: String, until: Instant?)? {
        if let max = limits.maxConcurrency, inFlight >= max { return ("max_concurrency", nil) }
        let shared = self.shared
        let elsewhere = { (counter: QuotaCounter) -> Int in
            guard let windows, let shared else { return 0 }
            return shared.othersUsed(counter, windows: windows)
        }
        if let rpm = limits.requestsPerMinute {
            if rpm == 0 { return ("rpm", nil) }
            if recentCalls.isFull, let oldest = recentCalls.oldest, now < oldest.advanced(by: .seconds(60)) {
                return ("rpm", oldest.advanced(by: .seconds(60)))
            }
            let others = elsewhere(.rpm)
            if others > 0, let windows, recentCalls.count(since: now.advanced(by: .seconds(-60))) + others >= rpm {
                // Frees up when the minute turns (their count starts over) at the latest.
                return ("rpm", now.advanced(by: .seconds(60 * (1 - windows.minuteElapsed))))
            }
        }
        if let rpd = limits.requestsPerDay, requestsToday.total(now: now, dailyReset: dailyReset) + elsewhere(.rpd) >= rpd {
            return ("rpd", requestsToday.freesAt(now: now, dailyReset: dailyReset))
        }
        if let tpm = limits.tokensPerMinute, tokensThisMinute.total(now: now, dailyReset: dailyReset) + elsewhere(.tpm) >= tpm {
            return ("tpm", tokensThisMinute.freesAt(now: now, dailyReset: dailyReset) ?? now.advanced(by: .seconds(60)))
        }
        if let tpd = limits.tokensPerDay, tokensToday.total(now: now, dailyReset: dailyReset) + elsewhere(.tpd) >= tpd {
            return ("tpd", tokensToday.freesAt(now: now, dailyReset: dailyReset))
        }
        return nil
    }

    /// Counts a call that is about to be made.
    public mutating func consume(now: Instant, dailyReset: Instant, windows: QuotaWindows? = nil) {
        inFlight += 1
        if limits.requestsPerMinute != nil { recentCalls.append(now) }
        if limits.requestsPerDay != nil { requestsToday.add(1, now: now, dailyReset: dailyReset) }
        if let windows, shared != nil {
            if limits.requestsPerMinute != nil { shared?.add(1, to: .rpm, windows: windows) }
            if limits.requestsPerDay != nil { shared?.add(1, to: .rpd, windows: windows) }
        }
    }

    /// Ends a call: frees its concurrency slot and counts the tokens it used.
    public mutating func finish(tokens: Int, now: Instant, dailyReset: Instant, windows: QuotaWindows? = nil) {
        inFlight = max(inFlight - 1, 0)
        guard tokens > 0 else { return }
        if limits.tokensPerMinute != nil { tokensThisMinute.add(tokens, now: now, dailyReset: dailyReset) }
        if limits.tokensPerDay != nil { tokensToday.add(tokens, now: now, dailyReset: dailyReset) }
        if let windows, shared != nil {
            if limits.tokensPerMinute != nil { shared?.add(tokens, to: .tpm, windows: windows) }
            if limits.tokensPerDay != nil { shared?.add(tokens, to: .tpd, windows: windows) }
        }
    }

    /// The counters the configured limits need shared.
    /// Calls counted here before they are handed to the other instances ahead of the sync
    /// interval: a twentieth of the smallest request limit, at least 1, so a burst against
    /// `rpm: 30` is told at once while `rpm: 100000` is not reconciled every few calls (a
    /// statement each: measured, every 8 calls doubled the CPU per request at high rates); 8
    /// when only tokens are limited.
    var handOverAfterCalls: Int {
        let requestLimits = [limits.requestsPerMinute, limits.requestsPerDay].compactMap { $0 }.filter { $0 > 0 }
        guard let smallest = requestLimits.min() else { return 8 }
        return max(smallest / 20, 1)
    }

    var sharedCounters: [QuotaCounter] {
        var counters: [QuotaCounter] = []
        if limits.requestsPerMinute != nil { counters.append(.rpm) }
        if limits.requestsPerDay != nil { counters.append(.rpd) }
        if limits.tokensPerMinute != nil { counters.append(.tpm) }
        if limits.tokensPerDay != nil { counters.append(.tpd) }
        return counters
    }

    /// Share of the tightest request limit left (0...1); `nil` without request limits.
    public mutating func headroom(now: Instant, dailyReset: Instant) -> Double? {
        var shares: [Double] = []
        if let rpm = limits.requestsPerMinute, rpm > 0 {
            shares.append(1 - Double(recentCalls.count(since: now.advanced(by: .seconds(-60)))) / Double(rpm))
        }
        if let rpd = limits.requestsPerDay, rpd > 0 {
            shares.append(1 - Double(requestsToday.total(now: now, dailyReset: dailyReset)) / Double(rpd))
        }
        return shares.min().map { min(max($0, 0), 1) }
    }

    /// Calls and tokens counted so far, for `/health/providers`.
    public mutating func usage(now: Instant, dailyReset: Instant) -> QuotaUsage {
        QuotaUsage(
            requestsLastMinute: limits.requestsPerMinute == nil ? nil : recentCalls.count(since: now.advanced(by: .seconds(-60))),
            requestsToday: limits.requestsPerDay == nil ? nil : requestsToday.total(now: now, dailyReset: dailyReset),
            tokensLastMinute: limits.tokensPerMinute == nil ? nil : tokensThisMinute.total(now: now, dailyReset: dailyReset),
            tokensToday: limits.tokensPerDay == nil ? nil : tokensToday.total(now: now, dailyReset: dailyReset),
            inFlight: inFlight
        )
    }
}

/// What a quota has counted, beside its limits.
public struct QuotaUsage: Sendable, Equatable, Encodable {
    public var requestsLastMinute: Int?
    public var requestsToday: Int?
    public var tokensLastMinute: Int?
    public var tokensToday: Int?
    public var inFlight: Int

    enum CodingKeys: String, CodingKey {
        case requestsLastMinute = "requests_last_minute"
        case requestsToday = "requests_today"
        case tokensLastMinute = "tokens_last_minute"
        case tokensToday = "tokens_today"
        case inFlight = "in_flight"
    }
}

/// The instants of the last `capacity` events, oldest first out.
struct InstantRing<Instant: InstantProtocol>: Sendable {
    private var slots: [Instant] = []
    private var next = 0
    let capacity: Int

    init(capacity: Int) {
        self.capacity = max(capacity, 0)
    }

    var isFull: Bool { capacity > 0 && slots.count == capacity }

    /// The oldest kept instant.
    var oldest: Instant? {
        guard !slots.isEmpty else { return nil }
        return slots.count < capacity ? slots[0] : slots[next]
    }

    mutating func append(_ instant: Instant) {
        guard capacity > 0 else { return }
        if slots.count < capacity {
            slots.append(instant)
        } else {
            slots[next] = instant
            next = (next + 1) % capacity
        }
    }

    /// How many kept instants are after `start`. Instants come in order (one clock), so a
    /// binary search finds the first: a scan cost every admission O(rpm), which with a large
    /// `rpm` shared across instances doubled the CPU per request.
    func count(since start: Instant) -> Int {
        let first = slots.count < capacity ? 0 : next
        var low = 0
        var high = slots.count
        while low < high {
            let middle = (low + high) / 2
            if slots[(first + middle) % slots.count] > start { high = middle } else { low = middle + 1 }
        }
        return slots.count - low
    }
}

/// A sum over a window: either one counter that starts over at the daily reset, or a ring of
/// buckets covering a rolling span.
struct WindowCounter<Instant: InstantProtocol>: Sendable where Instant.Duration == Duration {
    enum Shape: Sendable {
        case fixed
        case rolling(bucket: Duration, count: Int)
    }

    let shape: Shape
    private var fixedTotal = 0
    private var fixedEnds: Instant?
    private var buckets: [(start: Instant, total: Int)] = []

    init(shape: Shape) {
        self.shape = shape
    }

    mutating func add(_ amount: Int, now: Instant, dailyReset: Instant) {
        switch shape {
        case .fixed:
            rollFixed(now: now, dailyReset: dailyReset)
            fixedTotal += amount
        case .rolling(let width, let count):
            prune(now: now, width: width, count: count)
            if let last = buckets.last, now < last.start.advanced(by: width) {
                buckets[buckets.count - 1].total += amount
            } else {
                buckets.append((now, amount))
            }
        }
    }

    mutating func total(now: Instant, dailyReset: Instant) -> Int {
        switch shape {
        case .fixed:
            rollFixed(now: now, dailyReset: dailyReset)
            return fixedTotal
        case .rolling(let width, let count):
            prune(now: now, width: width, count: count)
            return buckets.reduce(0) { $0 + $1.total }
        }
    }

    /// When the count next drops: the daily reset, or when the oldest bucket leaves the span.
    func freesAt(now: Instant, dailyReset: Instant) -> Instant? {
        switch shape {
        case .fixed: return fixedEnds ?? dailyReset
        case .rolling(let width, let count): return buckets.first.map { $0.start.advanced(by: width * count) }
        }
    }

    private mutating func rollFixed(now: Instant, dailyReset: Instant) {
        if let ends = fixedEnds, now < ends { return }
        fixedTotal = 0
        fixedEnds = dailyReset
    }

    private mutating func prune(now: Instant, width: Duration, count: Int) {
        let span = width * count
        while let first = buckets.first, now >= first.start.advanced(by: span) { buckets.removeFirst() }
    }
}
