/// Why `catalog-build` wrote nothing. The existing output file, if any, is untouched in every case.
public struct CatalogBuildError: Error, Sendable, Equatable, CustomStringConvertible {
    public struct Kind: Sendable, Hashable, CustomStringConvertible {
        private enum Code: String, Hashable, Sendable { case invalidOption, missingKey, seed, providersUnavailable, write }
        private let code: Code
        /// A flag value is unusable (unknown provider, empty list).
        public static let invalidOption = Kind(code: .invalidOption)
        /// A key variable is unset; ``CatalogBuildError/variables`` names them.
        public static let missingKey = Kind(code: .missingKey)
        /// The seed file is missing or invalid.
        public static let seed = Kind(code: .seed)
        /// At least one required provider could not be listed.
        public static let providersUnavailable = Kind(code: .providersUnavailable)
        /// The output file could not be written.
        public static let write = Kind(code: .write)

        public var description: String { code.rawValue }
    }

    public var kind: Kind
    /// The missing key variables, for ``Kind/missingKey``.
    public var variables: [String]
    /// The provider failures, for ``Kind/providersUnavailable``.
    public var probeFailures: [ProbeError]
    public var message: String

    public init(_ kind: Kind, message: String, variables: [String] = [], probeFailures: [ProbeError] = []) {
        self.kind = kind
        self.message = message
        self.variables = variables
        self.probeFailures = probeFailures
    }

    public var description: String { message }
}
