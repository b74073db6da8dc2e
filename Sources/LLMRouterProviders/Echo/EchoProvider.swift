public import LLMRouterCore

/// Answers with the last user message, prefixed by the provider's name; streams it word by word.
///
/// It makes llmrouter useful with no keys at all (the embedded default) and gives tests and
/// benchmarks a provider whose behaviour is exact. `mock_latency_ms` delays the answer.
public struct EchoProvider: Provider {
    public let latency: Duration

    public init(latency: Duration = .zero) {
        self.latency = latency
    }

    public func complete(_ request: ChatRequest, context: ProviderContext) async throws -> ChatCompletion {
        try await waitForLatency(context)
        let answer = Self.answer(to: request, providerName: context.providerName)
        let completion = CompletionWire.Completion(
            id: CompletionWire.newID(),
            created: CompletionWire.now,
            model: Self.model(for: request, context: context),
            choices: [.init(message: .init(content: answer))],
            usage: Self.usage(request: request, answer: answer)
        )
        return ChatCompletion(body: CompletionWire.encode(completion))
    }

    public func stream(_ request: ChatRequest, context: ProviderContext) async throws -> ChatEventStream {
        try await waitForLatency(context)
        let answer = Self.answer(to: request, providerName: context.providerName)
        let id = CompletionWire.newID()
        let created = CompletionWire.now
        let model = Self.model(for: request, context: context)
        func chunk(_ delta: CompletionWire.Delta, finish: String? = nil) -> CompletionWire.Chunk {
            .init(id: id, created: created, model: model, choices: [.init(delta: delta, finishReason: finish)])
        }
        var chunks = [chunk(.init(role: "assistant", content: ""))]
        let words = answer.split(separator: " ", omittingEmptySubsequences: false)
        for (index, word) in words.enumerated() {
            chunks.append(chunk(.init(content: index == words.count - 1 ? String(word) : word + " ")))
        }
        chunks.append(chunk(.init(), finish: "stop"))
        if Self.wantsUsage(request) {
            chunks.append(.init(id: id, created: created, model: model, choices: [], usage: Self.usage(request: request, answer: answer)))
        }
        let payloads = chunks.map(CompletionWire.encode)
        return ChatEventStream(payloads.async)
    }

    static func answer(to request: ChatRequest, providerName: String) -> String {
        "\(providerName): \(request.lastUserText)"
    }

    private static func model(for request: ChatRequest, context: ProviderContext) -> String {
        context.upstreamModel ?? request.model ?? "echo"
    }

    private static func wantsUsage(_ request: ChatRequest) -> Bool {
        request.fields["stream_options"]?.objectValue?["include_usage"] == .bool(true)
    }

    /// Word counts stand in for tokens: echo has no tokenizer, and clients only need plausible numbers.
    private static func usage(request: ChatRequest, answer: String) -> CompletionWire.Usage {
        let promptWords = request.messages.reduce(0) { total, message in
            total + (message.objectValue?["content"]?.stringValue?.split(separator: " ").count ?? 0)
        }
        return .init(promptTokens: promptWords, completionTokens: answer.split(separator: " ").count)
    }

    /// Waits `mock_latency_ms`, or until the request deadline when that comes first.
    func waitForLatency(_ context: ProviderContext) async throws {
        guard latency > .zero else { return }
        if let timeLeft = context.timeLeft, timeLeft < latency {
            try await Task.sleep(for: max(timeLeft, .zero))
            throw UpstreamFailure(kind: .timeout, message: "no answer before the request deadline")
        }
        try await Task.sleep(for: latency)
    }
}

extension Array where Element: Sendable {
    /// The elements as an `AsyncSequence`, for streams whose content is known up front.
    var async: AsyncArraySequence<Element> { AsyncArraySequence(elements: self) }
}

struct AsyncArraySequence<Element: Sendable>: AsyncSequence, Sendable {
    let elements: [Element]

    func makeAsyncIterator() -> Iterator { Iterator(elements: elements) }

    struct Iterator: AsyncIteratorProtocol {
        var elements: [Element]
        var index = 0

        mutating func next() async -> Element? {
            guard index < elements.count else { return nil }
            defer { index += 1 }
            return elements[index]
        }
    }
}
