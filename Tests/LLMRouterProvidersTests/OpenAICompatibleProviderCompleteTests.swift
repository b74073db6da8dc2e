import AsyncHTTPClient
import LLMRouterCore
@testable import LLMRouterProviders
import LLMRouterTesting
import Logging
import NIOCore
import NIOEmbedded
import Testing

/// How a complete answer is gathered: in parts, within size limits, on the caller's event loop.
struct OpenAICompatibleProviderCompleteTests {
    @Test func answerArrivingInPartsIsJoined() async throws {
        let whole = Array(FakeUpstream.Reply.completionJSON(content: String(repeating: "part ", count: 200)).utf8)
        let parts = stride(from: 0, to: whole.count, by: 100).map { Array(whole[$0..<min($0 + 100, whole.count)]) }
        // Each part is written and flushed on its own (chunked transfer encoding).
        let reply = FakeUpstream.Reply.sse(chunks: parts, gap: .milliseconds(5), headers: [("Content-Type", "application/json")])
        try await withUpstream(reply) { upstream, client in
            let completion = try await makeProvider(upstream, client: client).complete(try chatRequest(), context: testContext)
            #expect(parts.count > 5)
            #expect(Array(completion.body.readableBytesView) == whole)
        }
    }

    @Test func answerOverTheSizeLimitIsABadResponse() async throws {
        try await withUpstream(.completion(content: String(repeating: "x", count: 4096))) { upstream, client in
            let provider = OpenAICompatibleProvider(
                configuration: ProviderConfiguration(name: "fake-groq", kind: .groq, model: "upstream-model"),
                httpClient: client,
                apiKey: testKey,
                baseURL: upstream.baseURL,
                maximumBodySize: 1024
            )
            let failure = await expectFailure { _ = try await provider.complete(try chatRequest(), context: testContext) }
            #expect(failure?.kind == .badResponse)
            #expect(failure?.message == "response body larger than 1024 bytes")
        }
    }

    @Test func largeErrorBodyIsCutButTheStatusStillDecides() async throws {
        let message = String(repeating: "overloaded ", count: 20_000)
        try await withUpstream(.error(status: 503, message: message)) { upstream, client in
            let failure = await expectFailure { _ = try await makeProvider(upstream, client: client).complete(try chatRequest(), context: testContext) }
            #expect(failure?.kind == .serverError)
            #expect(failure?.status == 503)
            #expect(failure?.message.hasPrefix("Service Unavailable") == true)
        }
    }

    @Test func callRunsOnTheCallersLoopWhenTheClientHasIt() async throws {
        try await withUpstream(.completion(content: "here"), .completion(content: "there")) { upstream, client in
            let provider = makeProvider(upstream, client: client)
            let clientLoop = client.eventLoopGroup.next()
            var onClientLoop = testContext
            onClientLoop.eventLoop = clientLoop
            #expect(provider.hostEventLoop(for: onClientLoop) === clientLoop)
            let here = try await provider.complete(try chatRequest(), context: onClientLoop)
            #expect(String(buffer: here.body).contains("here"))

            // A loop the client does not own (a test's embedded loop) must not reach the client.
            var onForeignLoop = testContext
            onForeignLoop.eventLoop = EmbeddedEventLoop()
            #expect(provider.hostEventLoop(for: onForeignLoop) == nil)
            let there = try await provider.complete(try chatRequest(), context: onForeignLoop)
            #expect(String(buffer: there.body).contains("there"))
        }
    }
}
