import LLMRouterCore

/// A provider whose `/models` could not be listed.
///
/// Messages name the variable or the URL, never a key value.
public struct ProbeError: Error, Sendable, Equatable, CustomStringConvertible {
    public struct Kind: Sendable, Hashable, CustomStringConvertible {
        private enum Code: String, Hashable, Sendable {
            case missingKey, unsupportedProvider, httpStatus, timeout, transport, malformedListing
        }

        private let code: Code
        /// The key variable is unset or empty; ``ProbeError/variable`` names it.
        public static let missingKey = Kind(code: .missingKey)
        /// The provider has no `/models` endpoint we know (echo, or openai without a base URL).
        public static let unsupportedProvider = Kind(code: .unsupportedProvider)
        /// The provider answered with an error status, after any retries.
        public static let httpStatus = Kind(code: .httpStatus)
        /// No answer within the timeout, after any retries.
        public static let timeout = Kind(code: .timeout)
        /// The connection failed, after any retries.
        public static let transport = Kind(code: .transport)
        /// The answer was not a model listing.
        public static let malformedListing = Kind(code: .malformedListing)

        public var description: String { code.rawValue }
    }

    public var kind: Kind
    public var provider: ProviderKind
    /// The environment variable involved, for ``Kind/missingKey``.
    public var variable: String?
    /// The HTTP status, for ``Kind/httpStatus``.
    public var status: Int?
    public var message: String

    public init(_ kind: Kind, provider: ProviderKind, variable: String? = nil, status: Int? = nil, message: String) {
        self.kind = kind
        self.provider = provider
        self.variable = variable
        self.status = status
        self.message = message
    }

    public var description: String { "\(provider.rawValue): \(message)" }
}
