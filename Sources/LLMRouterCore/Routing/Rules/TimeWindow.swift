// The full Foundation: named (IANA) zones need its time-zone database.
import Foundation
import Synchronization

/// `when.time`: days of the week and a span of hours, read in a zone.
///
/// A span whose end is before its start (`22:00-06:00`) runs across midnight and belongs to
/// the day it starts on: `days: [fri]` with `22:00-06:00` holds on Saturday at 03:00. Hours are
/// local wall-clock time, so a business-hours window follows daylight-saving changes.
public struct TimeWindow: Sendable, Equatable {
    /// Bit 0 Monday … bit 6 Sunday; all set by default.
    public var days: UInt8
    /// Minutes after local midnight: inclusive start, exclusive end; equal means all day.
    public var startMinute: Int
    public var endMinute: Int
    public var zone: TimeZone {
        didSet { offsets = ZoneOffsets(zone) }
    }
    /// The zone's offset from UTC, asked of the time-zone database once a quarter of an hour
    /// instead of on every request (a rule is tried on every request).
    private(set) var offsets: ZoneOffsets

    public static let allDays: UInt8 = 0b111_1111
    /// `mon` … `sun`, in bit order.
    public static let dayNames = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]

    public init(days: UInt8 = allDays, startMinute: Int = 0, endMinute: Int = 0, zone: TimeZone) {
        self.days = days
        self.startMinute = startMinute
        self.endMinute = endMinute
        self.zone = zone
        self.offsets = ZoneOffsets(zone)
    }

    public static func == (lhs: TimeWindow, rhs: TimeWindow) -> Bool {
        lhs.days == rhs.days && lhs.startMinute == rhs.startMinute && lhs.endMinute == rhs.endMinute && lhs.zone == rhs.zone
    }

    /// Whether the instant `wallTime` (milliseconds since 1970) falls in the window.
    public func contains(wallTime: Int64) -> Bool {
        let seconds = wallTime.dividingFloor(by: 1000)
        return Self.holds(days: days, startMinute: startMinute, endMinute: endMinute, localSeconds: seconds + offsets.offset(at: seconds))
    }

    /// Whether the local time `localSeconds` (seconds since 1970 on the zone's wall clock) falls
    /// in the window of `days` from `startMinute` to `endMinute`; shared with ``RuleProgram``.
    static func holds(days: UInt8, startMinute: Int, endMinute: Int, localSeconds local: Int64) -> Bool {
        let day = local.dividingFloor(by: 86_400)
        let minute = Int((local - day * 86_400) / 60)
        // 1970-01-01 was a Thursday: day 0 is weekday 3 counting Monday as 0.
        let weekday = Int((day + 3).modulo(7))
        func isOn(_ weekday: Int) -> Bool { days & (1 << UInt8(weekday)) != 0 }
        if startMinute == endMinute { return isOn(weekday) }
        if startMinute < endMinute { return isOn(weekday) && minute >= startMinute && minute < endMinute }
        if minute >= startMinute { return isOn(weekday) }
        return minute < endMinute && isOn((weekday + 6) % 7)
    }

    /// `"09:00-18:00"` as minutes after midnight; `nil` when malformed. `24:00` may end a span.
    public static func parseHours(_ text: String) -> (start: Int, end: Int)? {
        let parts = text.split(separator: "-", omittingEmptySubsequences: false)
        guard parts.count == 2, let start = minutes(parts[0]), let end = minutes(parts[1]), start < 24 * 60 else { return nil }
        return (start, end == 24 * 60 ? 0 : end)
    }

    private static func minutes(_ text: Substring) -> Int? {
        let pieces = text.split(separator: ":", omittingEmptySubsequences: false)
        guard pieces.count == 2, pieces[1].count == 2,
              let hours = Int(pieces[0].trimmingWhitespace()), let minutes = Int(pieces[1]),
              (0...24).contains(hours), (0..<60).contains(minutes), hours < 24 || minutes == 0
        else { return nil }
        return hours * 60 + minutes
    }
}

/// A zone's offset from UTC, remembered for the quarter of an hour it was last asked in.
///
/// Today's offset changes all fall on quarter hours of UTC (every zone's offset is now a multiple
/// of 15 minutes), so within one the offset holds. The quarter and its offset share one
/// atomic word: the rules of every event loop read it and write it four times an hour, where a
/// lock would be written on every request. A quarter holding a change (a zone's rule off the
/// quarter) is never remembered: asked of the database each time instead.
final class ZoneOffsets: Sendable {
    let zone: TimeZone
    /// The quarter (seconds since 1970 / 900) in the high 32 bits, the offset in seconds in the
    /// low 32; ``nothing`` until first asked.
    private let remembered = Atomic<UInt64>(nothing)
    private static let nothing = UInt64.max
    private static let quarter: Int64 = 900

    init(_ zone: TimeZone) {
        self.zone = zone
    }

    /// The offset, in seconds, at `seconds` after 1970.
    func offset(at seconds: Int64) -> Int64 {
        let quarter = seconds.dividingFloor(by: Self.quarter)
        let word = remembered.load(ordering: .relaxed)
        if word != Self.nothing, Int64(word >> 32) == quarter { return Int64(Int32(truncatingIfNeeded: word)) }
        let start = Date(timeIntervalSince1970: Double(quarter * Self.quarter))
        let offset = Int64(zone.secondsFromGMT(for: start))
        let change = zone.nextDaylightSavingTimeTransition(after: start).map { $0.timeIntervalSince1970 }
        if let change, change < Double((quarter + 1) * Self.quarter) {
            return Int64(zone.secondsFromGMT(for: Date(timeIntervalSince1970: Double(seconds))))
        }
        if (0..<Int64(UInt32.max)).contains(quarter) {
            remembered.store(UInt64(quarter) << 32 | UInt64(UInt32(truncatingIfNeeded: offset)), ordering: .relaxed)
        }
        return offset
    }
}

extension Int64 {
    func dividingFloor(by divisor: Int64) -> Int64 {
        let quotient = self / divisor
        return (self % divisor != 0 && (self < 0) != (divisor < 0)) ? quotient - 1 : quotient
    }

    func modulo(_ divisor: Int64) -> Int64 {
        let remainder = self % divisor
        return remainder < 0 ? remainder + divisor : remainder
    }
}
