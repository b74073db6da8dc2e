import LLMRouterCore

extension Vendor {
    public static let huggingFace = Vendor(
        kind: .huggingface,
        defaultBaseURL: "https://router.huggingface.co/v1",
        officialHost: "router.huggingface.co",
        baseURLOverrideVariable: "HUGGINGFACE_BASE_URL",
        acceptedAPIKeyVariables: ["HUGGINGFACE_API_TOKEN", "HF_TOKEN", "HUGGINGFACE_API_KEY", "PROVIDER_KEY_HUGGINGFACE"],
        dialect: .huggingFace
    )
}

extension VendorDialect {
    /// Hugging Face's router (`router.huggingface.co/v1`).
    ///
    /// - No rate-limit headers on the router's answers.
    /// - Billing is by monthly credits: a 402, or a refusal mentioning credits ("You have exceeded
    ///   your monthly included credits"), is out of credits; other 429s are short.
    public static let huggingFace = VendorDialect(name: "huggingface", readRefusal: HuggingFaceRefusal.read)
}

enum HuggingFaceRefusal {
    static func read(_ signal: inout RateLimitSignal, _ evidence: RefusalEvidence) {
        if evidence.text.contains("credits") || evidence.text.contains("pre-paid") { signal.kind = .credits }
    }
}
