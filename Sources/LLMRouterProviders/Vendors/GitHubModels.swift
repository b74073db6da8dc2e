import LLMRouterCore

extension Vendor {
    public static let gitHubModels = Vendor(
        kind: .githubModels,
        defaultBaseURL: "https://models.github.ai/inference",
        officialHost: "models.github.ai",
        baseURLOverrideVariable: "GITHUB_MODELS_BASE_URL",
        acceptedAPIKeyVariables: ["GITHUB_TOKEN", "GITHUB_MODELS_TOKEN", "PROVIDER_KEY_GITHUB_MODELS"],
        dialect: .gitHubModels,
        // The catalog is listed at `/catalog/models`, beside the `/inference` root.
        modelsURL: { root in
            root.hasSuffix("/inference") ? String(root.dropLast("/inference".count)) + "/catalog/models" : root + "/models"
        }
    )
}

extension VendorDialect {
    /// GitHub Models (`models.github.ai/inference`).
    ///
    /// - A 429 names the bucket in `x-ratelimit-type` (`UserByModelByDay`, `UserByModelByMinute`,
    ///   `UserConcurrentRequests` …) with `retry-after` in seconds until its reset; the body says
    ///   it again: `{"error":{"code":"RateLimitReached","message":"Rate limit of 150 per 86400s
    ///   exceeded for UserByModelByDay. Please wait 24367 seconds before retrying."}}`.
    /// - Limits are per user and model, set by the Copilot plan and the model's tier.
    public static let gitHubModels = VendorDialect(name: "github_models", readRefusal: GitHubModelsRefusal.read)
}

enum GitHubModelsRefusal {
    static func read(_ signal: inout RateLimitSignal, _ evidence: RefusalEvidence) {
        let type = (evidence.header("x-ratelimit-type") ?? "").lowercased()
        if type.contains("byday") {
            signal.kind = .daily
        } else if !type.isEmpty {
            signal.kind = .shortWindow
        }
    }
}
