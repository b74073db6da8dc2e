#if canImport(FoundationEssentials)
public import FoundationEssentials
#else
public import Foundation
#endif

/// A configured limit's counter, as instances share it: each is counted in fixed wall-clock
/// windows (a minute, or the day between two daily resets).
public enum QuotaCounter: String, Sendable, CaseIterable {
    case rpm, rpd, tpm, tpd

    /// Per-minute counters (`rpm`, `tpm`); the others are per day.
    public var isPerMinute: Bool { self == .rpm || self == .tpm }
}

/// One counter's use in one window: what this instance hands over (its use since the last
/// hand-over) or what it is told (the other instances' use in that window).
public struct SharedQuotaUsage: Sendable, Hashable {
    /// The limit scope (`route:NAME`, `pool:NAME`) or access key (`key:NAME`).
    public var scope: String
    public var counter: QuotaCounter
    /// The window's start, in seconds since 1970 (wall time).
    public var windowStart: Int64
    /// When the window ends, in seconds since 1970.
    public var windowEnd: Int64
    public var used: Int

    public init(scope: String, counter: QuotaCounter, windowStart: Int64, windowEnd: Int64, used: Int) {
        self.scope = scope
        self.counter = counter
        self.windowStart = windowStart
        self.windowEnd = windowEnd
        self.used = used
    }
}

/// Which shared windows are current: the wall-clock minute (and how far into it) and the day.
public struct QuotaWindows: Sendable, Equatable {
    /// The current minute's start, seconds since 1970.
    public var minute: Int64
    /// How much of the minute has passed, 0..<1: the previous minute's use still weighs
    /// `1 - minuteElapsed` of itself in a sliding minute.
    public var minuteElapsed: Double
    public var day: Int64
    public var dayEnd: Int64

    public init(minute: Int64, minuteElapsed: Double, day: Int64, dayEnd: Int64) {
        self.minute = minute
        self.minuteElapsed = minuteElapsed
        self.day = day
        self.dayEnd = dayEnd
    }

    /// The windows at wall time `date`; `dayEnd` is the next daily reset (`nil`: the UTC day).
    public init(at date: Date, dayEnd: Date?) {
        let seconds = date.timeIntervalSince1970
        minute = Int64((seconds / 60).rounded(.down)) * 60
        minuteElapsed = min(max((seconds - Double(minute)) / 60, 0), 0.999_999)
        if let dayEnd {
            self.dayEnd = Int64(dayEnd.timeIntervalSince1970.rounded())
            day = self.dayEnd - 86_400
        } else {
            day = Int64((seconds / 86_400).rounded(.down)) * 86_400
            self.dayEnd = day + 86_400
        }
    }

    func start(of counter: QuotaCounter) -> Int64 { counter.isPerMinute ? minute : day }
    func end(of counter: QuotaCounter) -> Int64 { counter.isPerMinute ? minute + 60 : dayEnd }
}

/// A quota's half of the reconciliation: this instance's use not yet handed over, and the
/// other instances' use as the last reconciliation reported it. A plain value, kept under the
/// provider state's lock (or a key quota's).
struct SharedQuotaCounts: Sendable {
    struct Key: Hashable, Sendable {
        var counter: QuotaCounter
        var window: Int64
    }

    private(set) var unsent: [Key: (amount: Int, end: Int64)] = [:]
    private var others: [Key: Int] = [:]

    mutating func add(_ amount: Int, to counter: QuotaCounter, windows: QuotaWindows) {
        guard amount > 0 else { return }
        let key = Key(counter: counter, window: windows.start(of: counter))
        unsent[key, default: (0, windows.end(of: counter))].amount += amount
    }

    /// What the other instances used of `counter` in the current window; for a per-minute
    /// counter, plus the previous minute's share still inside a sliding minute (their calls
    /// taken as spread evenly over it).
    func othersUsed(_ counter: QuotaCounter, windows: QuotaWindows) -> Int {
        guard !others.isEmpty else { return 0 }
        let current = others[Key(counter: counter, window: windows.start(of: counter))] ?? 0
        guard counter.isPerMinute, let previous = others[Key(counter: counter, window: windows.minute - 60)] else { return current }
        return current + Int((Double(previous) * (1 - windows.minuteElapsed)).rounded(.up))
    }

    /// Hands over the unsent use, with a zero row for every current window of `counters` not
    /// in it (so the other instances' use there is read back too).
    mutating func drain(scope: String, counters: [QuotaCounter], windows: QuotaWindows) -> [SharedQuotaUsage] {
        var rows = unsent.map { SharedQuotaUsage(scope: scope, counter: $0.key.counter, windowStart: $0.key.window, windowEnd: $0.value.end, used: $0.value.amount) }
        for counter in counters where unsent[Key(counter: counter, window: windows.start(of: counter))] == nil {
            rows.append(SharedQuotaUsage(scope: scope, counter: counter, windowStart: windows.start(of: counter), windowEnd: windows.end(of: counter), used: 0))
        }
        unsent = [:]
        return rows
    }

    /// Takes the other instances' use of one window; forgets windows too old to matter.
    mutating func setOthers(_ used: Int, counter: QuotaCounter, window: Int64) {
        others[Key(counter: counter, window: window)] = max(used, 0)
        let oldest = counter.isPerMinute ? window - 60 : window
        others = others.filter { $0.key.counter != counter || $0.key.window >= oldest }
    }
}
