import AsyncHTTPClient
import LLMRouterCore
import LLMRouterProviders
import LLMRouterTesting
import Logging
import NIOCore
import Testing

/// Runs `body` with a fake upstream serving `replies` and a shared client, and cleans both up.
func withUpstream(
    _ replies: FakeUpstream.Reply...,
    body: (FakeUpstream, HTTPClient) async throws -> Void
) async throws {
    let upstream = try await FakeUpstream.start()
    for reply in replies { upstream.enqueue(reply) }
    let client = HTTPClient(configuration: .upstream(connectTimeout: .seconds(1)))
    do {
        try await body(upstream, client)
    } catch {
        try await client.shutdown()
        try await upstream.shutdown()
        throw error
    }
    try await client.shutdown()
    try await upstream.shutdown()
}

/// A Groq-type provider pointed at `upstream`.
func makeProvider(
    _ upstream: FakeUpstream,
    client: HTTPClient,
    apiKey: String? = testKey,
    configure: (inout ProviderConfiguration) -> Void = { _ in }
) -> OpenAICompatibleProvider {
    var configuration = ProviderConfiguration(name: "fake-groq", kind: .groq, model: "upstream-model")
    configuration.timeouts = UpstreamTimeouts(connect: .seconds(1), firstByte: .seconds(2), total: .seconds(5))
    configure(&configuration)
    return OpenAICompatibleProvider(configuration: configuration, httpClient: client, apiKey: apiKey, baseURL: upstream.baseURL)
}

let testContext = ProviderContext(providerName: "fake-groq", upstreamModel: "upstream-model", logger: Logger(label: "test"))

/// A chat request parsed from JSON text.
func chatRequest(_ json: String = #"{"model":"m","messages":[{"role":"user","content":"hi"}]}"#) throws -> ChatRequest {
    try ChatRequest(json: Array(json.utf8))
}

/// Runs `body` and returns the ``UpstreamFailure`` it throws (failing the test if it throws
/// anything else or nothing).
func expectFailure(
    sourceLocation: SourceLocation = #_sourceLocation,
    _ body: () async throws -> Void
) async -> UpstreamFailure? {
    do {
        try await body()
        Issue.record("expected an UpstreamFailure, got success", sourceLocation: sourceLocation)
    } catch let failure as UpstreamFailure {
        return failure
    } catch {
        Issue.record("expected an UpstreamFailure, got \(error)", sourceLocation: sourceLocation)
    }
    return nil
}

/// Every payload of `stream`, as strings.
func collect(_ stream: ChatEventStream) async throws -> [String] {
    var payloads: [String] = []
    for try await payload in stream {
        payloads.append(String(buffer: payload))
    }
    return payloads
}
