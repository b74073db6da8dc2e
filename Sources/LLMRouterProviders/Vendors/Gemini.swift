import LLMRouterCore

extension Vendor {
    public static let gemini = Vendor(
        kind: .gemini,
        defaultBaseURL: "https://generativelanguage.googleapis.com/v1beta/openai",
        officialHost: "generativelanguage.googleapis.com",
        baseURLOverrideVariable: "GEMINI_BASE_URL",
        acceptedAPIKeyVariables: ["GEMINI_API_KEY", "GOOGLE_API_KEY", "PROVIDER_KEY_GEMINI"],
        dialect: .gemini
    )
}

extension VendorDialect {
    /// Google AI Studio's OpenAI-compatible endpoint (`generativelanguage.googleapis.com/v1beta/openai`).
    ///
    /// - No rate-limit headers; the 429 body carries everything: `error.status`
    ///   `RESOURCE_EXHAUSTED`, a `google.rpc.QuotaFailure` whose `violations[].quotaId` names the
    ///   bucket (`GenerateRequestsPerMinutePerProjectPerModel-FreeTier`,
    ///   `GenerateContentInputTokensPerModelPerMinute-FreeTier`,
    ///   `GenerateRequestsPerDayPerProjectPerModel-FreeTier`) with `quotaValue` as text, and a
    ///   `google.rpc.RetryInfo` with `retryDelay` (`"26s"`).
    /// - A `PerDay` quota is daily even when `retryDelay` is short: the delay does not mean the
    ///   day's quota is back, so it is not used as the wait.
    /// - The OpenAI-compatible endpoint wraps the error object in a JSON array; often without
    ///   details (then: short, no wait).
    /// - Limits are per project and model.
    public static let gemini = VendorDialect(name: "gemini", errorEnvelope: GeminiRefusal.unwrap, readRefusal: GeminiRefusal.read)
}

enum GeminiRefusal {
    /// The error object of an error body: the OpenAI-compatible endpoint wraps it in a JSON
    /// array (`[{"error": {...}}]`); anything else is returned as it is.
    @Sendable static func unwrap(_ body: JSONValue) -> JSONValue {
        if case .array(let items) = body, let first = items.first { return first }
        return body
    }

    static func read(_ signal: inout RateLimitSignal, _ evidence: RefusalEvidence) {
        guard let details = evidence.error["details"]?.arrayValue else {
            if evidence.marker("status") == "resource_exhausted", evidence.textPeriod == nil { signal.kind = .shortWindow }
            return
        }
        var retryDelay: Duration?
        var quotaWindows: [RateLimitSignal.Window] = []
        for detail in details.compactMap(\.objectValue) {
            let type = detail["@type"]?.stringValue ?? ""
            if type.hasSuffix("google.rpc.RetryInfo") {
                retryDelay = detail["retryDelay"]?.stringValue.flatMap(RateLimitValues.parseGoDuration)
            } else if type.hasSuffix("google.rpc.QuotaFailure") {
                let violations = detail["violations"]?.arrayValue ?? []
                quotaWindows += violations.compactMap { $0.objectValue.flatMap(window(for:)) }
            }
        }
        if quotaWindows.contains(where: { $0.period == .day }) {
            signal.kind = .daily
        } else if !quotaWindows.isEmpty || retryDelay != nil {
            signal.kind = .shortWindow
            signal.retryAfter = signal.retryAfter ?? retryDelay
            for index in quotaWindows.indices { quotaWindows[index].resetIn = retryDelay }
        } else {
            return
        }
        signal.windows += quotaWindows
    }

    /// The exhausted bucket a `QuotaFailure` violation names.
    static func window(for violation: [String: JSONValue]) -> RateLimitSignal.Window? {
        guard let quotaId = violation["quotaId"]?.stringValue?.lowercased() else { return nil }
        let unit: RateLimitSignal.Window.Unit = quotaId.contains("token") ? .tokens : .requests
        let period: RateLimitSignal.Window.Period? =
            quotaId.contains("perday") ? .day : quotaId.contains("perhour") ? .hour : quotaId.contains("perminute") ? .minute : nil
        let limit: Int? = switch violation["quotaValue"] {
        case .string(let text)?: RateLimitValues.parseCount(text)
        case .integer(let value)?: Int(exactly: value)
        default: nil
        }
        return RateLimitSignal.Window(unit: unit, period: period, limit: limit, remaining: 0)
    }
}
