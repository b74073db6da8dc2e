import AsyncHTTPClient
import Hummingbird
import HummingbirdTesting
import LLMRouterCore
import LLMRouterProviders
import LLMRouterServer
import LLMRouterTesting
import NIOCore
import Synchronization
import Testing

/// The event loop that serves a client's connection reaches the provider, so an upstream call
/// can run there (see `OpenAICompatibleProvider.complete`).
struct EventLoopPlumbingTests {
    @Test func providerIsToldTheLoopServingTheClient() async throws {
        let seen = Mutex<[ObjectIdentifier?]>([])
        let provider = ClosureProvider(
            complete: { _, context in
                seen.withLock { $0.append(context.eventLoop.map { ObjectIdentifier($0) }) }
                return ChatCompletion(body: ByteBuffer(string: FakeUpstream.Reply.completionJSON(content: "ok")))
            },
            stream: { _, _ in throw UpstreamFailure(kind: .badResponse, message: "not streamed in this test") }
        )
        let yaml = #"providers: [{name: up, type: openai, base_url: "http://127.0.0.1:9/v1"}]"#
        let app = try TestApp(yaml: yaml, makeRemote: { _ in .success(provider) })
        try await app.test(.live) { client in
            let response = try await client.chat()
            #expect(response.status == .ok)
            #expect(try response.completionContent() == "ok")
        }
        // Hummingbird serves connections on the same group the shared HTTP client uses.
        let clientLoops = Set(HTTPClient.defaultEventLoopGroup.makeIterator().map { ObjectIdentifier($0) })
        let loops = seen.withLock { $0 }
        #expect(loops.count == 1)
        #expect(loops.first.flatMap { $0 }.map(clientLoops.contains) == true)
    }
}
