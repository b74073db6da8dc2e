/// Where a route's API key comes from: an environment variable's whole value, or one item of a
/// comma-separated list in it (`GROQ_API_KEYS=key1,key2`, the second key is item 2).
///
/// Configuration, logs, errors and health carry this reference, never the value: the value is
/// read from the environment only where the upstream call is built, and its ``description``
/// (`GROQ_API_KEYS[2]`) names the variable and the position, nothing of the key.
public struct APIKeySource: Sendable, Hashable, CustomStringConvertible {
    /// The environment variable that holds the key (or the list of keys).
    public var variable: String
    /// The 1-based position in the variable's comma-separated list; `nil` takes the whole value.
    public var item: Int?

    public init(variable: String, item: Int? = nil) {
        self.variable = variable
        self.item = item
    }

    /// The key in `environment`; `nil` when the variable is unset or blank, or its list has no
    /// such item.
    public func value(in environment: [String: String]) -> String? {
        guard let raw = environment[variable] else { return nil }
        guard let item else {
            let whole = raw.trimmingWhitespace()
            return whole.isEmpty ? nil : whole
        }
        let items = Self.items(of: raw)
        return items.indices.contains(item - 1) ? items[item - 1] : nil
    }

    /// `GROQ_API_KEY`, or `GROQ_API_KEYS[2]` for an item of a list.
    public var description: String { item.map { "\(variable)[\($0)]" } ?? variable }

    /// One source per key in the list variable `variable` of `environment`, in order; none when
    /// it is unset or blank.
    public static func list(_ variable: String, in environment: [String: String]) -> [APIKeySource] {
        let count = environment[variable].map { items(of: $0).count } ?? 0
        return (0..<count).map { APIKeySource(variable: variable, item: $0 + 1) }
    }

    /// The keys of a comma-separated list, trimmed; empty items (`a,,b`, a trailing comma) are
    /// not keys and do not count as positions.
    static func items(of raw: String) -> [String] {
        raw.split(separator: ",").map { String($0).trimmingWhitespace() }.filter { !$0.isEmpty }
    }
}
