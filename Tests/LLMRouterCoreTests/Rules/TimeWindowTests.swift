import Foundation
import LLMRouterCore
import Testing

/// Milliseconds since 1970 for an ISO 8601 UTC time (`2026-03-29T01:00:00Z`).
func wallTime(_ iso: String) -> Int64 {
    guard let date = ISO8601DateFormatter().date(from: iso) else { fatalError("bad test date \(iso)") }
    return Int64(date.timeIntervalSince1970 * 1000)
}

struct TimeWindowTests {
    static let berlin = TimeZone(identifier: "Europe/Berlin")!
    static let weekdays: UInt8 = 0b001_1111

    static func window(_ hours: String, days: UInt8 = TimeWindow.allDays, zone: TimeZone = berlin) -> TimeWindow {
        let span = TimeWindow.parseHours(hours)!
        return TimeWindow(days: days, startMinute: span.start, endMinute: span.end, zone: zone)
    }

    @Test(arguments: [
        ("2026-03-27T07:59:00Z", false), // Friday 08:59 CET
        ("2026-03-27T08:00:00Z", true), // 09:00 CET
        ("2026-03-27T16:59:00Z", true), // 17:59 CET
        ("2026-03-27T17:00:00Z", false), // 18:00 CET
        ("2026-03-28T10:00:00Z", false), // Saturday
        ("2026-03-30T06:59:00Z", false), // Monday 08:59 CEST: the same UTC hour was inside last week
        ("2026-03-30T07:00:00Z", true), // 09:00 CEST
        ("2026-03-30T15:59:00Z", true),
        ("2026-03-30T16:00:00Z", false), // 18:00 CEST
    ])
    func businessHoursFollowTheLocalClock(_ iso: String, inside: Bool) {
        #expect(Self.window("09:00-18:00", days: Self.weekdays).contains(wallTime: wallTime(iso)) == inside, "\(iso)")
    }

    @Test(arguments: [
        ("2026-03-29T00:59:00Z", false), // 01:59 CET
        ("2026-03-29T01:00:00Z", true), // the clock jumps to 03:00 CEST
        ("2026-03-29T01:59:00Z", true), // 03:59 CEST
        ("2026-03-29T02:00:00Z", false), // 04:00 CEST
    ])
    func theSpringJumpSkipsTheMissingHour(_ iso: String, inside: Bool) {
        #expect(Self.window("02:00-04:00").contains(wallTime: wallTime(iso)) == inside, "\(iso)")
        // 02:00-03:00 does not exist that night: nothing falls in it.
        #expect(!Self.window("02:00-03:00").contains(wallTime: wallTime(iso)))
    }

    @Test(arguments: [
        ("2026-10-24T23:59:00Z", false), // 01:59 CEST
        ("2026-10-25T00:00:00Z", true), // 02:00 CEST
        ("2026-10-25T00:59:00Z", true), // 02:59 CEST
        ("2026-10-25T01:00:00Z", true), // back to 02:00 CET: the hour comes twice
        ("2026-10-25T01:59:00Z", true),
        ("2026-10-25T02:00:00Z", false), // 03:00 CET
    ])
    func theAutumnRepeatCountsTheHourTwice(_ iso: String, inside: Bool) {
        #expect(Self.window("02:00-03:00").contains(wallTime: wallTime(iso)) == inside, "\(iso)")
    }

    @Test(arguments: [
        ("2026-12-04T21:59:00Z", false), // Friday 21:59
        ("2026-12-04T22:00:00Z", true),
        ("2026-12-05T03:00:00Z", true), // Saturday night belongs to Friday's window
        ("2026-12-05T05:59:00Z", true),
        ("2026-12-05T06:00:00Z", false),
        ("2026-12-05T22:30:00Z", false), // Saturday's own evening: not a listed day
        ("2026-12-04T03:00:00Z", false), // Friday early morning belongs to Thursday
    ])
    func aWindowAcrossMidnightBelongsToItsStartDay(_ iso: String, inside: Bool) {
        let friday: UInt8 = 1 << 4
        let utc = TimeZone(identifier: "UTC")!
        #expect(Self.window("22:00-06:00", days: friday, zone: utc).contains(wallTime: wallTime(iso)) == inside, "\(iso)")
    }

    @Test func hoursParse() {
        #expect(TimeWindow.parseHours("09:00-18:00")! == (540, 1080))
        #expect(TimeWindow.parseHours("22:00-06:30")! == (1320, 390))
        #expect(TimeWindow.parseHours("00:00-24:00")! == (0, 0))
        for bad in ["9-18", "09:00", "25:00-26:00", "09:60-10:00", "24:00-01:00", "09:00-18:00-20:00", "a:bc-d:ef"] {
            #expect(TimeWindow.parseHours(bad) == nil, "\(bad)")
        }
    }

    @Test func equalStartAndEndIsTheWholeDay() {
        let sundays = Self.window("00:00-24:00", days: 1 << 6)
        #expect(sundays.contains(wallTime: wallTime("2026-03-29T12:00:00Z")))
        #expect(!sundays.contains(wallTime: wallTime("2026-03-30T12:00:00Z")))
    }
}

/// One window asked again and again, as a rule is on every request: its remembered zone offset
/// must not outlive a daylight-saving change, nor be used for an earlier instant.
struct TimeWindowOffsetReuseTests {
    @Test func oneWindowFollowsTheChangesItLivesThrough() {
        let window = TimeWindowTests.window("09:00-10:00")
        let asked: [(String, Bool)] = [
            ("2026-03-28T08:30:00Z", true), // 09:30 CET
            ("2026-03-28T09:30:00Z", false), // 10:30 CET
            ("2026-03-29T07:30:00Z", true), // 09:30 CEST: the spring change came in between
            ("2026-03-29T08:30:00Z", false), // 10:30 CEST
            ("2026-03-28T08:30:00Z", true), // back before the change: CET again
            ("2026-10-25T07:30:00Z", false), // 08:30 CET, after the autumn change
            ("2026-10-25T08:30:00Z", true), // 09:30 CET
            ("2026-10-24T07:30:00Z", true), // 09:30 CEST, the day before
        ]
        for (iso, inside) in asked {
            #expect(window.contains(wallTime: wallTime(iso)) == inside, "\(iso)")
        }
    }

    @Test func windowsCompareByWhatTheyHoldNotByWhatTheyRemember() {
        let asked = TimeWindowTests.window("09:00-10:00")
        _ = asked.contains(wallTime: wallTime("2026-03-28T08:30:00Z"))
        #expect(asked == TimeWindowTests.window("09:00-10:00"))
        #expect(asked != TimeWindowTests.window("09:00-11:00"))
    }

    /// The offset is remembered for a quarter of an hour: a second before a change and the
    /// second it happens are different quarters, whatever order they are asked in.
    @Test func theSecondOfAChangeIsNotTheSecondBefore() {
        let window = TimeWindowTests.window("03:00-04:00") // Berlin springs from 02:00 CET to 03:00 CEST at 01:00 UTC
        for (iso, inside) in [("2026-03-29T00:59:59Z", false), ("2026-03-29T01:00:00Z", true), ("2026-03-29T00:59:59Z", false), ("2026-03-29T01:14:59Z", true)] {
            #expect(window.contains(wallTime: wallTime(iso)) == inside, "\(iso)")
        }
        // Lord Howe moves by half an hour (+10:30 to +11:00) at 02:00 local, 15:30 UTC the day before.
        let lordHowe = TimeWindowTests.window("02:00-03:00", zone: TimeZone(identifier: "Australia/Lord_Howe")!)
        for (iso, inside) in [("2026-10-03T15:29:59Z", false), ("2026-10-03T15:30:00Z", true), ("2026-10-03T15:29:00Z", false)] {
            #expect(lordHowe.contains(wallTime: wallTime(iso)) == inside, "\(iso)")
        }
    }

    /// A change off the quarter hours (Monrovia left its -0:44:30 for GMT at 00:44:30 UTC on
    /// Friday 1972-01-07) is asked of the zone each time within its quarter, never remembered.
    @Test func aChangeInsideAQuarterIsNotRemembered() {
        let monrovia = TimeZone(identifier: "Africa/Monrovia")!
        let fridayMorning = TimeWindowTests.window("00:00-01:00", days: 0b001_0000, zone: monrovia)
        for (iso, inside) in [("1972-01-07T00:44:29Z", false), ("1972-01-07T00:44:30Z", true), ("1972-01-07T00:44:29Z", false), ("1972-01-07T00:44:31Z", true)] {
            #expect(fridayMorning.contains(wallTime: wallTime(iso)) == inside, "\(iso)")
        }
    }
}
