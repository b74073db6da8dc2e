public import NIOCore

/// A stream whose first chunk has already arrived: proof that the provider is answering.
///
/// Failover for streams is allowed until the first byte goes to the client, so the router
/// waits for the first chunk before committing to a provider and sending headers.
///
/// `@unchecked Sendable`: the iterator is handed once from the task that ran the failover to the
/// task that writes the response, and only ever used by one of them at a time.
public final class PrimedStream: @unchecked Sendable {
    public let first: ByteBuffer
    /// What the upstream's response head said about its limits.
    public let report: UpstreamReport
    private var iterator: ChatEventStream.Iterator

    /// Waits for the first chunk of `stream`.
    /// - Throws: whatever the stream throws, or ``LLMRouterCore/UpstreamFailure`` with kind
    ///   `badResponse` when it ends before sending anything.
    public init(_ stream: ChatEventStream, emptyFailure: @autoclosure () -> any Error) async throws {
        var iterator = stream.makeAsyncIterator()
        guard let first = try await iterator.next() else { throw emptyFailure() }
        self.first = first
        self.report = stream.report
        self.iterator = iterator
    }

    /// The chunks after the first.
    public func next() async throws -> ByteBuffer? {
        try await iterator.next()
    }
}
