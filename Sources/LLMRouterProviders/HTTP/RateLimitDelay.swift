#if canImport(FoundationEssentials)
import LLMRouterCore
public import FoundationEssentials
#else
public import Foundation
#endif
public import NIOHTTP1

/// How long an upstream asked us to wait after a rate limit, read from its headers or message.
///
/// Sources, first match wins:
///
/// | Source                                  | Example value                       | Delay          |
/// |-----------------------------------------|-------------------------------------|----------------|
/// | `Retry-After` (seconds)                 | `2`                                 | 2 s            |
/// | `Retry-After` (seconds, fractional)     | `1.5`                               | 1.5 s          |
/// | `Retry-After` (HTTP date)               | `Wed, 21 Oct 2015 07:28:00 GMT`     | date − now, ≥ 0 |
/// | `x-ratelimit-reset-requests` (Groq)     | `2m59.56s`                          | 179.56 s       |
/// | `x-ratelimit-reset-tokens` (Groq)       | `7.66s`                             | 7.66 s         |
/// | `x-ratelimit-reset-*`                   | `120ms`                             | 0.12 s         |
/// | `x-ratelimit-reset` (OpenRouter, epoch ms) | `1761609600000`                  | that instant − now, ≥ 0 |
/// | the error message (Groq)                | `… Please try again in 9m52.272s.`  | 592.272 s      |
///
/// When several reset headers are present, the ones whose `x-ratelimit-remaining-*` is `0` are
/// the limits that were hit; the longest of those is used (or the longest of all when none says
/// `0`), because retrying before the exhausted bucket refills would only earn another 429.
public enum RateLimitDelay {
    /// The delay the headers (or, failing that, `message`) ask for; `nil` when they say nothing.
    public static func delay(headers: HTTPHeaders, message: String? = nil, now: Date) -> Duration? {
        if let value = headers.first(name: "retry-after"), let delay = parseRetryAfter(value, now: now) {
            return delay
        }
        var candidates: [(exhausted: Bool, delay: Duration)] = []
        for suffix in ["-requests", "-tokens", ""] {
            guard let value = headers.first(name: "x-ratelimit-reset" + suffix),
                  let delay = parseReset(value, now: now) else { continue }
            let remaining = headers.first(name: "x-ratelimit-remaining" + suffix)?.trimmingWhitespace()
            candidates.append((remaining == "0", delay))
        }
        let exhausted = candidates.filter(\.exhausted)
        if let longest = (exhausted.isEmpty ? candidates : exhausted).map(\.delay).max() {
            return longest
        }
        return message.flatMap(delay(fromMessage:))
    }

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
            return .nanoseconds(nanoseconds)
        }
        guard let date = HTTPDate.parse(text) else { return nil }
        return untilInstant(secondsSince1970: date, now: now)
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

    /// Finds Groq's "Please try again in 9m52.272s" in an error message.
    public static func delay(fromMessage message: String) -> Duration? {
        let lowered = message.lowercased()
        guard let range = lowered.firstRange(of: "try again in ") else { return nil }
        var token = lowered[range.upperBound...].prefix { !$0.isWhitespace && $0 != "," && $0 != ")" }
        while token.last == "." { token.removeLast() }
        return parseGoDuration(String(token))
    }

    /// A reset header: epoch milliseconds (OpenRouter) or a Go-style duration (Groq).
    static func parseReset(_ value: String, now: Date) -> Duration? {
        let text = value.trimmingWhitespace()
        if text.count >= 12, text.allSatisfy(\.isASCII), let milliseconds = Int64(text) {
            return untilInstant(secondsSince1970: Double(milliseconds) / 1000, now: now)
        }
        return parseGoDuration(text)
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

    private static func untilInstant(secondsSince1970 instant: Double, now: Date) -> Duration {
        let seconds = instant - now.timeIntervalSince1970
        return seconds > 0 ? .milliseconds(Int64((seconds * 1000).rounded())) : .zero
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
