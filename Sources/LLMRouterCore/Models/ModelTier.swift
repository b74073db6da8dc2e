/// What a model is best used for, so `auto` can pick a model that fits the request (`tier:` in
/// the seed, the catalog and YAML).
///
/// A struct, not an enum, like ``RouteKind``: more tiers may follow without breaking a caller's `switch`.
public struct ModelTier: Sendable, Hashable, CustomStringConvertible {
    public let rawValue: String

    private init(_ rawValue: String) {
        self.rawValue = rawValue
    }

    /// Small and fast: short answers, classification, extraction.
    public static let simple = ModelTier("simple")
    /// Good all-round chat models.
    public static let general = ModelTier("general")
    /// Tuned for writing and editing code.
    public static let code = ModelTier("code")
    /// Thinks before it answers: maths, planning, hard questions.
    public static let reasoning = ModelTier("reasoning")
    /// Chosen for a very large context window.
    public static let longContext = ModelTier("long_context")
    /// Embedding models (served on `/v1/embeddings`).
    public static let embedding = ModelTier("embedding")

    public static let allTiers: [ModelTier] = [.simple, .general, .code, .reasoning, .longContext, .embedding]

    /// The tier a file names, `nil` for an unknown name.
    public init?(named name: String) {
        guard let tier = Self.allTiers.first(where: { $0.rawValue == name }) else { return nil }
        self = tier
    }

    public var description: String { rawValue }

    /// The valid quality ranks: a rough 1 (weakest) to 100 (strongest).
    public static let qualityRange = 1...100
}
