import NIOCore

extension RouterOperation {
    public var cacheRequest: CacheRequest? { nil }

    public func replay(_ answer: CachedAnswer) async throws -> Output {
        throw UpstreamFailure(kind: .badResponse, message: "this operation has no cached form")
    }

    public func cacheDecision(for output: Output, settings: ResponseCacheSettings) -> CacheDecision {
        .refuse("not_cacheable")
    }
}

extension CompleteChat {
    public var cacheRequest: CacheRequest? { CacheRequest(chat: request) }

    public func replay(_ answer: CachedAnswer) async throws -> ChatCompletion {
        ChatCompletion(body: ByteBuffer(bytes: answer.body), report: answer.report)
    }

    public func cacheDecision(for output: ChatCompletion, settings: ResponseCacheSettings) -> CacheDecision {
        CacheRefusal.decision(chat: Array(output.body.readableBytesView), settings: settings)
    }
}

extension StreamChat {
    public var cacheRequest: CacheRequest? { CacheRequest(chat: request) }

    /// The stored answer as a stream of chunks, usage last when the request asked for it.
    public func replay(_ answer: CachedAnswer) async throws -> PrimedStream {
        let includeUsage = request.fields["stream_options"]?.objectValue?["include_usage"] == .bool(true)
        let chunks = ChatAnswerReplay.chunks(of: answer.body, includeUsage: includeUsage)
        return try await PrimedStream(
            ChatEventStream(ReplayedChunks(chunks: chunks), report: answer.report),
            emptyFailure: UpstreamFailure(kind: .badResponse, message: "the cached answer has no choices")
        )
    }

    public func cacheDecision(for output: PrimedStream, settings: ResponseCacheSettings) -> CacheDecision {
        .atStreamEnd
    }
}

extension Embed {
    public var cacheRequest: CacheRequest? { CacheRequest(fields: request.fields, isDeterministic: true) }

    public func replay(_ answer: CachedAnswer) async throws -> EmbeddingsAnswer {
        EmbeddingsAnswer(body: ByteBuffer(bytes: answer.body), report: answer.report)
    }

    public func cacheDecision(for output: EmbeddingsAnswer, settings: ResponseCacheSettings) -> CacheDecision {
        CacheRefusal.decision(embeddings: Array(output.body.readableBytesView), settings: settings)
    }
}

extension CachedAnswer {
    /// The usage a replay reports: the first answer's tokens, and no rate-limit headers (no
    /// upstream was asked).
    var report: UpstreamReport {
        UpstreamReport(promptTokens: promptTokens, completionTokens: completionTokens)
    }
}
