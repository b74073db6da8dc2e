#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import LLMRouterCore
import LLMRouterProviders

/// What a test call's rate-limit headers announce, read by the vendor's own dialect
/// (``VendorDialect/report(headers:now:)``, the reader the chat adapter uses): the builder keeps
/// the headers as sent and the *limits* of the windows whose period is known (Groq's
/// `x-ratelimit-limit-requests` is per day by its convention; Cerebras names the window).
enum AnnouncedLimits {
    /// The rate-limit headers as sent, and the limits they announce (`nil` when none).
    static func read(_ headers: [String: String], provider: ProviderKind, now: Date = Date()) -> (recorded: [String: String], limits: RateLimitConfiguration?) {
        let pairs = headers.map { (name: $0.key, value: $0.value) }
        let report = VendorDialect.for(provider).report(headers: pairs, now: now)
        let recorded = Dictionary(report.rateLimitHeaders.map { ($0.name, $0.value) }) { first, _ in first }
        var limits = RateLimitConfiguration()
        for window in report.rateLimit?.windows ?? [] {
            guard let limit = window.limit else { continue }
            switch (window.unit, window.period) {
            case (.requests, .minute?): limits.requestsPerMinute = limits.requestsPerMinute ?? limit
            case (.requests, .day?): limits.requestsPerDay = limits.requestsPerDay ?? limit
            case (.tokens, .minute?): limits.tokensPerMinute = limits.tokensPerMinute ?? limit
            case (.tokens, .day?): limits.tokensPerDay = limits.tokensPerDay ?? limit
            default: continue
            }
        }
        return (recorded, limits.isEmpty ? nil : limits)
    }
}
