#if canImport(FoundationEssentials)
public import FoundationEssentials
#else
public import Foundation
#endif
public import LLMRouterCore

/// Reads every rate-limit header dialect into windows and a wait, in one pass over the headers.
///
/// | Header family                                              | Who             | Window                          |
/// |------------------------------------------------------------|-----------------|---------------------------------|
/// | `retry-after` (seconds or HTTP date), `retry-after-ms`     | most            | `retryAfter`                    |
/// | `x-ratelimit-{limit,remaining,reset}-{requests,tokens}`    | Groq, OpenAI, Mistral | unit from the name, period from ``Convention`` |
/// | `x-ratelimit-{limit,remaining,reset}-{requests,tokens}-{minute,hour,day}` | Cerebras | unit and period from the name |
/// | `x-ratelimit-{limit,remaining,reset}`                      | OpenRouter      | ``Convention/bareUnit``, period unknown |
/// | `x-ratelimitbysize-{limit,remaining}-minute`, `ratelimitbysize-reset` | Mistral | tokens                |
///
/// Names match case-insensitively (Go canonicalizes them to `X-Ratelimit-Limit`). A value that
/// does not parse is skipped (see ``RateLimitValues``); a header with an unknown field or
/// period (`x-ratelimit-type`, `-month`) is passed through but makes no window.
public enum RateLimitHeaders {
    /// How a vendor's headers without a period in their name are meant.
    public struct Convention: Sendable, Equatable {
        /// The period of `x-ratelimit-*-requests` (Groq: a day).
        public var requestsPeriod: RateLimitSignal.Window.Period?
        /// The period of `x-ratelimit-*-tokens` (Groq: a minute).
        public var tokensPeriod: RateLimitSignal.Window.Period?
        /// The unit of `x-ratelimit-{limit,remaining,reset}` with no unit (OpenRouter: requests).
        public var bareUnit: RateLimitSignal.Window.Unit

        public init(
            requestsPeriod: RateLimitSignal.Window.Period? = nil,
            tokensPeriod: RateLimitSignal.Window.Period? = nil,
            bareUnit: RateLimitSignal.Window.Unit = .requests
        ) {
            self.requestsPeriod = requestsPeriod
            self.tokensPeriod = tokensPeriod
            self.bareUnit = bareUnit
        }

        /// Nothing assumed: periods only from header names.
        public static let plain = Convention()
    }

    /// What the headers said: the signal (kind unset) and the rate-limit headers as sent.
    public struct Reading: Sendable {
        /// `nil` when no header described a window or a wait.
        public var signal: RateLimitSignal?
        /// The `x-ratelimit-*`, `ratelimit*` and `retry-after*` headers, name and value as sent.
        public var headers: [(name: String, value: String)]

        public init(signal: RateLimitSignal? = nil, headers: [(name: String, value: String)] = []) {
            self.signal = signal
            self.headers = headers
        }
    }

    /// Reads `headers` (an `HTTPHeaders`, or pairs from a body such as OpenRouter's
    /// `error.metadata.headers`).
    public static func read(
        _ headers: some Sequence<(name: String, value: String)>,
        convention: Convention = .plain,
        now: Date
    ) -> Reading {
        var reading = Reading()
        var windows: [RateLimitSignal.Window] = []
        var retryAfter: Duration?
        var retryAfterMilliseconds: Duration?
        for header in headers {
            guard isRateLimitName(header.name) else { continue }
            reading.headers.append(header)
            let name = header.name.lowercased()
            if name == "retry-after" {
                retryAfter = retryAfter ?? RateLimitValues.parseRetryAfter(header.value, now: now)
            } else if name == "retry-after-ms" {
                retryAfterMilliseconds = retryAfterMilliseconds ?? RateLimitValues.parseRetryAfterMilliseconds(header.value)
            } else if let key = WindowKey(name, convention: convention) {
                apply(key, value: header.value, to: &windows, now: now)
            }
        }
        // `retry-after-ms` is the same wait, more precisely (OpenAI's SDK prefers it too).
        let wait = retryAfterMilliseconds ?? retryAfter
        if wait != nil || !windows.isEmpty {
            reading.signal = RateLimitSignal(retryAfter: wait, windows: windows)
        }
        return reading
    }

    /// Whether `name` belongs to the rate-limit families, checked without allocating.
    static func isRateLimitName(_ name: String) -> Bool {
        var bytes = name.utf8[...]
        guard let first = bytes.first else { return false }
        if first | 0x20 == UInt8(ascii: "x") {
            guard bytes.count > 2, bytes.dropFirst().first == UInt8(ascii: "-") else { return false }
            bytes = bytes.dropFirst(2)
            return hasPrefix(bytes, "ratelimit")
        }
        return hasPrefix(bytes, "retry-after") || hasPrefix(bytes, "ratelimit")
    }

    private static func hasPrefix(_ bytes: Substring.UTF8View, _ prefix: StaticString) -> Bool {
        guard bytes.count >= prefix.utf8CodeUnitCount else { return false }
        return prefix.withUTF8Buffer { expected in
            zip(bytes, expected).allSatisfy { $0 | 0x20 == $1 | 0x20 }
        }
    }

    private static func apply(_ key: WindowKey, value: String, to windows: inout [RateLimitSignal.Window], now: Date) {
        let index: Int
        if let found = windows.firstIndex(where: { $0.unit == key.unit && $0.period == key.period }) {
            index = found
        } else {
            windows.append(RateLimitSignal.Window(unit: key.unit, period: key.period))
            index = windows.count - 1
        }
        switch key.field {
        case .limit: windows[index].limit = windows[index].limit ?? RateLimitValues.parseCount(value)
        case .remaining: windows[index].remaining = windows[index].remaining ?? RateLimitValues.parseCount(value)
        case .reset: windows[index].resetIn = windows[index].resetIn ?? RateLimitValues.parseReset(value, now: now)
        }
        if windows[index] == RateLimitSignal.Window(unit: key.unit, period: key.period) {
            windows.remove(at: index)
        }
    }

    /// Which window and field a header name describes.
    struct WindowKey: Equatable {
        enum Field { case limit, remaining, reset }

        var field: Field
        var unit: RateLimitSignal.Window.Unit
        var period: RateLimitSignal.Window.Period?

        /// `name` lowercased, e.g. `x-ratelimit-reset-tokens-minute`; `nil` for names that
        /// describe no window (`retry-after`, `x-ratelimit-type`, a `-month` period).
        init?(_ name: String, convention: Convention) {
            var parts = name.split(separator: "-", omittingEmptySubsequences: false)[...]
            if parts.first == "x" { parts = parts.dropFirst() }
            var unit: RateLimitSignal.Window.Unit?
            switch parts.popFirst() {
            case "ratelimit": break
            case "ratelimitbysize": unit = .tokens
            default: return nil
            }
            switch parts.popFirst() {
            case "limit": field = .limit
            case "remaining": field = .remaining
            case "reset": field = .reset
            default: return nil
            }
            if let word = parts.first, let named = RateLimitSignal.Window.Unit(rawValue: String(word)) {
                unit = named
                parts = parts.dropFirst()
            }
            let resolvedUnit = unit ?? convention.bareUnit
            self.unit = resolvedUnit
            if let word = parts.popFirst() {
                guard parts.isEmpty, let named = RateLimitSignal.Window.Period(rawValue: String(word)) else { return nil }
                period = named
            } else {
                period = resolvedUnit == .requests ? convention.requestsPeriod : convention.tokensPeriod
            }
        }
    }
}
