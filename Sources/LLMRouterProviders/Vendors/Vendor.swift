public import LLMRouterCore

/// Everything the router knows about one vendor, defined in that vendor's file in `Vendors/`:
/// where its API lives, which host a catalog may point it at, which variables hold its key and
/// replace its URL, where it lists its models, and its ``VendorDialect`` (rate limits, error and
/// usage quirks, embeddings defaults).
///
/// ``ProviderKind`` (in Core) only names the vendor; ``for(_:)`` is the one lookup from the name
/// to the facts:
///
/// ```swift
/// let groq = Vendor.for(.groq)
/// groq.defaultBaseURL            // "https://api.groq.com/openai/v1"
/// groq.defaultAPIKeyVariable     // "GROQ_API_KEY"
/// groq.apiRoot(environment: env) // GROQ_BASE_URL when set, else the default
/// groq.dialect                   // VendorDialect.groq
/// ```
public struct Vendor: Sendable {
    /// The kind a configuration names in `type:`.
    public let kind: ProviderKind
    /// The API root used when the configuration gives no `base_url`; `nil` where one is required.
    public let defaultBaseURL: String?
    /// The host of ``defaultBaseURL``: the only host a downloaded catalog may point this kind at,
    /// so a catalog cannot send the key somewhere else.
    public let officialHost: String?
    /// The environment variable that replaces ``defaultBaseURL`` (tests and proxies use it).
    public let baseURLOverrideVariable: String?
    /// Every variable that may hold this kind's key, the default first: the names the providers'
    /// own tools use, and the original llmrouter's `PROVIDER_KEY_<KIND>`. A downloaded catalog may
    /// name only these in `api_key_env`, so it cannot make the router send another secret.
    public let acceptedAPIKeyVariables: [String]
    /// How its rate limits, errors and usage read, and what its embeddings calls need.
    public let dialect: VendorDialect
    private let modelsURLForRoot: @Sendable (String) -> String

    /// - Parameter modelsURL: the `GET` listing URL for an API root without a trailing slash;
    ///   defaults to `{root}/models`.
    public init(
        kind: ProviderKind,
        defaultBaseURL: String? = nil,
        officialHost: String? = nil,
        baseURLOverrideVariable: String? = nil,
        acceptedAPIKeyVariables: [String] = [],
        dialect: VendorDialect = .openAI,
        modelsURL: @escaping @Sendable (String) -> String = { $0 + "/models" }
    ) {
        self.kind = kind
        self.defaultBaseURL = defaultBaseURL
        self.officialHost = officialHost
        self.baseURLOverrideVariable = baseURLOverrideVariable
        self.acceptedAPIKeyVariables = acceptedAPIKeyVariables
        self.dialect = dialect
        self.modelsURLForRoot = modelsURL
    }

    /// The environment variable holding the API key when the configuration names none.
    public var defaultAPIKeyVariable: String? { acceptedAPIKeyVariables.first }

    /// The API root when the configuration names none: the override variable (`GROQ_BASE_URL`
    /// ...) when set in `environment`, else ``defaultBaseURL``.
    public func apiRoot(environment: [String: String]) -> String? {
        if let variable = baseURLOverrideVariable, let override = environment[variable]?.trimmingWhitespace(), !override.isEmpty {
            return override
        }
        return defaultBaseURL
    }

    /// Where the vendor lists its models, for an API root without a trailing slash.
    public func modelsURL(apiRoot: String) -> String { modelsURLForRoot(apiRoot) }

    /// The vendor a provider kind names.
    public static func `for`(_ kind: ProviderKind) -> Vendor {
        switch kind {
        case .echo: .echo
        case .groq: .groq
        case .openrouter: .openRouter
        case .nvidiaNIM: .nvidiaNIM
        case .huggingface: .huggingFace
        case .cerebras: .cerebras
        case .gemini: .gemini
        case .mistral: .mistral
        case .githubModels: .gitHubModels
        case .openai: .openAI
        }
    }

    /// The local echo provider: no URL, no key.
    public static let echo = Vendor(kind: .echo)
}

extension ProviderConfiguration {
    /// The key variable in force: the configured one or the kind's default.
    public var effectiveAPIKeyVariable: String? { apiKeyVariable ?? Vendor.for(kind).defaultAPIKeyVariable }

    /// Where the key in force is read: the configured variable (and list item) or the kind's default.
    public var effectiveAPIKeySource: APIKeySource? {
        effectiveAPIKeyVariable.map { APIKeySource(variable: $0, item: apiKeyVariable == nil ? nil : apiKeyItem) }
    }
}
