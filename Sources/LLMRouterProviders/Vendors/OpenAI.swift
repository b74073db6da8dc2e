import LLMRouterCore

extension Vendor {
    /// An `openai`-type server: no default URL (the configuration must give `base_url`) and no
    /// key unless `api_key_env` names one.
    public static let openAI = Vendor(kind: .openai, dialect: .openAI)
}

extension VendorDialect {
    /// OpenAI, and any `openai`-type server (LiteLLM, vLLM, a vendor without its own kind).
    ///
    /// - Headers: `x-ratelimit-{limit,remaining,reset}-{requests,tokens}` (Go-style resets),
    ///   `retry-after-ms` besides `retry-after`; periods not assumed.
    /// - `insufficient_quota` (in `code` or `type`) is out of credits, not a rate limit.
    /// - Because such a server may relay any vendor's answers, its refusals are read by every
    ///   vendor's body reader in turn (each acts only on its own markers), Gemini's array-wrapped
    ///   errors are unwrapped and Groq's `x_groq.usage` is read.
    public static let openAI = VendorDialect(
        name: "openai", usageLocation: VendorDialect.groq.usageLocation, errorEnvelope: GeminiRefusal.unwrap
    ) { signal, evidence in
        for read in [OpenRouterRefusal.read, GeminiRefusal.read, CerebrasRefusal.read, GitHubModelsRefusal.read, GroqRefusal.read] {
            read(&signal, evidence)
            if signal.kind != nil { return }
        }
    }
}
