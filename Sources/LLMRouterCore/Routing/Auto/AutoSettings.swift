/// `routing.auto:` — how `model: auto` (and a request naming no model, with no default model)
/// picks a canonical model.
///
/// ```yaml
/// routing:
///   auto:
///     simple: [llama-3.1-8b, gemini-2.5-flash-lite]
///     code: [kimi-k2, devstral]
///     reasoning: [gpt-oss-120b]
///     long_context: [llama-4-scout]
///     default: [llama-3.3-70b]
///     cascade: true              # try the cheaper tier first, move up when its answer fails the gate
///     long_context_tokens: 16000 # prompts this large (estimated) are long_context
/// ```
///
/// A tier left out takes its models from the routes' `tier` and `quality` (the catalog's, or the
/// YAML's): every model of that tier with a usable route, best quality first.
public struct AutoSettings: Sendable, Equatable {
    /// Whether `auto` picks a model at all; `false` (`routing.auto: false`) serves `auto` with every
    /// route in policy order, as before tiers existed. Defaults to `true`.
    public var isEnabled: Bool
    /// The models of each tier named in the file, in order; tiers not named are derived.
    public var models: [AutoTier: [String]]
    /// Try the cheaper tier's model first for complete (not streamed) answers. Defaults to `false`.
    public var cascade: Bool
    /// Prompts of at least this many estimated tokens go to `long_context`. Defaults to 16,000
    /// (about 64 KB of request): more than several free tiers accept per minute on their big models.
    public var longContextTokens: Int

    public init(isEnabled: Bool = true, models: [AutoTier: [String]] = [:], cascade: Bool = false, longContextTokens: Int = 16_000) {
        self.isEnabled = isEnabled
        self.models = models
        self.cascade = cascade
        self.longContextTokens = longContextTokens
    }
}
