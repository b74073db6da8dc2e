import LLMRouterCore

extension Vendor {
    public static let mistral = Vendor(
        kind: .mistral,
        defaultBaseURL: "https://api.mistral.ai/v1",
        officialHost: "api.mistral.ai",
        baseURLOverrideVariable: "MISTRAL_BASE_URL",
        acceptedAPIKeyVariables: ["MISTRAL_API_KEY", "PROVIDER_KEY_MISTRAL"],
        dialect: .mistral
    )
}

extension VendorDialect {
    /// Mistral La Plateforme (`api.mistral.ai/v1`).
    ///
    /// - Headers: tokens per minute as `x-ratelimitbysize-{limit,remaining}-minute` with
    ///   `ratelimitbysize-reset` (the `-month` cap makes no window: there is no monthly period),
    ///   and on newer answers `x-ratelimit-*-{requests,tokens}`, tokens per minute.
    /// - 429 bodies (`{"object":"error","message":"Requests rate limit exceeded","type":"rate_limited",…}`)
    ///   say nothing of the window: short. No capture of a Mistral 429 exists in the fixtures.
    /// - A trailing assistant message is continued only with `"prefix": true` (its API refuses one
    ///   without: the last message must be the user's, a tool's, or an assistant prefix).
    public static let mistral = VendorDialect(name: "mistral", headerConvention: .init(tokensPeriod: .minute), assistantPrefill: .prefixFlag)
}
