import LLMRouterCore

/// A `/models` answer that is not the listing we expect (not JSON, or no `data` list).
public struct ListingError: Error, Sendable, Equatable, CustomStringConvertible {
    public var provider: ProviderKind
    public var message: String

    public init(provider: ProviderKind, message: String) {
        self.provider = provider
        self.message = message
    }

    public var description: String { "\(provider.rawValue) /models: \(message)" }
}
