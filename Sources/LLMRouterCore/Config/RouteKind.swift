/// What a route serves: chat completions or embeddings (`kind:` in YAML, from the catalog).
///
/// A struct, not an enum, because more kinds (rerank, images, speech) will follow and adding one
/// must not break a caller's `switch`.
public struct RouteKind: Sendable, Hashable, CustomStringConvertible {
    public let rawValue: String

    private init(_ rawValue: String) {
        self.rawValue = rawValue
    }

    /// Chat completions (and what is translated to them: Anthropic Messages, Responses).
    public static let chat = RouteKind("chat")
    /// `POST /embeddings`.
    public static let embeddings = RouteKind("embeddings")

    public static let allKinds: [RouteKind] = [.chat, .embeddings]

    /// The kind a configuration names, `nil` for an unknown name.
    public init?(named name: String) {
        guard let kind = Self.allKinds.first(where: { $0.rawValue == name }) else { return nil }
        self = kind
    }

    public var description: String { rawValue }
}
