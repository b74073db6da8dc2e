/// What `model: auto` sorts a request into before it picks a model (`routing.auto:` keys, the
/// `tier=` of `X-LLMRouter-Auto`).
///
/// Fewer than the catalog's ``ModelTier``s: a request is never "embedding", and "general" models
/// serve the `default` tier.
public enum AutoTier: String, Sendable, CaseIterable, Hashable, CustomStringConvertible {
    /// Greetings, one-line questions, quick rewrites: the small fast models do.
    case simple
    /// Writing, fixing or explaining code.
    case code
    /// Maths, proofs, puzzles, plans: models that think before they answer.
    case reasoning
    /// A prompt too large for most models' windows.
    case longContext = "long_context"
    /// Everything else: the good all-round models.
    case `default`

    public var description: String { rawValue }

    /// The catalog tier whose models serve this tier by default.
    public var modelTier: ModelTier {
        switch self {
        case .simple: .simple
        case .code: .code
        case .reasoning: .reasoning
        case .longContext: .longContext
        case .default: .general
        }
    }

    /// The auto tier a catalog tier's models serve; `nil` for embedding models.
    public init?(serving tier: ModelTier) {
        guard let found = Self.allCases.first(where: { $0.modelTier == tier }) else { return nil }
        self = found
    }

    /// A cascade's two steps for a request of this tier: the cheaper tier first, this tier next;
    /// a `simple` request starts at `simple` and may move up to `default`.
    ///
    /// | tier | first | then |
    /// |---|---|---|
    /// | `simple` | `simple` | `default` |
    /// | `default` | `simple` | `default` |
    /// | `code`, `reasoning`, `long_context` | `default` | the tier itself |
    public var cascadeSteps: (first: AutoTier, then: AutoTier) {
        switch self {
        case .simple, .default: (.simple, .default)
        case .code, .reasoning, .longContext: (.default, self)
        }
    }
}
