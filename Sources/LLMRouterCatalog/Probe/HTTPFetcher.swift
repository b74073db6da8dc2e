#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// Performs one HTTP `GET`; the only network access of the catalog code.
///
/// Behind a protocol so the builder, the probe and the loading chain run in tests without
/// sockets (``ClosureHTTPFetcher``), while production uses ``AsyncHTTPFetcher`` over one shared
/// `HTTPClient`. A fetcher does not retry and does not interpret the status: that is the caller's job.
public protocol HTTPFetcher: Sendable {
    /// Fetches `url`.
    /// - Parameters:
    ///   - url: an absolute `http://` or `https://` URL.
    ///   - headers: request headers, e.g. `Authorization`.
    ///   - timeout: the limit for the whole exchange, body included.
    /// - Returns: the status and body, whatever the status.
    /// - Throws: ``FetchError`` when no answer arrived (timeout, refused connection, invalid URL).
    func get(_ url: String, headers: [(name: String, value: String)], timeout: Duration) async throws(FetchError) -> FetchedResponse
}

/// An HTTP answer: status, the headers the catalog code reads, and the body.
public struct FetchedResponse: Sendable, Equatable {
    public var status: Int
    /// The `Retry-After` header, when the server sent one.
    public var retryAfter: String?
    public var body: Data

    public init(status: Int, retryAfter: String? = nil, body: Data) {
        self.status = status
        self.retryAfter = retryAfter
        self.body = body
    }
}

/// No HTTP answer was received.
public struct FetchError: Error, Sendable, Equatable, CustomStringConvertible {
    public struct Kind: Sendable, Hashable {
        private enum Code: Hashable, Sendable { case timeout, transport, invalidURL, bodyTooLarge }
        private let code: Code
        /// The exchange took longer than its timeout.
        public static let timeout = Kind(code: .timeout)
        /// The connection failed (refused, reset, TLS, DNS).
        public static let transport = Kind(code: .transport)
        /// The URL cannot be requested.
        public static let invalidURL = Kind(code: .invalidURL)
        /// The body was larger than the fetcher accepts.
        public static let bodyTooLarge = Kind(code: .bodyTooLarge)
    }

    public var kind: Kind
    public var message: String

    public init(_ kind: Kind, message: String) {
        self.kind = kind
        self.message = message
    }

    public var description: String { message }
}

/// A fetcher made of a closure, for tests and adapters.
public struct ClosureHTTPFetcher: HTTPFetcher {
    private let body: @Sendable (String, [(name: String, value: String)], Duration) async throws(FetchError) -> FetchedResponse

    public init(_ body: @escaping @Sendable (String, [(name: String, value: String)], Duration) async throws(FetchError) -> FetchedResponse) {
        self.body = body
    }

    public func get(_ url: String, headers: [(name: String, value: String)], timeout: Duration) async throws(FetchError) -> FetchedResponse {
        try await body(url, headers, timeout)
    }
}
