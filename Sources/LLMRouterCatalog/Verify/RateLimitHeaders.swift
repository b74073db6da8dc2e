import LLMRouterCore

/// Reads the rate-limit headers of a test call into limits, per vendor convention.
///
/// Kept in the catalog on purpose (the router's own reader lives with the chat adapter): the
/// builder only needs the *limits* a provider announces, not remaining counts or resets.
/// - Groq: `x-ratelimit-limit-requests` is requests per **day** and `x-ratelimit-limit-tokens`
///   tokens per minute (console.groq.com/docs/rate-limits).
/// - Any provider: `x-ratelimit-limit-{requests,tokens}-{minute,day}` (Cerebras names the window).
enum RateLimitHeaders {
    /// The headers worth recording: `x-ratelimit-*` and `retry-after`.
    static func recorded(_ headers: [String: String]) -> [String: String] {
        headers.filter { $0.key.hasPrefix("x-ratelimit-") || $0.key == "retry-after" }
    }

    /// The limits the headers announce; `nil` when they announce none.
    static func limits(_ headers: [String: String], provider: ProviderKind) -> RateLimitConfiguration? {
        func number(_ name: String) -> Int? {
            guard let text = headers[name], let value = Double(text.trimmingWhitespace()), value >= 0, value < 1e12 else { return nil }
            return Int(value)
        }
        var limits = RateLimitConfiguration(
            requestsPerMinute: number("x-ratelimit-limit-requests-minute"),
            requestsPerDay: number("x-ratelimit-limit-requests-day"),
            tokensPerMinute: number("x-ratelimit-limit-tokens-minute"),
            tokensPerDay: number("x-ratelimit-limit-tokens-day")
        )
        if provider == .groq {
            limits.requestsPerDay = limits.requestsPerDay ?? number("x-ratelimit-limit-requests")
            limits.tokensPerMinute = limits.tokensPerMinute ?? number("x-ratelimit-limit-tokens")
        }
        return limits.isEmpty ? nil : limits
    }
}
