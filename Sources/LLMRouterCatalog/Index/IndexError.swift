/// An index that cannot be used, located as precisely as we can: source, field path, reason.
///
/// The description is written for a person, for example
/// `generated/model_index.json: field 'models[3].providers.groq.model': must be a non-empty string`.
public struct IndexError: Error, Sendable, Equatable, CustomStringConvertible {
    /// What went wrong, as a small extensible set (compare with `==`).
    public struct Kind: Sendable, Hashable, CustomStringConvertible {
        private enum Code: String, Sendable, Hashable {
            case unavailable, unreadable, malformedJSON, invalidField, unsupportedSchema, untrusted
        }

        private let code: Code

        /// The source could not be reached or does not exist (URL down, HTTP error, no file).
        public static let unavailable = Kind(code: .unavailable)
        /// The bytes could not be read.
        public static let unreadable = Kind(code: .unreadable)
        /// The bytes are not JSON.
        public static let malformedJSON = Kind(code: .malformedJSON)
        /// The JSON does not have the index's shape; ``IndexError/field`` says where.
        public static let invalidField = Kind(code: .invalidField)
        /// `schema_version` is newer than this code understands.
        public static let unsupportedSchema = Kind(code: .unsupportedSchema)
        /// A signature was required and is missing or does not match (`LLMROUTER_CATALOG_PUBLIC_KEY`).
        public static let untrusted = Kind(code: .untrusted)

        public var description: String { code.rawValue }
    }

    public var kind: Kind
    /// The file path or URL the index came from.
    public var source: String
    /// The JSON path of the offending field, e.g. `models[3].providers.groq.model`.
    public var field: String?
    public var message: String

    public init(_ kind: Kind, source: String, field: String? = nil, message: String) {
        self.kind = kind
        self.source = source
        self.field = field
        self.message = message
    }

    public var description: String {
        if let field { return "\(source): field '\(field)': \(message)" }
        return "\(source): \(message)"
    }
}
