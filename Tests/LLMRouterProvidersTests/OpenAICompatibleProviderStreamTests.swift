import AsyncHTTPClient
import LLMRouterCore
import LLMRouterProviders
import LLMRouterTesting
import NIOCore
import Testing

struct OpenAICompatibleProviderStreamTests {
    private let events = (1...3).map { FakeUpstream.Reply.chunkJSON(content: "part \($0)") }

    @Test func streamRequestAsksForAnEventStream() async throws {
        let request = try chatRequest(#"{"messages":[{"role":"user","content":"hi"}],"stream_options":{"include_usage":true}}"#)
        try await withUpstream(.stream(events: events)) { upstream, client in
            let payloads = try await collect(try await makeProvider(upstream, client: client).stream(request, context: testContext))
            #expect(payloads == events)
            let recorded = try #require(upstream.lastRequest)
            #expect(recorded.header("Accept") == "text/event-stream")
            let body = try json(recorded.body).objectValue
            #expect(body?["stream"] == .bool(true))
            #expect(body?["stream_options"] == .object(["include_usage": .bool(true)]))
            #expect(body?["model"] == .string("upstream-model"))
        }
    }

    @Test func eventsArriveAsTheyAreSent() async throws {
        // A long gap between events (long enough for a loaded 2-core machine): the first must be
        // delivered while the rest are unsent.
        try await withUpstream(.stream(events: events, gap: .milliseconds(1500))) { upstream, client in
            let stream = try await makeProvider(upstream, client: client).stream(try chatRequest(), context: testContext)
            var iterator = stream.makeAsyncIterator()
            let first = try await iterator.next()
            #expect(first.map { String(buffer: $0) } == events[0])
            #expect(upstream.streamChunksWritten < events.count + 1)
            var rest: [String] = []
            while let payload = try await iterator.next() { rest.append(String(buffer: payload)) }
            #expect(rest == Array(events.dropFirst()))
            #expect(upstream.streamChunksWritten == events.count + 1)
        }
    }

    @Test(arguments: [
        "groq-chat-stream.sse", "openrouter-chat-stream.sse",
        "openrouter-chat-stream-reasoning.sse", "groq-chat-stream-tool-call.sse",
    ])
    func fixtureStreamsPassThrough(_ fixture: String) async throws {
        let bytes = try UpstreamFixtures.bytes(fixture)
        // Serve the capture in uneven TCP writes so events straddle chunk boundaries.
        let chunks = stride(from: 0, to: bytes.count, by: 777).map { Array(bytes[$0..<min($0 + 777, bytes.count)]) }
        try await withUpstream(.sse(chunks: chunks)) { upstream, client in
            let payloads = try await collect(try await makeProvider(upstream, client: client).stream(try chatRequest(), context: testContext))
            #expect(payloads == naiveDataLines(bytes).dropLast())
        }
    }

    @Test func longGroqStreamReframedAsSSEPassesThrough() async throws {
        let lines = String(decoding: try UpstreamFixtures.bytes("groq-chat-stream-long.chunks.jsonl"), as: UTF8.self)
            .split(separator: "\n").map(String.init)
        try await withUpstream(.stream(events: lines)) { upstream, client in
            let payloads = try await collect(try await makeProvider(upstream, client: client).stream(try chatRequest(), context: testContext))
            #expect(payloads == lines)
        }
    }

    @Test func failureBeforeTheStreamIsThrownFromStream() async throws {
        try await withUpstream(.rateLimited(retryAfter: 3), .error(status: 503, message: "overloaded"), .reset) { upstream, client in
            let provider = makeProvider(upstream, client: client)
            let limited = await expectFailure { _ = try await provider.stream(try chatRequest(), context: testContext) }
            #expect(limited?.kind == .rateLimited)
            #expect(limited?.retryAfter == .seconds(3))
            let unavailable = await expectFailure { _ = try await provider.stream(try chatRequest(), context: testContext) }
            #expect(unavailable?.kind == .serverError)
            let reset = await expectFailure { _ = try await provider.stream(try chatRequest(), context: testContext) }
            #expect(reset?.kind == .connection)
        }
    }

    @Test func jsonErrorInsteadOfAStreamIsThrownFromStream() async throws {
        let body = #"{"error":{"message":"Rate limit reached. Please try again in 1.5s.","type":"tokens","code":"rate_limit_exceeded"}}"#
        try await withUpstream(.json(body: body)) { upstream, client in
            let failure = await expectFailure { _ = try await makeProvider(upstream, client: client).stream(try chatRequest(), context: testContext) }
            #expect(failure?.kind == .rateLimited)
            #expect(failure?.retryAfter == .milliseconds(1_500))
        }
    }

    @Test func midStreamResetIsThrownFromTheStream() async throws {
        try await withUpstream(.streamThenReset(events: events)) { upstream, client in
            let stream = try await makeProvider(upstream, client: client).stream(try chatRequest(), context: testContext)
            var received: [String] = []
            let failure = await expectFailure {
                for try await payload in stream { received.append(String(buffer: payload)) }
            }
            #expect(failure?.kind == .connection)
            #expect(received.count <= events.count)
        }
    }

    @Test func endWithoutDoneIsAConnectionFailure() async throws {
        try await withUpstream(.stream(events: events, sendDone: false)) { upstream, client in
            let stream = try await makeProvider(upstream, client: client).stream(try chatRequest(), context: testContext)
            var received: [String] = []
            let failure = await expectFailure {
                for try await payload in stream { received.append(String(buffer: payload)) }
            }
            #expect(received == events)
            #expect(failure?.kind == .connection)
            #expect(failure?.message == "stream ended before [DONE]")
        }
    }

    @Test func errorEventIsThrownFromTheStream() async throws {
        let error = #"{"id":"gen-1","object":"chat.completion.chunk","error":{"code":502,"message":"Provider disconnected"},"choices":[{"index":0,"delta":{"content":""},"finish_reason":"error"}]}"#
        let rateLimit = #"{"error":{"code":429,"message":"Rate limit exceeded: free-models-per-min"}}"#
        try await withUpstream(.stream(events: [events[0], error]), .stream(events: [rateLimit])) { upstream, client in
            let provider = makeProvider(upstream, client: client)
            let failure = await expectFailure { _ = try await collect(try await provider.stream(try chatRequest(), context: testContext)) }
            #expect(failure?.kind == .serverError)
            #expect(failure?.message.contains("Provider disconnected") == true)
            let limited = await expectFailure { _ = try await collect(try await provider.stream(try chatRequest(), context: testContext)) }
            #expect(limited?.kind == .rateLimited)
        }
    }

    @Test func totalTimeoutEndsASlowStream() async throws {
        try await withUpstream(.stream(events: events, gap: .seconds(2))) { upstream, client in
            let provider = makeProvider(upstream, client: client) {
                $0.timeouts = UpstreamTimeouts(connect: .seconds(1), firstByte: .seconds(1), total: .milliseconds(400))
            }
            let stream = try await provider.stream(try chatRequest(), context: testContext)
            let failure = await expectFailure { _ = try await collect(stream) }
            #expect(failure?.kind == .timeout)
            #expect(await upstream.waitUntil { $0.clientDisconnects == 1 })
        }
    }

    @Test func droppingTheIteratorClosesTheUpstreamConnection() async throws {
        try await withUpstream(.stream(events: events, gap: .seconds(2))) { upstream, client in
            try await readFirstEventAndStop(try await makeProvider(upstream, client: client).stream(try chatRequest(), context: testContext))
            #expect(await upstream.waitUntil(timeout: .seconds(5)) { $0.clientDisconnects == 1 })
            #expect(upstream.streamChunksWritten < events.count + 1)
        }
    }

    @Test func cancellingTheConsumerClosesTheUpstreamConnection() async throws {
        try await withUpstream(.stream(events: events, gap: .seconds(2))) { upstream, client in
            let stream = try await makeProvider(upstream, client: client).stream(try chatRequest(), context: testContext)
            let consumer = Task { try await collect(stream) }
            #expect(await upstream.waitUntil { $0.streamChunksWritten >= 1 })
            consumer.cancel()
            _ = try? await consumer.value
            // Generous: on a loaded machine the close can take longer than the default wait.
            #expect(await upstream.waitUntil(timeout: .seconds(10)) { $0.clientDisconnects == 1 })
        }
    }

    @Test func aStreamCanBeIteratedOnlyOnce() async throws {
        try await withUpstream(.stream(events: events)) { upstream, client in
            let stream = try await makeProvider(upstream, client: client).stream(try chatRequest(), context: testContext)
            #expect(try await collect(stream) == events)
            let failure = await expectFailure { _ = try await collect(stream) }
            #expect(failure?.kind == .badResponse)
        }
    }

    /// Reads one event, then lets the iterator go out of scope.
    private func readFirstEventAndStop(_ stream: ChatEventStream) async throws {
        for try await _ in stream { break }
    }
}

struct UnconsumedStreamTests {
    @Test func aStreamThatIsNeverIteratedReleasesTheUpstreamConnection() async throws {
        let events = (1...3).map { FakeUpstream.Reply.chunkJSON(content: "part \($0)") }
        try await withUpstream(.stream(events: events, gap: .seconds(2))) { upstream, client in
            _ = try await makeProvider(upstream, client: client).stream(try chatRequest(), context: testContext)
            #expect(await upstream.waitUntil(timeout: .seconds(5)) { $0.clientDisconnects == 1 })
        }
    }
}
