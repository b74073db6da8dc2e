public import Logging
public import NIOCore

/// Something that can answer a chat-completions request: echo, or an OpenAI-compatible upstream.
///
/// Both calls throw ``UpstreamFailure`` when the provider cannot answer, so the failover loop can
/// tell a retryable failure from a bad request. A provider never retries on its own; retrying on
/// another provider is the router's job.
public protocol Provider: Sendable {
    /// Answers with a complete `chat.completion` JSON body.
    func complete(_ request: ChatRequest, context: ProviderContext) async throws -> ChatCompletion
    /// Answers with a stream of `chat.completion.chunk` JSON payloads. Returning means the
    /// upstream accepted the request; failures after that surface from the stream.
    func stream(_ request: ChatRequest, context: ProviderContext) async throws -> ChatEventStream
    /// Answers an embeddings request; providers without embeddings keep the default, which
    /// refuses it.
    func embed(_ request: EmbeddingsRequest, context: ProviderContext) async throws -> EmbeddingsAnswer
    /// Whether the upstream continues a trailing assistant message; defaults to ``AssistantPrefill/unsupported``.
    var assistantPrefill: AssistantPrefill { get }
}

extension Provider {
    public var assistantPrefill: AssistantPrefill { .unsupported }
}

/// What a provider needs to know about the call beyond the client's request.
public struct ProviderContext: Sendable {
    /// The configured name of the provider being called (echo prefixes its answers with it).
    public var providerName: String
    /// The model id to send upstream; `nil` keeps the client's.
    public var upstreamModel: String?
    /// How long the call may take before the whole request gives up, as measured on the
    /// router's clock when the call started: a provider bounds its call by this as well as by its
    /// own timeouts. `nil` means no request deadline.
    public var timeLeft: Duration?
    public var logger: Logger
    /// The event loop serving the client's connection, if known: an upstream call made there
    /// needs no thread hop to hand its answer back.
    public var eventLoop: (any EventLoop)?

    public init(
        providerName: String,
        upstreamModel: String?,
        timeLeft: Duration? = nil,
        logger: Logger,
        eventLoop: (any EventLoop)? = nil
    ) {
        self.providerName = providerName
        self.upstreamModel = upstreamModel
        self.timeLeft = timeLeft
        self.logger = logger
        self.eventLoop = eventLoop
    }
}

/// A complete answer: the `chat.completion` JSON exactly as it goes to the client.
public struct ChatCompletion: Sendable {
    public var body: ByteBuffer
    /// What the upstream's answer said about its limits and usage.
    public var report: UpstreamReport
    /// Where the body carries its usage, for a translation that reads it.
    public var usageLocation: UsageLocation

    public init(body: ByteBuffer, report: UpstreamReport = .init(), usageLocation: UsageLocation = .standard) {
        self.body = body
        self.report = report
        self.usageLocation = usageLocation
    }
}

/// What an upstream's successful answer told us besides the answer: its rate-limit headers,
/// read and as sent (to pass through to the client), and the tokens it counted.
public struct UpstreamReport: Sendable, Equatable {
    /// The limits the answer's headers describe; `nil` when it sent none.
    public var rateLimit: RateLimitSignal?
    /// The upstream's `x-ratelimit-*` (and similar) headers, name and value as sent.
    public var rateLimitHeaders: [(name: String, value: String)]
    /// `usage.prompt_tokens`, when the answer carried it.
    public var promptTokens: Int?
    /// `usage.completion_tokens`, when the answer carried it.
    public var completionTokens: Int?

    public init(
        rateLimit: RateLimitSignal? = nil,
        rateLimitHeaders: [(name: String, value: String)] = [],
        promptTokens: Int? = nil,
        completionTokens: Int? = nil
    ) {
        self.rateLimit = rateLimit
        self.rateLimitHeaders = rateLimitHeaders
        self.promptTokens = promptTokens
        self.completionTokens = completionTokens
    }

    public static func == (lhs: UpstreamReport, rhs: UpstreamReport) -> Bool {
        lhs.rateLimit == rhs.rateLimit && lhs.promptTokens == rhs.promptTokens && lhs.completionTokens == rhs.completionTokens
            && lhs.rateLimitHeaders.map(\.name) == rhs.rateLimitHeaders.map(\.name)
            && lhs.rateLimitHeaders.map(\.value) == rhs.rateLimitHeaders.map(\.value)
    }
}

/// A stream of `chat.completion.chunk` JSON payloads (the text after `data: `), ending where the
/// upstream sent `[DONE]`. A failure mid-stream is thrown from `next()`.
public struct ChatEventStream: AsyncSequence, Sendable {
    public typealias Element = ByteBuffer
    public typealias Failure = any Error

    private let makeIterator: @Sendable () -> Iterator
    /// What the upstream's response head said about its limits (tokens arrive in the chunks).
    public var report: UpstreamReport
    /// Where the chunks carry their usage.
    public var usageLocation: UsageLocation

    public init<Base: AsyncSequence & Sendable>(
        _ base: Base,
        report: UpstreamReport = .init(),
        usageLocation: UsageLocation = .standard
    ) where Base.Element == ByteBuffer {
        self.makeIterator = { Iterator(base.makeAsyncIterator()) }
        self.report = report
        self.usageLocation = usageLocation
    }

    public func makeAsyncIterator() -> Iterator { makeIterator() }

    public struct Iterator: AsyncIteratorProtocol {
        private var nextElement: () async throws -> ByteBuffer?

        init<BaseIterator: AsyncIteratorProtocol>(_ base: BaseIterator) where BaseIterator.Element == ByteBuffer {
            var base = base
            self.nextElement = { try await base.next() }
        }

        public mutating func next() async throws -> ByteBuffer? {
            try await nextElement()
        }
    }
}

/// A provider made of closures, for tests and small adapters.
public struct ClosureProvider: Provider {
    private let completeBody: @Sendable (ChatRequest, ProviderContext) async throws -> ChatCompletion
    private let streamBody: @Sendable (ChatRequest, ProviderContext) async throws -> ChatEventStream
    private let embedBody: (@Sendable (EmbeddingsRequest, ProviderContext) async throws -> EmbeddingsAnswer)?
    public var assistantPrefill: AssistantPrefill = .unsupported

    public init(
        complete: @escaping @Sendable (ChatRequest, ProviderContext) async throws -> ChatCompletion,
        stream: @escaping @Sendable (ChatRequest, ProviderContext) async throws -> ChatEventStream,
        embed: (@Sendable (EmbeddingsRequest, ProviderContext) async throws -> EmbeddingsAnswer)? = nil
    ) {
        self.completeBody = complete
        self.streamBody = stream
        self.embedBody = embed
    }

    public func embed(_ request: EmbeddingsRequest, context: ProviderContext) async throws -> EmbeddingsAnswer {
        guard let embedBody else {
            throw UpstreamFailure(kind: .clientError, message: "the provider \(context.providerName) serves no embeddings", status: 400)
        }
        return try await embedBody(request, context)
    }

    public func complete(_ request: ChatRequest, context: ProviderContext) async throws -> ChatCompletion {
        try await completeBody(request, context)
    }

    public func stream(_ request: ChatRequest, context: ProviderContext) async throws -> ChatEventStream {
        try await streamBody(request, context)
    }
}
