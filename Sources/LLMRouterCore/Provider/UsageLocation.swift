/// Where an upstream's chat answers carry their token counts: `usage`, as OpenAI sends it, and
/// any other members a vendor nests it in. The provider knows its vendor's places and hands this
/// value along with each answer (``ChatCompletion/usageLocation``,
/// ``ChatEventStream/usageLocation``), so whoever reads usage (the stream's settlement, the
/// Anthropic and Responses translations) needs no vendor knowledge.
///
/// Every place ends in a member named `usage`, so a chunk whose bytes do not mention `"usage"`
/// has none and need not be parsed.
public struct UsageLocation: Sendable, Equatable {
    /// Member paths tried in order after `usage`, e.g. `[["x_vendor", "usage"]]`.
    public let alternatives: [[String]]

    /// - Parameter alternatives: member paths to try when `usage` is absent; paths whose last
    ///   member is not `usage` are ignored (see the type's note).
    public init(alsoAt alternatives: [[String]] = []) {
        self.alternatives = alternatives.filter { $0.last == "usage" }
    }

    /// `usage` only.
    public static let standard = UsageLocation()

    /// The usage object of a completion or chunk; `nil` when no known place holds an object.
    public func usage(in object: [String: JSONValue]) -> [String: JSONValue]? {
        if let usage = object["usage"]?.objectValue { return usage }
        for path in alternatives {
            var current: [String: JSONValue]? = object
            for member in path { current = current?[member]?.objectValue }
            if let current { return current }
        }
        return nil
    }
}
