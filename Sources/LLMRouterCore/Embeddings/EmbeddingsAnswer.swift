public import NIOCore

/// An embeddings answer: the upstream's JSON exactly as it goes to the client (its vectors stay
/// in the encoding the client asked for), and what the answer said about limits and usage.
public struct EmbeddingsAnswer: Sendable {
    public var body: ByteBuffer
    public var report: UpstreamReport

    public init(body: ByteBuffer, report: UpstreamReport = .init()) {
        self.body = body
        self.report = report
    }
}

extension Provider {
    /// Providers that serve no embeddings refuse them as the client's error: a route of kind
    /// `embeddings` is only configured for providers that have them.
    public func embed(_ request: EmbeddingsRequest, context: ProviderContext) async throws -> EmbeddingsAnswer {
        throw UpstreamFailure(kind: .clientError, message: "the provider \(context.providerName) serves no embeddings", status: 400)
    }
}
