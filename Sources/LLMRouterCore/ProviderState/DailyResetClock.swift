import Foundation

/// When a daily limit starts over, in wall time.
public enum DailyResetClock {
    /// The first reset strictly after `now`: the next midnight UTC, the next midnight in the
    /// named time zone (an unknown zone falls back to UTC), or, for `rolling`, a day from now.
    static func next(after now: Date, reset: RateLimitConfiguration.DailyReset) -> Date {
        switch reset {
        case .rolling:
            return now.addingTimeInterval(86_400)
        case .utc:
            return nextMidnight(after: now, in: TimeZone(identifier: "UTC"))
        case .timeZone(let identifier):
            return nextMidnight(after: now, in: TimeZone(identifier: identifier) ?? TimeZone(identifier: "UTC"))
        }
    }

    /// Whether `identifier` names a time zone this system knows.
    public static func isKnownTimeZone(_ identifier: String) -> Bool {
        TimeZone(identifier: identifier) != nil
    }

    private static func nextMidnight(after now: Date, in zone: TimeZone?) -> Date {
        var calendar = Calendar(identifier: .gregorian)
        if let zone { calendar.timeZone = zone }
        let startOfDay = calendar.startOfDay(for: now)
        return calendar.date(byAdding: .day, value: 1, to: startOfDay) ?? now.addingTimeInterval(86_400)
    }
}
