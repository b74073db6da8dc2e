import NIOCore

/// What one request asks the router to do: the call it makes on each route it tries, and what
/// an answer tells about usage. The router calls the ``Provider`` itself through it; the wire
/// formats only pick an operation and render its outcome.
public protocol RouterOperation: Sendable {
    associatedtype Output: Sendable
    /// The kind of route that may serve it.
    var routeKind: RouteKind { get }
    /// Whether the answer is a stream, settled when it ends instead of when it starts.
    var isStream: Bool { get }
    /// What a route must support, and the prompt-size estimate.
    var needs: RequestNeeds { get }
    /// The chat request, for `auto`'s classifier and a cascade's gate; `nil` for other operations.
    var chatRequest: ChatRequest? { get }
    /// Calls one provider; throws ``UpstreamFailure`` when it cannot answer.
    func call(_ provider: any Provider, context: ProviderContext) async throws -> Output
    /// What the answer said about limits and usage, with estimates where it said nothing.
    func report(of output: Output) -> UpstreamReport
    /// The request as the response cache sees it; `nil` for operations never cached.
    var cacheRequest: CacheRequest? { get }
    /// A stored answer as this operation's output.
    func replay(_ answer: CachedAnswer) async throws -> Output
    /// What to store of a complete output, or why nothing; a stream decides when it ends.
    func cacheDecision(for output: Output, settings: ResponseCacheSettings) -> CacheDecision
}

/// A chat completion answered in one piece.
public struct CompleteChat: RouterOperation {
    public let request: ChatRequest
    public let needs: RequestNeeds
    /// Whether an answer whose tool-call arguments are not JSON counts as the provider's bad
    /// response (so the next route is tried). Translating APIs need the arguments parsed; the
    /// OpenAI pass-through does not read the answer at all. Defaults to `false`.
    public let checksToolArguments: Bool

    public init(_ request: ChatRequest, checksToolArguments: Bool = false) {
        self.request = request
        self.needs = RequestNeeds(request)
        self.checksToolArguments = checksToolArguments
    }

    public var routeKind: RouteKind { .chat }
    public var isStream: Bool { false }

    public func call(_ provider: any Provider, context: ProviderContext) async throws -> ChatCompletion {
        let completion = try await provider.complete(request, context: context)
        if checksToolArguments, let problem = ToolCallArguments.problem(in: completion.body) {
            throw UpstreamFailure(kind: .badResponse, message: problem)
        }
        return completion
    }

    public func report(of output: ChatCompletion) -> UpstreamReport {
        var report = output.report
        // Without `usage`, four bytes of answer a token is a fair guess for quotas.
        if report.completionTokens == nil { report.completionTokens = output.body.readableBytes / 4 }
        return report
    }
}

/// A chat completion streamed: the call waits for the first chunk, so failover covers a
/// provider that accepts the call but never answers.
public struct StreamChat: RouterOperation {
    public let request: ChatRequest
    public let needs: RequestNeeds

    public init(_ request: ChatRequest) {
        self.request = request
        self.needs = RequestNeeds(request)
    }

    public var routeKind: RouteKind { .chat }
    public var isStream: Bool { true }

    public func call(_ provider: any Provider, context: ProviderContext) async throws -> PrimedStream {
        let stream = try await provider.stream(request, context: context)
        return try await PrimedStream(stream, emptyFailure: UpstreamFailure(kind: .badResponse, message: "stream ended before its first chunk"))
    }

    public func report(of output: PrimedStream) -> UpstreamReport { output.report }
}

/// Embeddings. Only routes of kind `embeddings` serve it, and only routes of the model asked
/// for: vectors of different models do not mix.
public struct Embed: RouterOperation {
    public let request: EmbeddingsRequest
    public let needs: RequestNeeds

    public init(_ request: EmbeddingsRequest) {
        self.request = request
        self.needs = RequestNeeds(estimatedPromptTokens: max(request.inputBytes / 4, 1))
    }

    public var routeKind: RouteKind { .embeddings }
    public var isStream: Bool { false }

    public func call(_ provider: any Provider, context: ProviderContext) async throws -> EmbeddingsAnswer {
        try await provider.embed(request, context: context)
    }

    public func report(of output: EmbeddingsAnswer) -> UpstreamReport {
        var report = output.report
        report.completionTokens = 0
        return report
    }
}

/// Tool calls whose `arguments` are not a JSON object cannot become Anthropic `tool_use.input`
/// or a usable function call: another provider may do better.
enum ToolCallArguments {
    static func problem(in body: ByteBuffer) -> String? {
        guard let answer = (try? JSONValue.parsingObject(body.readableBytesView, keeping: ["choices"])) ?? nil else { return nil }
        for choice in answer["choices"]?.arrayValue ?? [] {
            for call in choice.objectValue?["message"]?.objectValue?["tool_calls"]?.arrayValue ?? [] {
                let function = call.objectValue?["function"]?.objectValue
                let name = function?["name"]?.stringValue ?? "?"
                guard let arguments = function?["arguments"] else { continue }
                switch arguments {
                case .object: continue
                case .string(let text) where text.trimmingWhitespace().isEmpty: continue
                case .string(let text):
                    if case .object? = try? JSONValue(parsing: Array(text.utf8)) { continue }
                    return "the arguments of the tool call '\(name)' are not a JSON object"
                default:
                    return "the arguments of the tool call '\(name)' are not a JSON object"
                }
            }
        }
        return nil
    }
}
