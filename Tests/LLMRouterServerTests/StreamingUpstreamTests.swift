import AsyncHTTPClient
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import LLMRouterCore
import LLMRouterProviders
import LLMRouterServer
import LLMRouterTesting
import NIOCore
import NIOHTTP1
import Testing

/// Streams through a live router (real sockets on 127.0.0.1), read as a client reads them.
struct StreamingUpstreamTests {
    static let events = (0..<6).map { FakeUpstream.Reply.chunkJSON(content: "w\($0) ") }

    /// Sends a streaming request to the live router and returns the response with its body unread.
    static func openStream(port: Int, model: String = "m") async throws -> HTTPClientResponse {
        var request = HTTPClientRequest(url: "http://127.0.0.1:\(port)/v1/chat/completions")
        request.method = .POST
        request.headers.add(name: "Content-Type", value: "application/json")
        request.body = .bytes(ByteBuffer(string: #"{"model":"\#(model)","stream":true,"messages":[{"role":"user","content":"hi"}]}"#))
        return try await UpstreamFailoverTests.httpClient.execute(request, timeout: .seconds(10))
    }

    /// Splits what arrived so far into SSE data payloads.
    static func dataEvents(_ text: String) -> [String] {
        text.components(separatedBy: "\n\n").compactMap { $0.hasPrefix("data: ") ? String($0.dropFirst(6)) : nil }
    }

    @Test func chunksAreRelayedAsTheyArrive() async throws {
        let upstream = try await FakeUpstream.start(defaultReply: .stream(events: Self.events, gap: .milliseconds(150)))
        let app = try UpstreamFailoverTests.app("providers:\n  - {name: up, type: openai, base_url: \"\(upstream.baseURL)\", api_key_env: TEST_KEY}")
        try await app.test(.live) { client in
            let port = try #require(client.port)
            let response = try await Self.openStream(port: port)
            #expect(response.status == .ok)
            #expect(response.headers.first(name: "content-type") == "text/event-stream")
            var received = ""
            var writtenWhenFirstArrived: Int?
            for try await buffer in response.body {
                received += String(buffer: buffer)
                if writtenWhenFirstArrived == nil, !Self.dataEvents(received).isEmpty {
                    writtenWhenFirstArrived = upstream.streamChunksWritten
                }
            }
            let events = Self.dataEvents(received)
            #expect(events.count == Self.events.count + 1)
            #expect(events.last == "[DONE]")
            #expect(Array(events.dropLast()) == Self.events, "payloads pass through byte for byte")
            let written = try #require(writtenWhenFirstArrived)
            #expect(written < Self.events.count, "the first chunk reached the client before the upstream finished")
        }
        #expect(app.router.state.snapshot("up")?.successes == 1)
        try await upstream.shutdown()
    }

    @Test func streamingFailsOverWhenTheFirstUpstreamFailsBeforeAnyChunk() async throws {
        let first = try await FakeUpstream.start(defaultReply: .error(status: 503, message: "overloaded"))
        let second = try await FakeUpstream.start(defaultReply: .stream(events: Self.events))
        let app = try UpstreamFailoverTests.app(UpstreamFailoverTests.pair(first, second))
        try await app.test { client in
            let response = try await client.chat(model: "m", stream: true)
            #expect(response.status == .ok)
            #expect(response.headers[.provider] == "second")
            #expect(response.sseData.count == Self.events.count + 1)
        }
        try await first.shutdown()
        try await second.shutdown()
    }

    @Test func midStreamFailureEndsWithAnErrorEventAndCountsAgainstTheProvider() async throws {
        let upstream = try await FakeUpstream.start(defaultReply: .streamThenReset(events: Array(Self.events.prefix(3)), gap: .milliseconds(100)))
        let app = try UpstreamFailoverTests.app("providers:\n  - {name: up, type: openai, base_url: \"\(upstream.baseURL)\", api_key_env: TEST_KEY}")
        try await app.test { client in
            let response = try await client.chat(stream: true)
            #expect(response.status == .ok)
            let events = response.sseData
            // The first chunk was read before the answer began. A TCP reset discards whatever the
            // router had not read from its socket yet, so how many of the later chunks made it
            // depends on timing; what follows them does not.
            let relayed = events.dropLast(2)
            #expect(relayed.first == Self.events[0])
            #expect(Array(relayed) == Array(Self.events.prefix(relayed.count)))
            let errorEvent = try #require(events.dropLast().last)
            let error = try #require(try JSONSerialization.jsonObject(with: Data(errorEvent.utf8)) as? [String: [String: Any]])
            #expect(error["error"]?["code"] as? String == "upstream_stream_failed")
            #expect(events.last == "[DONE]")
        }
        let health = try #require(app.router.state.snapshot("up"))
        #expect(health.failures == 1)
        #expect(health.successes == 0)
        try await upstream.shutdown()
    }

    @Test func clientDisconnectCancelsTheUpstreamCall() async throws {
        let slowEvents = (0..<100).map { FakeUpstream.Reply.chunkJSON(content: "slow \($0)") }
        let upstream = try await FakeUpstream.start(defaultReply: .stream(events: slowEvents, gap: .milliseconds(100)))
        let app = try UpstreamFailoverTests.app(
            "providers:\n  - {name: up, type: openai, base_url: \"\(upstream.baseURL)\", api_key_env: TEST_KEY}",
            settings: ServerSettings(streamKeepAlive: .milliseconds(50))
        )
        try await app.test(.live) { client in
            let port = try #require(client.port)
            let task = Task {
                let response = try await Self.openStream(port: port)
                for try await buffer in response.body where String(buffer: buffer).contains("slow 1") {
                    break
                }
            }
            try await task.value
            // Leaving the loop dropped the response body, so the client closed its connection.
            let cancelled = await upstream.waitUntil(timeout: .seconds(5)) { $0.clientDisconnects >= 1 }
            #expect(cancelled, "the upstream connection was closed after the client left")
            #expect(upstream.streamChunksWritten < slowEvents.count)
        }
        let health = try #require(app.router.state.snapshot("up"))
        #expect(health.failures == 0, "a client leaving is not the provider's fault")
        try await upstream.shutdown()
    }

    @Test func slowUpstreamGetsKeepAliveComments() async throws {
        let upstream = try await FakeUpstream.start(defaultReply: .stream(events: Array(Self.events.prefix(2)), gap: .milliseconds(400)))
        let app = try UpstreamFailoverTests.app(
            "providers:\n  - {name: up, type: openai, base_url: \"\(upstream.baseURL)\", api_key_env: TEST_KEY}",
            settings: ServerSettings(streamKeepAlive: .milliseconds(100))
        )
        try await app.test(.live) { client in
            let port = try #require(client.port)
            let response = try await Self.openStream(port: port)
            var received = ""
            for try await buffer in response.body { received += String(buffer: buffer) }
            #expect(received.contains(": keep-alive\n\n"))
            #expect(Self.dataEvents(received) == Array(Self.events.prefix(2)) + ["[DONE]"])
        }
        try await upstream.shutdown()
    }

    /// Streams through a router with a 100 ms keep-alive to one upstream answering `reply`;
    /// returns everything the client read, and the app.
    static func readSlowStart(_ reply: FakeUpstream.Reply) async throws -> (received: String, app: TestApp) {
        let upstream = try await FakeUpstream.start(defaultReply: reply)
        let app = try UpstreamFailoverTests.app(
            "providers:\n  - {name: up, type: openai, base_url: \"\(upstream.baseURL)\", api_key_env: TEST_KEY}",
            settings: ServerSettings(streamKeepAlive: .milliseconds(100))
        )
        let received = try await app.test(.live) { client in
            let response = try await Self.openStream(port: try #require(client.port))
            #expect(response.status == .ok)
            var received = ""
            for try await buffer in response.body { received += String(buffer: buffer) }
            return received
        }
        try await upstream.shutdown()
        return (received, app)
    }

    @Test func keepAlivesStartWhileWaitingForTheFirstChunk() async throws {
        let (received, app) = try await Self.readSlowStart(.delay(.milliseconds(600), then: .stream(events: Array(Self.events.prefix(2)))))
        #expect(received.hasPrefix(": keep-alive\n\n"), "a comment went out before the first chunk: \(received.prefix(40))")
        #expect(Self.dataEvents(received) == Array(Self.events.prefix(2)) + ["[DONE]"])
        #expect(app.router.state.snapshot("up")?.successes == 1)
    }

    @Test func aStreamOpenedForKeepAlivesEndsWithTheErrorWhenNoProviderAnswers() async throws {
        let (received, _) = try await Self.readSlowStart(.delay(.milliseconds(500), then: .error(status: 503, message: "overloaded")))
        let events = Self.dataEvents(received)
        #expect(events.last == "[DONE]")
        #expect(events.first?.contains("all_providers_failed") == true, "\(received)")
    }
}
