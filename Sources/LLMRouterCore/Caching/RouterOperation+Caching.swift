import NIOCore

/// What to do with an answer once it arrives.
public enum CacheDecision: Sendable, Equatable {
    case store([UInt8])
    /// Never stored, with the reason for the metric (`tool_calls`, `cut_short` ...).
    case refuse(String)
    /// A stream: decided from its assembled answer when it ends.
    case atStreamEnd
}

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
        let body = Array(output.body.readableBytesView)
        return CacheRefusal.check(chat: body, settings: settings).map(CacheDecision.refuse) ?? .store(body)
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
        let body = Array(output.body.readableBytesView)
        return CacheRefusal.check(embeddings: body, settings: settings).map(CacheDecision.refuse) ?? .store(body)
    }
}

extension CachedAnswer {
    /// The usage a replay reports: the first answer's tokens, and no rate-limit headers (no
    /// upstream was asked).
    var report: UpstreamReport {
        UpstreamReport(promptTokens: promptTokens, completionTokens: completionTokens)
    }
}
