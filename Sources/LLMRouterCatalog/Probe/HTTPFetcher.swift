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

    /// Posts `body` to `url` (the test calls of `catalog-build --verify`); same contract as ``get(_:headers:timeout:)``.
    func post(_ url: String, headers: [(name: String, value: String)], body: Data, timeout: Duration) async throws(FetchError) -> FetchedResponse
}

/// An HTTP answer: status, the headers the catalog code reads, and the body.
public struct FetchedResponse: Sendable, Equatable {
    public var status: Int
    /// The `Retry-After` header, when the server sent one.
    public var retryAfter: String?
    public var body: Data
    /// Every response header, names lower-cased (the first value of a repeated one).
    public var headers: [String: String]

    public init(status: Int, retryAfter: String? = nil, body: Data, headers: [String: String] = [:]) {
        self.status = status
        self.retryAfter = retryAfter ?? headers["retry-after"]
        self.body = body
        self.headers = headers
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

/// A fetcher made of closures, for tests and adapters.
public struct ClosureHTTPFetcher: HTTPFetcher {
    public typealias Post = @Sendable (String, [(name: String, value: String)], Data, Duration) async throws(FetchError) -> FetchedResponse
    private let body: @Sendable (String, [(name: String, value: String)], Duration) async throws(FetchError) -> FetchedResponse
    private let postBody: Post?

    /// - Parameter post: answers POSTs; without it a POST fails as an invalid request.
    public init(
        post: Post? = nil,
        _ body: @escaping @Sendable (String, [(name: String, value: String)], Duration) async throws(FetchError) -> FetchedResponse
    ) {
        self.body = body
        self.postBody = post
    }

    public func get(_ url: String, headers: [(name: String, value: String)], timeout: Duration) async throws(FetchError) -> FetchedResponse {
        try await body(url, headers, timeout)
    }

    public func post(_ url: String, headers: [(name: String, value: String)], body: Data, timeout: Duration) async throws(FetchError) -> FetchedResponse {
        guard let postBody else { throw FetchError(.invalidURL, message: "POST is not supported by this fetcher") }
        return try await postBody(url, headers, body, timeout)
    }
}
