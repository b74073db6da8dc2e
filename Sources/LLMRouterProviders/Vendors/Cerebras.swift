import LLMRouterCore

extension Vendor {
    public static let cerebras = Vendor(
        kind: .cerebras,
        defaultBaseURL: "https://api.cerebras.ai/v1",
        officialHost: "api.cerebras.ai",
        baseURLOverrideVariable: "CEREBRAS_BASE_URL",
        acceptedAPIKeyVariables: ["CEREBRAS_API_KEY", "PROVIDER_KEY_CEREBRAS"],
        dialect: .cerebras
    )
}

extension VendorDialect {
    /// Cerebras (`api.cerebras.ai/v1`).
    ///
    /// - Headers name their window: `x-ratelimit-{limit,remaining,reset}-{requests,tokens}-{minute,day}`
    ///   (also `-hour`), resets in plain fractional seconds (`33011.382867097855`).
    /// - 429 bodies are flat, not under `error`:
    ///   `{"message":"Requests per minute limit exceeded - too many requests sent.","type":"too_many_requests_error","param":"quota","code":"request_quota_exceeded"}`.
    ///   `request_quota_exceeded`/`token_quota_exceeded` (`param: quota`) is our quota: short or
    ///   daily by the message, else by which window the headers show exhausted;
    ///   `queue_exceeded` (`param: queue`) is Cerebras' own capacity → upstream congestion.
    /// - Token limits are charged up front from `max_completion_tokens` (or the whole context when
    ///   absent), so a 429 can come with little real usage.
    public static let cerebras = VendorDialect(name: "cerebras", readRefusal: CerebrasRefusal.read)
}

enum CerebrasRefusal {
    static func read(_ signal: inout RateLimitSignal, _ evidence: RefusalEvidence) {
        let code = evidence.marker("code") ?? ""
        let param = evidence.marker("param") ?? ""
        if code.contains("queue_exceeded") || param == "queue" {
            signal.kind = .upstreamCongestion
            return
        }
        guard code.contains("quota_exceeded") || param == "quota" else { return }
        switch evidence.textPeriod {
        case .day?: signal.kind = .daily
        case .minute?, .hour?: signal.kind = .shortWindow
        case nil:
            let exhausted = signal.windows.filter { $0.remaining == 0 }
            let onlyDaily = !exhausted.isEmpty && exhausted.allSatisfy { $0.period == .day }
            signal.kind = onlyDaily ? .daily : .shortWindow
        }
    }
}
