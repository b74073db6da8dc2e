#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import AsyncHTTPClient
import LLMRouterCore
import NIOCore
import NIOHTTP1

/// ``HTTPFetcher`` over AsyncHTTPClient.
///
/// Takes a client instead of creating one so a whole run (every provider probe, the index
/// download) shares one connection pool; the owner shuts the client down, typically through
/// `HTTPClient.withHTTPClient { }`.
public struct AsyncHTTPFetcher: HTTPFetcher {
    public let client: HTTPClient
    /// The largest body accepted. Defaults to 32 MiB (OpenRouter's listing is about 1.5 MiB).
    public var maximumBodySize: Int

    public init(client: HTTPClient, maximumBodySize: Int = 32 << 20) {
        self.client = client
        self.maximumBodySize = maximumBodySize
    }

    public func get(_ url: String, headers: [(name: String, value: String)], timeout: Duration) async throws(FetchError) -> FetchedResponse {
        try await send(.GET, url, headers: headers, body: nil, timeout: timeout)
    }

    public func post(_ url: String, headers: [(name: String, value: String)], body: Data, timeout: Duration) async throws(FetchError) -> FetchedResponse {
        try await send(.POST, url, headers: headers, body: body, timeout: timeout)
    }

    private func send(
        _ method: HTTPMethod, _ url: String, headers: [(name: String, value: String)], body: Data?, timeout: Duration
    ) async throws(FetchError) -> FetchedResponse {
        var request = HTTPClientRequest(url: url)
        request.method = method
        if let body { request.body = .bytes(ByteBuffer(bytes: body)) }
        for header in headers {
            request.headers.add(name: header.name, value: header.value)
        }
        // The deadline covers the body too: AsyncHTTPClient cancels the whole exchange when it passes.
        let deadline = NIODeadline.now() + .nanoseconds(timeout.nanoseconds)
        do {
            let response = try await client.execute(request, deadline: deadline)
            let body = try await response.body.collect(upTo: maximumBodySize)
            return FetchedResponse(
                status: Int(response.status.code),
                retryAfter: response.headers.first(name: "retry-after"),
                body: Data(body.readableBytesView),
                headers: Dictionary(response.headers.map { ($0.name.lowercased(), $0.value) }) { first, _ in first }
            )
        } catch let error as HTTPClientError {
            throw Self.fetchError(error)
        } catch is NIOTooManyBytesError {
            throw FetchError(.bodyTooLarge, message: "response body larger than \(maximumBodySize) bytes")
        } catch {
            throw FetchError(.transport, message: "request failed: \(error)")
        }
    }

    private static func fetchError(_ error: HTTPClientError) -> FetchError {
        if [.deadlineExceeded, .readTimeout, .connectTimeout, .writeTimeout].contains(error) {
            return FetchError(.timeout, message: "no complete answer before the timeout")
        }
        if [.invalidURL, .emptyHost, .emptyScheme].contains(error) {
            return FetchError(.invalidURL, message: "invalid URL (\(error))")
        }
        return FetchError(.transport, message: "request failed: \(error)")
    }
}
