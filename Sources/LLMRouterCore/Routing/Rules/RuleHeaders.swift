/// A request's headers as routing rules see them: by lower-cased name, credentials left out,
/// a repeated header's values joined with commas.
///
/// A short array of pairs rather than a dictionary: a table's rules read a handful of names, and
/// comparing a few short names costs less than hashing each on insert and on every look-up, on
/// every request the rules see. Past ``indexedFrom`` names (code rules see every header, and a
/// client may send thousands) the names are indexed too, so neither filling it nor a look-up
/// grows with the square of what a client sent.
public struct RuleHeaders: Sendable, Equatable, ExpressibleByDictionaryLiteral, CustomStringConvertible {
    private var fields: [Field] = []
    /// Each name's position in ``fields``, once there are ``indexedFrom`` of them.
    private var positions: [String: Int]?
    static let indexedFrom = 16

    private struct Field: Sendable {
        let name: String
        var value: String
    }

    public init() {}

    /// Room for `capacity` names, so filling it allocates once.
    public init(minimumCapacity capacity: Int) {
        fields.reserveCapacity(capacity)
    }

    /// `["x-team": "web"]`; names are lower-cased.
    public init(dictionaryLiteral elements: (String, String)...) {
        for (name, value) in elements { add(value, for: name.lowercased()) }
    }

    /// The value of the header `name` (lower-cased, as rules store it); `nil` when absent.
    public subscript(name: String) -> String? {
        position(of: name).map { fields[$0].value }
    }

    /// Adds a header; `name` must be lower-cased. A name already present gets `value` after a
    /// comma, as HTTP combines repeated fields.
    public mutating func add(_ value: String, for name: String) {
        if let index = position(of: name) {
            fields[index].value += ",\(value)"
            return
        }
        fields.append(Field(name: name, value: value))
        if positions != nil {
            positions?[name] = fields.count - 1
        } else if fields.count >= Self.indexedFrom {
            positions = Dictionary(uniqueKeysWithValues: fields.indices.map { (fields[$0].name, $0) })
        }
    }

    private func position(of name: String) -> Int? {
        if let positions { return positions[name] }
        return fields.firstIndex { $0.name == name }
    }

    public var isEmpty: Bool { fields.isEmpty }
    public var count: Int { fields.count }

    /// Each header's lower-cased name and value, in the order they were added.
    public var all: [(name: String, value: String)] { fields.map { ($0.name, $0.value) } }

    /// The same names with the same values, in any order, as dictionaries compare.
    public static func == (lhs: RuleHeaders, rhs: RuleHeaders) -> Bool {
        lhs.count == rhs.count && lhs.fields.allSatisfy { rhs[$0.name] == $0.value }
    }

    public var description: String {
        "[" + fields.map { "\($0.name): \($0.value)" }.joined(separator: ", ") + "]"
    }
}
