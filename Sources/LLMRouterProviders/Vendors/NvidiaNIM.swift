import LLMRouterCore

extension Vendor {
    public static let nvidiaNIM = Vendor(
        kind: .nvidiaNIM,
        defaultBaseURL: "https://integrate.api.nvidia.com/v1",
        officialHost: "integrate.api.nvidia.com",
        baseURLOverrideVariable: "NVIDIA_NIM_BASE_URL",
        acceptedAPIKeyVariables: ["NVIDIA_NIM_KEY", "NVIDIA_API_KEY", "NIM_API_KEY", "PROVIDER_KEY_NVIDIA_NIM"],
        dialect: .nvidiaNIM
    )
}

extension VendorDialect {
    /// NVIDIA NIM (`integrate.api.nvidia.com/v1`).
    ///
    /// - No rate-limit headers seen; the 429 body is bare: `{"status":429,"title":"Too Many Requests"}`.
    ///   Nothing tells the window or the reset, so a 429 is short with no wait (the engine backs
    ///   off). The free tier allows about 40 requests a minute.
    /// - Embeddings: the retrieval models (`nvidia/nv-embedqa-*`, `*-e5-*`) answer 400 without
    ///   `input_type` (`query` or `passage`); OpenAI clients never send it, so `query` is added.
    public static let nvidiaNIM = VendorDialect(name: "nvidia_nim", embeddingDefaults: [("input_type", .string("query"))])
}
