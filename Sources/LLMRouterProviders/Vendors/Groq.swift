#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import LLMRouterCore

extension Vendor {
    public static let groq = Vendor(
        kind: .groq,
        defaultBaseURL: "https://api.groq.com/openai/v1",
        officialHost: "api.groq.com",
        baseURLOverrideVariable: "GROQ_BASE_URL",
        acceptedAPIKeyVariables: ["GROQ_API_KEY", "PROVIDER_KEY_GROQ"],
        dialect: .groq
    )
}

extension VendorDialect {
    /// Groq (`api.groq.com/openai/v1`).
    ///
    /// - Headers: `x-ratelimit-*-requests` always count requests per DAY, `x-ratelimit-*-tokens`
    ///   tokens per MINUTE; resets are Go-style durations (`2m59.56s`, `7.66s`). `retry-after`
    ///   (seconds) only on a 429.
    /// - 429 body: `{"error":{"message":"Rate limit reached for model … on tokens per minute
    ///   (TPM): Limit 6000, Used 5900, Requested 200. Please try again in 1.5s. …",
    ///   "type":"tokens","code":"rate_limit_exceeded"}}`. `(RPD)`/`(TPD)` → daily,
    ///   `(RPM)`/`(TPM)` → short; the named limit becomes an exhausted window and "try again in"
    ///   its reset.
    /// - Limits are per organization and model.
    /// - A stream's last chunk carries its usage in `x_groq.usage` (besides, or instead of, `usage`).
    /// - A trailing assistant message is continued as a prefill (console.groq.com/docs/prefilling).
    public static let groq = VendorDialect(
        name: "groq",
        headerConvention: .init(requestsPeriod: .day, tokensPeriod: .minute),
        usageLocation: UsageLocation(alsoAt: [["x_groq", "usage"]]),
        assistantPrefill: .trailingAssistantMessage,
        readRefusal: GroqRefusal.read
    )
}

enum GroqRefusal {
    /// Groq's unit codes in the message, and the window each names.
    static let codes: [(code: String, unit: RateLimitSignal.Window.Unit, period: RateLimitSignal.Window.Period)] = [
        ("(rpm)", .requests, .minute), ("(rpd)", .requests, .day),
        ("(tpm)", .tokens, .minute), ("(tpd)", .tokens, .day),
    ]

    static func read(_ signal: inout RateLimitSignal, _ evidence: RefusalEvidence) {
        guard let message = evidence.message?.lowercased(),
              let named = codes.first(where: { message.contains($0.code) })
        else { return }
        signal.kind = named.period == .day ? .daily : .shortWindow
        let wait = RateLimitValues.delay(fromMessage: message)
        var window = signal.windows.first { $0.unit == named.unit && $0.period == named.period }
            ?? RateLimitSignal.Window(unit: named.unit, period: named.period)
        window.limit = window.limit ?? limit(in: message)
        window.remaining = 0
        window.resetIn = wait ?? window.resetIn
        signal.windows.removeAll { $0.unit == named.unit && $0.period == named.period }
        signal.windows.append(window)
    }

    /// `6000` in "…(TPM): Limit 6000, Used 5900…" (`message` lowercased).
    static func limit(in message: String) -> Int? {
        guard let range = message.firstRange(of: "): limit ") else { return nil }
        let digits = message[range.upperBound...].prefix { $0.isASCII && $0.isNumber }
        return RateLimitValues.parseCount(String(digits))
    }
}
