import LLMRouterCore
public import Yams

/// A YAML value read as a list of non-empty strings, the shape of `aliases:` in both the
/// providers file and the catalog seed: absent or null is no items, a single string is one item.
public enum YAMLTextList {
    /// Why the value is not such a list, worded to follow the field's name.
    public struct ShapeError: Error, Sendable {
        public let message: String
    }

    /// The trimmed items, in order, without repeats.
    public static func read(_ node: Node?) throws(ShapeError) -> [String] {
        guard let node, node.null == nil else { return [] }
        if case .scalar = node, let single = node.string?.trimmingWhitespace(), !single.isEmpty { return [single] }
        guard let items = node.sequence else { throw ShapeError(message: "must be a list of strings") }
        var values: [String] = []
        for item in items {
            guard case .scalar = item, let value = item.string?.trimmingWhitespace(), !value.isEmpty else {
                throw ShapeError(message: "must be a list of non-empty strings")
            }
            if !values.contains(value) { values.append(value) }
        }
        return values
    }
}
