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
    /// The zone's offset from UTC, asked of the time-zone database once per stretch between two
    /// daylight-saving changes instead of on every request (a rule is tried on every request).
    private var offsets: ZoneOffsets

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
        let offset = offsets.offset(at: seconds)
        let local = seconds + offset
        let day = local.dividingFloor(by: 86_400)
        let minute = Int((local - day * 86_400) / 60)
        // 1970-01-01 was a Thursday: day 0 is weekday 3 counting Monday as 0.
        let weekday = Int((day + 3).modulo(7))
        let yesterday = (weekday + 6) % 7
        if startMinute == endMinute { return isOn(weekday) }
        if startMinute < endMinute { return isOn(weekday) && minute >= startMinute && minute < endMinute }
        if minute >= startMinute { return isOn(weekday) }
        return minute < endMinute && isOn(yesterday)
    }

    private func isOn(_ weekday: Int) -> Bool {
        days & (1 << UInt8(weekday)) != 0
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

/// A zone's offset from UTC and the stretch of time it holds for: from the instant it was asked
/// for until the zone's next daylight-saving change (a day at most, so a zone whose rules have
/// no such change is still asked again daily).
private final class ZoneOffsets: Sendable {
    private struct Span {
        var from: Int64 = 0
        var until: Int64 = 0
        var offset: Int64 = 0
    }

    private let zone: TimeZone
    private let span = Mutex(Span())

    init(_ zone: TimeZone) {
        self.zone = zone
    }

    /// The offset, in seconds, at `seconds` after 1970.
    func offset(at seconds: Int64) -> Int64 {
        if let known = span.withLock({ $0.from <= seconds && seconds < $0.until ? $0.offset : nil }) { return known }
        let date = Date(timeIntervalSince1970: Double(seconds))
        let offset = Int64(zone.secondsFromGMT(for: date))
        let change = zone.nextDaylightSavingTimeTransition(after: date).map { Int64($0.timeIntervalSince1970.rounded(.down)) }
        let until = min(change ?? .max, seconds + 86_400)
        span.withLock { $0 = Span(from: seconds, until: until, offset: offset) }
        return offset
    }
}

extension Int64 {
    fileprivate func dividingFloor(by divisor: Int64) -> Int64 {
        let quotient = self / divisor
        return (self % divisor != 0 && (self < 0) != (divisor < 0)) ? quotient - 1 : quotient
    }

    fileprivate func modulo(_ divisor: Int64) -> Int64 {
        let remainder = self % divisor
        return remainder < 0 ? remainder + divisor : remainder
    }
}
