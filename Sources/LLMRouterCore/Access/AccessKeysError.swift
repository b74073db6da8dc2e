/// Access keys that cannot be used, named as precisely as we can: the variable or file, the
/// key entry and the field.
///
/// For example `config/keys.yaml: key 'alice' field 'rpm': must be a whole number > 0, got "lots"`.
public struct AccessKeysError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The environment variable or file the keys came from.
    public var source: String
    /// The key's name, or its position (`#2`) when it has no usable name.
    public var key: String?
    public var field: String?
    public var message: String

    public init(source: String, key: String? = nil, field: String? = nil, message: String) {
        self.source = source
        self.key = key
        self.field = field
        self.message = message
    }

    public var description: String {
        var location = source
        if let key { location += ": key '\(key)'" }
        if let field { location += (key == nil ? ": field '" : " field '") + field + "'" }
        return "\(location): \(message)"
    }
}
