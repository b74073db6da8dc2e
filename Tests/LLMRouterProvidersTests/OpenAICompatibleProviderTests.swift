import AsyncHTTPClient
import LLMRouterCore
import LLMRouterProviders
import LLMRouterTesting
import NIOCore
import Testing

struct OpenAICompatibleProviderTests {
    @Test(arguments: ["groq-chat-completion.json", "openrouter-chat-completion.json"])
    func completionBytesPassThroughUnchanged(_ fixture: String) async throws {
        let bytes = try UpstreamFixtures.bytes(fixture)
        try await withUpstream(.json(bytes: bytes)) { upstream, client in
            let completion = try await makeProvider(upstream, client: client).complete(try chatRequest(), context: testContext)
            #expect(Array(completion.body.readableBytesView) == bytes)
        }
    }

    @Test func requestFieldsAndHeadersReachTheUpstream() async throws {
        let request = try chatRequest(#"""
            {"model":"client-model","messages":[{"role":"user","content":"hi"}],
             "tools":[{"type":"function","function":{"name":"f","parameters":{"type":"object"}}}],
             "tool_choice":"auto","response_format":{"type":"json_object"},"temperature":0.2,
             "seed":42,"stop":["\n"],"x_custom":{"nested":[1,2.5,null,true]}}
            """#)
        try await withUpstream(.completion(content: "ok")) { upstream, client in
            let provider = makeProvider(upstream, client: client) {
                $0.extraHeaders = ["HTTP-Referer": "https://llmrouter.test", "X-Title": "llmrouter"]
            }
            _ = try await provider.complete(request, context: testContext)
            let recorded = try #require(upstream.lastRequest)
            #expect(recorded.method == "POST")
            #expect(recorded.path == "/v1/chat/completions")
            #expect(recorded.header("Authorization") == "Bearer \(testKey)")
            #expect(recorded.header("Content-Type") == "application/json")
            #expect(recorded.header("HTTP-Referer") == "https://llmrouter.test")
            #expect(recorded.header("X-Title") == "llmrouter")
            var expected = request.fields
            expected["model"] = .string("upstream-model")
            #expect(try json(recorded.body) == .object(expected))
        }
    }

    @Test func completeDropsStreamOptionsAndStreamsAreSwitchedOff() async throws {
        let request = try chatRequest(#"{"messages":[{"role":"user","content":"hi"}],"stream":true,"stream_options":{"include_usage":true}}"#)
        try await withUpstream(.completion(content: "ok")) { upstream, client in
            _ = try await makeProvider(upstream, client: client).complete(request, context: testContext)
            let body = try json(try #require(upstream.lastRequestBody)).objectValue
            #expect(body?["stream"] == .bool(false))
            #expect(body?["stream_options"] == nil)
        }
    }

    @Test func noKeyMeansNoAuthorizationHeader() async throws {
        try await withUpstream(.completion(content: "ok")) { upstream, client in
            _ = try await makeProvider(upstream, client: client, apiKey: nil).complete(try chatRequest(), context: testContext)
            #expect(upstream.lastRequest?.header("Authorization") == nil)
        }
    }

    @Test func serverErrorIsClassified() async throws {
        try await withUpstream(.error(status: 500, message: "boom")) { upstream, client in
            let failure = await expectFailure { _ = try await makeProvider(upstream, client: client).complete(try chatRequest(), context: testContext) }
            #expect(failure?.kind == .serverError)
            #expect(failure?.status == 500)
            #expect(failure?.message == "Internal Server Error: boom")
        }
    }

    @Test func rateLimitCarriesRetryAfter() async throws {
        try await withUpstream(.rateLimited(retryAfter: 7)) { upstream, client in
            let failure = await expectFailure { _ = try await makeProvider(upstream, client: client).complete(try chatRequest(), context: testContext) }
            #expect(failure?.kind == .rateLimited)
            #expect(failure?.retryAfter == .seconds(7))
        }
    }

    @Test func clientErrorKeepsStatusAndBody() async throws {
        let body = #"{"error":{"message":"max_tokens is too large","type":"invalid_request_error","param":"max_tokens"}}"#
        try await withUpstream(.json(status: 400, body: body)) { upstream, client in
            let failure = await expectFailure { _ = try await makeProvider(upstream, client: client).complete(try chatRequest(), context: testContext) }
            #expect(failure?.kind == .clientError)
            #expect(failure?.status == 400)
            #expect(failure?.body == Array(body.utf8))
        }
    }

    @Test func unauthorizedIsAuthentication() async throws {
        try await withUpstream(.error(status: 401, message: "Invalid API Key", type: "invalid_request_error")) { upstream, client in
            let failure = await expectFailure { _ = try await makeProvider(upstream, client: client).complete(try chatRequest(), context: testContext) }
            #expect(failure?.kind == .authentication)
        }
    }

    @Test(arguments: [
        FakeUpstream.Reply.malformed,
        .json(body: #"{"object":"list","data":[]}"#),
        .json(body: #"{"error":{"message":"upstream overloaded","code":502}}"#),
    ])
    func unusableSuccessIsABadResponse(_ reply: FakeUpstream.Reply) async throws {
        try await withUpstream(reply) { upstream, client in
            let failure = await expectFailure { _ = try await makeProvider(upstream, client: client).complete(try chatRequest(), context: testContext) }
            #expect(failure?.kind == .badResponse)
        }
    }

    @Test func connectionResetIsAConnectionFailure() async throws {
        try await withUpstream(.reset) { upstream, client in
            let failure = await expectFailure { _ = try await makeProvider(upstream, client: client).complete(try chatRequest(), context: testContext) }
            #expect(failure?.kind == .connection)
        }
    }

    @Test func connectionRefusedIsAConnectionFailure() async throws {
        // A port that was just listening and is now closed refuses connections.
        let upstream = try await FakeUpstream.start()
        try await upstream.shutdown()
        let client = HTTPClient(configuration: .upstream(connectTimeout: .seconds(1)))
        let failure = await expectFailure { _ = try await makeProvider(upstream, client: client).complete(try chatRequest(), context: testContext) }
        try await client.shutdown()
        #expect(failure?.kind == .connection)
        #expect(failure?.message.lowercased().contains("refused") == true)
    }

    @Test func slowFirstByteTimesOut() async throws {
        try await withUpstream(.delay(.seconds(30), then: .completion(content: "late"))) { upstream, client in
            let provider = makeProvider(upstream, client: client) {
                $0.timeouts = UpstreamTimeouts(connect: .milliseconds(100), firstByte: .milliseconds(200), total: .seconds(5))
            }
            let start = ContinuousClock.now
            let failure = await expectFailure { _ = try await provider.complete(try chatRequest(), context: testContext) }
            #expect(failure?.kind == .timeout)
            #expect(ContinuousClock.now - start < .seconds(15), "timed out at the first-byte deadline, not after the 30 s answer")
        }
    }

    @Test func totalTimeoutCoversTheBody() async throws {
        // The head arrives at once; the body never ends, so only the total timeout can fire.
        let slowBody = FakeUpstream.Reply.sse(chunks: [Array("{".utf8)], ending: .hang)
        try await withUpstream(slowBody) { upstream, client in
            let provider = makeProvider(upstream, client: client) {
                $0.timeouts = UpstreamTimeouts(connect: .seconds(1), firstByte: .seconds(1), total: .milliseconds(300))
            }
            let failure = await expectFailure { _ = try await provider.complete(try chatRequest(), context: testContext) }
            #expect(failure?.kind == .timeout)
            #expect(failure?.message.contains("total timeout") == true)
        }
    }

    @Test func cancelledCallerGetsCancellationAndTheRequestIsAbandoned() async throws {
        try await withUpstream(.delay(.seconds(5), then: .completion(content: "late"))) { upstream, client in
            let provider = makeProvider(upstream, client: client)
            let call = Task { try await provider.complete(try chatRequest(), context: testContext) }
            #expect(await upstream.waitUntil { $0.requestCount == 1 })
            call.cancel()
            await #expect(throws: CancellationError.self) { try await call.value }
            #expect(await upstream.waitUntil { $0.clientDisconnects == 1 })
        }
    }

    @Test func echoedKeyNeverAppearsInTheFailure() async throws {
        for status in [400, 401, 429, 500] {
            let echo = FakeUpstream.Reply.respond { request in
                .error(status: status, message: "rejected credentials: \(request.header("Authorization") ?? "none")")
            }
            try await withUpstream(echo) { upstream, client in
                let failure = try #require(await expectFailure {
                    _ = try await makeProvider(upstream, client: client).complete(try chatRequest(), context: testContext)
                })
                #expect(upstream.lastRequest?.header("Authorization") == "Bearer \(testKey)")
                #expect(!failure.message.contains(testKey))
                #expect(!failure.description.contains(testKey))
                #expect(!String(decoding: failure.body ?? [], as: UTF8.self).contains(testKey))
                #expect(failure.message.contains(SecretRedactor.mask))
            }
        }
    }
}
