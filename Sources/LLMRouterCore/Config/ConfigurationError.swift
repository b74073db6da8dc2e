/// A configuration that cannot be used, located as precisely as we can: file, provider, field.
///
/// The description is written for the person editing the file, for example
/// `config/providers.yaml: provider 'groq-llama' field 'priority': must be a whole number ≥ 0, got "high"`.
public struct ConfigurationError: Error, Sendable, Equatable, CustomStringConvertible {
    public var file: String
    /// The `name` of the provider entry, or its position (`#2`) when it has no usable name.
    public var provider: String?
    public var field: String?
    public var message: String

    public init(file: String, provider: String? = nil, field: String? = nil, message: String) {
        self.file = file
        self.provider = provider
        self.field = field
        self.message = message
    }

    public var description: String {
        var location = file
        if let provider { location += ": provider '\(provider)'" }
        if let field { location += (provider == nil ? ": field '" : " field '") + field + "'" }
        return "\(location): \(message)"
    }
}

/// Something in the file that is ignored but probably a mistake, such as a misspelt key.
public struct ConfigurationWarning: Sendable, Equatable, CustomStringConvertible {
    public var file: String
    public var provider: String?
    public var message: String

    public init(file: String, provider: String?, message: String) {
        self.file = file
        self.provider = provider
        self.message = message
    }

    public var description: String {
        provider.map { "\(file): provider '\($0)': \(message)" } ?? "\(file): \(message)"
    }
}
