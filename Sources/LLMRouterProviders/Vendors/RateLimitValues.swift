#if canImport(FoundationEssentials)
import LLMRouterCore
public import FoundationEssentials
#else
public import Foundation
#endif
import NIOHTTP1

/// The value grammars of rate-limit signals, shared by every vendor dialect, the chat adapter
/// and the catalog probe.
///
/// Every parser takes untrusted text and answers `nil` for anything it does not understand:
/// signs, letters, non-ASCII digits, empty text, numbers that overflow, and durations longer
/// than ``maximum`` (no real limit resets more than a week away; such a value is garbage, and
/// honouring it would park a route for good). A reset that already passed reads as zero, never
/// as a negative duration.
///
/// | Source                                     | Example value                    | Result           |
/// |--------------------------------------------|----------------------------------|------------------|
/// | `Retry-After` (seconds, fractions allowed) | `2`, `1.5`                       | 2 s, 1.5 s       |
/// | `Retry-After` (HTTP date)                  | `Wed, 21 Oct 2015 07:28:00 GMT`  | date − now, ≥ 0  |
/// | `retry-after-ms`                           | `1500`                           | 1.5 s            |
/// | reset, Go-style (Groq, OpenAI)             | `2m59.56s`, `7.66s`, `120ms`     | 179.56 s, ...    |
/// | reset, plain seconds (Cerebras)            | `33011.382867097855`             | 33011.38 s       |
/// | reset, epoch milliseconds (OpenRouter)     | `1761609600000`                  | that instant − now, ≥ 0 |
/// | reset, epoch seconds                       | `1761609600`                     | that instant − now, ≥ 0 |
/// | the error message (Groq)                   | `… Please try again in 9m52.272s.` | 592.272 s      |
/// | the error message (GitHub Models)          | `… Please wait 24367 seconds …`  | 24367 s          |
public enum RateLimitValues {
    /// The longest wait any parser returns; longer values are treated as garbage.
    public static let maximum: Duration = .seconds(8 * 86_400)

    /// Parses a `Retry-After` value: delay-seconds (fractions accepted) or an IMF-fixdate.
    ///
    /// | value                            | now                    | result |
    /// |----------------------------------|------------------------|--------|
    /// | `120`                            | any                    | 120 s  |
    /// | `0.25`                           | any                    | 0.25 s |
    /// | `Wed, 21 Oct 2015 07:28:30 GMT`  | 2015-10-21 07:28:00 UTC | 30 s  |
    /// | `Wed, 21 Oct 2015 07:28:00 GMT`  | later                  | 0 s    |
    /// | `-3`, `soon`                     | any                    | `nil`  |
    public static func parseRetryAfter(_ value: String, now: Date) -> Duration? {
        let text = value.trimmingWhitespace()
        if let nanoseconds = decimalNanoseconds(Substring(text), unit: 1_000_000_000) {
            return bounded(.nanoseconds(nanoseconds))
        }
        guard let date = HTTPDate.parse(text) else { return nil }
        return untilInstant(secondsSince1970: date, now: now)
    }

    /// Parses `retry-after-ms` (OpenAI, Azure): milliseconds, fractions allowed.
    public static func parseRetryAfterMilliseconds(_ value: String) -> Duration? {
        decimalNanoseconds(Substring(value.trimmingWhitespace()), unit: 1_000_000).flatMap { bounded(.nanoseconds($0)) }
    }

    /// Parses a limit or remaining count: ASCII digits only, no sign, within `Int`.
    public static func parseCount(_ value: String) -> Int? {
        let text = value.trimmingWhitespace()
        guard !text.isEmpty, text.utf8.count <= 18, text.utf8.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }) else { return nil }
        return Int(text)
    }

    /// Parses a Go-style duration as Groq sends in `x-ratelimit-reset-*`: a sequence of decimal
    /// numbers with units `h`, `m`, `s`, `ms`, `us`/`µs`, `ns`. A bare number means seconds.
    ///
    /// | value      | result     |
    /// |------------|------------|
    /// | `2m59.56s` | 179.56 s   |
    /// | `7.66s`    | 7.66 s     |
    /// | `120ms`    | 0.12 s     |
    /// | `1h2m3s`   | 3723 s     |
    /// | `30`       | 30 s       |
    /// | `5x`, ``   | `nil`      |
    public static func parseGoDuration(_ value: String) -> Duration? {
        unboundedGoDuration(value).flatMap(bounded)
    }

    private static func unboundedGoDuration(_ value: String) -> Duration? {
        var rest = Substring(value.trimmingWhitespace())
        guard !rest.isEmpty else { return nil }
        if let nanoseconds = decimalNanoseconds(rest, unit: 1_000_000_000) { return .nanoseconds(nanoseconds) }
        var total: Int64 = 0
        while !rest.isEmpty {
            let number = rest.prefix { $0.isASCII && ($0.isNumber || $0 == ".") }
            rest = rest.dropFirst(number.count)
            let unitText = rest.prefix { !($0.isASCII && ($0.isNumber || $0 == ".")) }
            rest = rest.dropFirst(unitText.count)
            guard let unit = goUnits[String(unitText)],
                  let part = decimalNanoseconds(number, unit: unit) else { return nil }
            let (sum, overflow) = total.addingReportingOverflow(part)
            guard !overflow else { return nil }
            total = sum
        }
        return .nanoseconds(total)
    }

    /// Finds the wait an error message names: Groq's "Please try again in 9m52.272s", GitHub
    /// Models' "Please wait 24367 seconds before retrying".
    public static func delay(fromMessage message: String) -> Duration? {
        let lowered = message.lowercased()
        if let range = lowered.firstRange(of: "try again in ") {
            var token = lowered[range.upperBound...].prefix { !$0.isWhitespace && $0 != "," && $0 != ")" }
            while token.last == "." { token.removeLast() }
            return parseGoDuration(String(token))
        }
        if let range = lowered.firstRange(of: "please wait ") {
            let words = lowered[range.upperBound...].split(separator: " ", maxSplits: 2)
            guard words.count >= 2, words[1].hasPrefix("second") else { return nil }
            return decimalNanoseconds(words[0], unit: 1_000_000_000).flatMap { bounded(.nanoseconds($0)) }
        }
        return nil
    }

    /// A reset header: epoch milliseconds (OpenRouter, 12 digits and more), epoch seconds (10 or
    /// 11 digits from 1e9, which as a duration would be decades), or a duration: Go-style (Groq)
    /// or plain seconds (Cerebras).
    public static func parseReset(_ value: String, now: Date) -> Duration? {
        let text = value.trimmingWhitespace()
        if text.utf8.count >= 10, text.utf8.count <= 16, text.utf8.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }), let number = Int64(text) {
            if number >= 100_000_000_000 { return untilInstant(secondsSince1970: Double(number) / 1000, now: now) }
            if number >= 1_000_000_000 { return untilInstant(secondsSince1970: Double(number), now: now) }
        }
        return parseGoDuration(text)
    }

    private static func bounded(_ duration: Duration) -> Duration? {
        duration <= maximum ? duration : nil
    }

    private static let goUnits: [String: Int64] = [
        "h": 3_600_000_000_000, "m": 60_000_000_000, "s": 1_000_000_000,
        "ms": 1_000_000, "us": 1_000, "µs": 1_000, "ns": 1,
    ]

    /// `12.345` in `unit` nanoseconds, computed exactly (no `Double` rounding); `nil` unless the
    /// text is digits with at most one dot.
    private static func decimalNanoseconds(_ text: Substring, unit: Int64) -> Int64? {
        let parts = text.split(separator: ".", maxSplits: 1, omittingEmptySubsequences: false)
        guard let wholeText = parts.first, !text.isEmpty, text != "." else { return nil }
        let fractionText = parts.count > 1 ? parts[1] : ""
        guard (wholeText + fractionText).allSatisfy({ $0.isASCII && $0.isNumber }) else { return nil }
        let whole = wholeText.isEmpty ? 0 : Int64(wholeText)
        guard let whole else { return nil }
        let (wholeNanoseconds, overflow) = whole.multipliedReportingOverflow(by: unit)
        guard !overflow else { return nil }
        var fraction: Int64 = 0
        var scale = unit
        for digit in fractionText.prefix(18) {
            scale /= 10
            guard scale > 0, let value = digit.wholeNumberValue else { break }
            fraction += Int64(value) * scale
        }
        return wholeNanoseconds + fraction
    }

    private static func untilInstant(secondsSince1970 instant: Double, now: Date) -> Duration? {
        let seconds = instant - now.timeIntervalSince1970
        guard seconds.isFinite else { return nil }
        guard seconds > 0 else { return .zero }
        return bounded(.milliseconds(Int64((min(seconds, 1e12) * 1000).rounded())))
    }
}

/// Parses the IMF-fixdate form of HTTP dates (`Sun, 06 Nov 1994 08:49:37 GMT`, RFC 9110 §5.6.7),
/// the only form servers may send today.
enum HTTPDate {
    /// Seconds since 1970 for `text`, or `nil` when it is not an IMF-fixdate.
    static func parse(_ text: String) -> Double? {
        let fields = text.split(separator: " ")
        guard fields.count == 6, fields[0].hasSuffix(","), fields[5] == "GMT",
              let day = Int(fields[1]), (1...31).contains(day),
              let monthIndex = months.firstIndex(of: String(fields[2])),
              let year = Int(fields[3]), fields[3].count == 4
        else { return nil }
        let clock = fields[4].split(separator: ":")
        guard clock.count == 3, let hour = Int(clock[0]), let minute = Int(clock[1]), let second = Int(clock[2]),
              (0...23).contains(hour), (0...59).contains(minute), (0...60).contains(second)
        else { return nil }
        let days = daysFromCivil(year: year, month: monthIndex + 1, day: day)
        return Double(days * 86_400 + hour * 3_600 + minute * 60 + second)
    }

    private static let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]

    /// Days since 1970-01-01 in the proleptic Gregorian calendar (H. Hinnant's algorithm).
    private static func daysFromCivil(year: Int, month: Int, day: Int) -> Int {
        let shiftedYear = month <= 2 ? year - 1 : year
        let era = (shiftedYear >= 0 ? shiftedYear : shiftedYear - 399) / 400
        let yearOfEra = shiftedYear - era * 400
        let dayOfYear = (153 * (month > 2 ? month - 3 : month + 9) + 2) / 5 + day - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        return era * 146_097 + dayOfEra - 719_468
    }
}
