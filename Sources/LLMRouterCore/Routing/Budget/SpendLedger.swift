import Synchronization

/// The day's settled spend at route prices, in total and per access key. A day is a UTC day
/// of the router's wall time (its clock, so a mock clock rolls days over too); the first spend
/// of a new day starts from zero.
///
/// Kept in memory: a restart starts the day's spend again from zero (the usage log's
/// `cost_usd` keeps the history).
public final class SpendLedger: Sendable {
    private struct Day {
        var number: Int64 = .min
        var total: Double = 0
        var keys: [String: Double] = [:]
    }

    /// The label the spend of requests without an access key is kept under.
    public static let noKey = "-"
    private static let dayMilliseconds: Int64 = 86_400_000
    private let day = Mutex(Day())

    public init() {}

    /// What was spent today, in total and by `key`.
    public func spent(key: String?, now: Int64) -> (total: Double, key: Double) {
        let number = Self.day(of: now)
        return day.withLock { day in
            guard day.number == number else { return (0, 0) }
            return (day.total, day.keys[key ?? Self.noKey] ?? 0)
        }
    }

    /// Adds `usd` spent by `key` at `now`.
    public func add(_ usd: Double, key: String?, now: Int64) {
        guard usd > 0, usd.isFinite else { return }
        let number = Self.day(of: now)
        day.withLock { day in
            if day.number != number { day = Day(number: number) }
            day.total += usd
            day.keys[key ?? Self.noKey, default: 0] += usd
        }
    }

    /// Today's spend per key (``noKey`` for requests without one); empty on a day with none.
    public func today(now: Int64) -> [String: Double] {
        let number = Self.day(of: now)
        return day.withLock { $0.number == number ? $0.keys : [:] }
    }

    private static func day(of milliseconds: Int64) -> Int64 {
        milliseconds >= 0 ? milliseconds / dayMilliseconds : (milliseconds - dayMilliseconds + 1) / dayMilliseconds
    }
}

/// Paid fallbacks within a budget: `budget: {usd_per_day: N}` for the router, `usd_per_day` per
/// access key. A paid route (see ``ProviderConfiguration/isPaid``) is skipped with reason
/// `budget` once the day's settled spend reaches either; free routes are never held back.
extension RequestRouter {
    /// Why `route` is held back by a budget now; `nil` when it may be called.
    func budgetSkip(_ route: Route, budget: Double?, keyBudget: Double?, key: String?) -> String? {
        guard budget != nil || keyBudget != nil, route.configuration.isPaid else { return nil }
        let spent = spend.spent(key: key, now: wallTime())
        if let budget, spent.total >= budget { return "budget: \(Self.dollars(spent.total)) of \(Self.dollars(budget)) spent today" }
        if let keyBudget, spent.key >= keyBudget {
            return "budget: key \(key ?? SpendLedger.noKey) spent \(Self.dollars(spent.key)) of \(Self.dollars(keyBudget)) today"
        }
        return nil
    }

    /// Counts what an answer of `route` cost against the day's budgets.
    func recordSpend(_ price: RoutePrice?, promptTokens: Int, completionTokens: Int, key: String?) {
        guard let price else { return }
        spend.add(price.cost(promptTokens: promptTokens, completionTokens: completionTokens), key: key, now: wallTime())
    }

    /// Today's spend per access key, for `/metrics`.
    public func spentToday() -> [String: Double] {
        spend.today(now: wallTime())
    }

    static func dollars(_ usd: Double) -> String {
        let cents = (usd * 100).rounded()
        let whole = Int64(cents) / 100
        let rest = Int64(cents) % 100
        return "$\(whole).\(rest < 10 ? "0" : "")\(rest)"
    }
}

extension ProviderConfiguration {
    /// A route that costs money: `allow_paid`, or a price above zero. Free routes come first, and
    /// only paid ones are held back by a budget.
    public var isPaid: Bool {
        allowPaid || (price.map { $0.inputPerMillion > 0 || $0.outputPerMillion > 0 } ?? false)
    }
}
