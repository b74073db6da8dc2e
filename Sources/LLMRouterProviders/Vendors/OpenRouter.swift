#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import LLMRouterCore

extension Vendor {
    public static let openRouter = Vendor(
        kind: .openrouter,
        defaultBaseURL: "https://openrouter.ai/api/v1",
        officialHost: "openrouter.ai",
        baseURLOverrideVariable: "OPENROUTER_BASE_URL",
        acceptedAPIKeyVariables: ["OPENROUTER_API_KEY", "PROVIDER_KEY_OPENROUTER"],
        dialect: .openRouter
    )
}

extension VendorDialect {
    /// OpenRouter (`openrouter.ai/api/v1`).
    ///
    /// - Headers: `X-RateLimit-{Limit,Remaining,Reset}` (requests; reset in epoch ms) on 429s
    ///   only: a 200 carries none, so limits are learnt from refusals. No `Retry-After` on its own
    ///   per-model limit.
    /// - 429 bodies, three kinds:
    ///   - its per-model limit on `:free` models ("Rate limit exceeded: limit_rpm/…", the headers
    ///     repeated in `error.metadata.headers`) → short, reset from the headers, window per minute;
    ///   - the account's daily cap on free models ("free-models-per-day", `limit_source`
    ///     `openrouter_free_tier_daily`) → daily, account-wide;
    ///   - an upstream provider's congestion ("Provider returned error", `metadata.raw` "…is
    ///     temporarily rate-limited upstream", `limit_source: upstream_provider_shared_pool`) →
    ///     upstream congestion: try another route, no long cool-down.
    /// - 402: out of credits.
    /// - A trailing assistant message is continued as a prefill ("assistant prefill" in its API
    ///   reference); the model behind it decides how well.
    public static let openRouter = VendorDialect(
        name: "openrouter", headerConvention: .init(bareUnit: .requests), assistantPrefill: .trailingAssistantMessage, readRefusal: OpenRouterRefusal.read
    )
}

enum OpenRouterRefusal {
    static func read(_ signal: inout RateLimitSignal, _ evidence: RefusalEvidence) {
        guard let metadata = evidence.error["metadata"]?.objectValue else { return }
        if signal.windows.isEmpty, let echoed = metadata["headers"]?.objectValue {
            let pairs = echoed.compactMap { name, value in value.stringValue.map { (name: name, value: $0) } }
            let reading = RateLimitHeaders.read(pairs, convention: evidence.convention, now: evidence.now)
            signal.windows = reading.signal?.windows ?? []
            signal.retryAfter = signal.retryAfter ?? reading.signal?.retryAfter
        }
        let limitSource = metadata["limit_source"]?.stringValue?.lowercased() ?? ""
        let raw = metadata["raw"]?.stringValue?.lowercased() ?? ""
        let providerName = metadata["provider_name"]?.stringValue
        let period: RateLimitSignal.Window.Period
        if limitSource.contains("upstream") || raw.contains("rate-limited upstream")
            || (providerName != nil && evidence.message?.hasPrefix("Provider returned error") == true) {
            signal.kind = .upstreamCongestion
            return
        } else if evidence.text.contains("free-models-per-day") || limitSource.contains("daily") {
            signal.kind = .daily
            signal.accountWide = true
            period = .day
        } else if evidence.text.contains("limit_rpm") || evidence.text.contains("per minute") {
            signal.kind = .shortWindow
            period = .minute
        } else {
            return
        }
        for index in signal.windows.indices where signal.windows[index].period == nil {
            signal.windows[index].period = period
        }
    }
}
