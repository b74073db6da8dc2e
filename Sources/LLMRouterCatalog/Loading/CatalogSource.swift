/// Where an index was (or was tried to be) loaded from.
public struct CatalogSource: Sendable, Equatable, CustomStringConvertible {
    public enum Kind: String, Sendable, Equatable {
        /// `LLMROUTER_MODEL_INDEX_URL` as an http(s) URL.
        case url
        /// `LLMROUTER_MODEL_INDEX_URL` as a file path (or `file://` URL).
        case file
        /// The copy of the last successful download.
        case cache
        /// The index shipped with the code, `generated/model_index.json`, compiled into the binaries.
        case bundled
    }

    /// Whether the index is trusted to choose hosts, key variables and headers: local files are;
    /// a download, and the cache that holds one, are not (see ``CatalogTrust``).
    public var isTrusted: Bool { kind == .file || kind == .bundled }

    public var kind: Kind
    /// The path or URL as configured.
    public var location: String

    public init(kind: Kind, location: String) {
        self.kind = kind
        self.location = location
    }

    /// The location safe for logs: a URL loses its user info and query, which may carry tokens.
    public var displayLocation: String {
        guard kind == .url else { return location }
        var text = location
        if let query = text.firstIndex(where: { $0 == "?" || $0 == "#" }) { text = String(text[..<query]) }
        if let schemeEnd = text.firstRange(of: "://") {
            let rest = text[schemeEnd.upperBound...]
            let hostEnd = rest.firstIndex(of: "/") ?? rest.endIndex
            if let at = rest[..<hostEnd].lastIndex(of: "@") {
                text = String(text[..<schemeEnd.upperBound]) + String(rest[rest.index(after: at)...])
            }
        }
        return text
    }

    public var description: String { "\(kind.rawValue) \(displayLocation)" }
}

/// A source of the chain that did not yield an index, and why.
public struct CatalogSourceFailure: Sendable, Equatable, CustomStringConvertible {
    public var source: CatalogSource
    public var error: IndexError

    public init(source: CatalogSource, error: IndexError) {
        self.source = source
        self.error = error
    }

    public var description: String { "\(source.kind.rawValue): \(error)" }
}

/// A source that loaded but was not used, and why (older than the winner, or not read at all).
public struct CatalogSourceSkip: Sendable, Equatable, CustomStringConvertible {
    /// `cache` or `bundled`.
    public var kind: String
    public var reason: String

    public init(kind: String, reason: String) {
        self.kind = kind
        self.reason = reason
    }

    public var description: String { "\(kind): \(reason)" }
}

/// The outcome of the loading chain.
public struct CatalogLoadResult: Sendable {
    /// The index, or `nil` when every source failed (the caller then uses the embedded echo default).
    public var index: ModelIndex?
    /// The source that won.
    public var source: CatalogSource?
    /// The sources tried before it, in order, with their errors.
    public var failures: [CatalogSourceFailure]
    /// Sources that were fine but lost to the winner.
    public var passedOver: [CatalogSourceSkip]

    public init(index: ModelIndex?, source: CatalogSource?, failures: [CatalogSourceFailure], passedOver: [CatalogSourceSkip] = []) {
        self.index = index
        self.source = source
        self.failures = failures
        self.passedOver = passedOver
    }
}
