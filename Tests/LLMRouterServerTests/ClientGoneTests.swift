import AsyncHTTPClient
import Foundation
import HummingbirdTesting
import LLMRouterCore
import LLMRouterServer
import LLMRouterTesting
import NIOCore
import NIOHTTP1
import Testing

/// A client that gives up before the first byte (an SDK timeout) cancels the upstream call, so
/// no quota is spent on an answer nobody will read.
struct ClientGoneTests {
    static func send(port: Int, stream: Bool, timeout: Duration) async throws {
        var request = HTTPClientRequest(url: "http://127.0.0.1:\(port)/v1/chat/completions")
        request.method = .POST
        request.headers.add(name: "Content-Type", value: "application/json")
        request.body = .bytes(ByteBuffer(string: #"{"model":"m","stream":\#(stream),"messages":[{"role":"user","content":"hi"}]}"#))
        // A client of its own: its timeout closes its own connection to the router.
        let client = HTTPClient(eventLoopGroupProvider: .singleton)
        do {
            _ = try await client.execute(request, timeout: .milliseconds(Int64(timeout.milliseconds)))
        } catch {
            try await client.shutdown()
            throw error
        }
        try await client.shutdown()
    }

    @Test(arguments: [false, true])
    func aClientLeavingBeforeTheFirstByteCancelsTheUpstreamCall(stream: Bool) async throws {
        let upstream = try await FakeUpstream.start(defaultReply: .delay(.seconds(10), then: .completion(content: "too late")))
        let app = try UpstreamFailoverTests.app("providers:\n  - {name: slow, type: openai, base_url: \"\(upstream.baseURL)\", api_key_env: TEST_KEY, model: s, canonical_model: m}")
        try await app.test(.live) { client in
            let port = try #require(client.port)
            // The client leaves once the router's upstream call is under way (on a loaded machine
            // a fixed timeout could fire before the router had called at all).
            let sending = Task { try await Self.send(port: port, stream: stream, timeout: .seconds(30)) }
            let called = await upstream.waitUntil(timeout: .seconds(10)) { $0.requests.count >= 1 }
            #expect(called, "the router called the upstream")
            sending.cancel()
            await #expect(throws: (any Error).self) { try await sending.value }
            let cancelled = await upstream.waitUntil(timeout: .seconds(5)) { $0.clientDisconnects >= 1 }
            #expect(cancelled, "the router closed its upstream call once the client left")
        }
        let health = try #require(app.router.state.snapshot("slow"))
        #expect(health.failures == 0, "a client leaving is not the provider's fault")
        #expect(health.state == .closed)
        try await upstream.shutdown()
    }
}
