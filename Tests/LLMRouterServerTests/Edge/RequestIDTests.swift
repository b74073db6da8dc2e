import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import InMemoryLogging
@testable import LLMRouterCore
import LLMRouterProviders
import LLMRouterServer
import LLMRouterTesting
import Logging
import NIOCore
import Synchronization
import Testing

/// One id per request: in the response header, on every log line, on the context.
struct RequestIDTests {
    static let requestID = HTTPField.Name("X-Request-Id")!

    @Test func aSaneClientIDIsKeptAndAnInsaneOneReplaced() async throws {
        let app = try TestApp(yaml: "providers:\n  - {name: local-echo, type: echo}")
        try await app.test { client in
            let kept = try await client.chat(#"{"messages":[{"role":"user","content":"hi"}]}"#, headers: [Self.requestID: "trace-4bf92f35:77+x=1"])
            #expect(kept.headers[Self.requestID] == "trace-4bf92f35:77+x=1")
            for insane in ["has space", String(repeating: "a", count: 129), "line\u{7f}break", "quote\"d", "ünï"] {
                let replaced = try await client.chat(#"{"messages":[{"role":"user","content":"hi"}]}"#, headers: [Self.requestID: insane])
                let id = try #require(replaced.headers[Self.requestID])
                #expect(id != insane)
                #expect(RequestIDMiddleware.isSane(id), "the generated id is sane too")
            }
            let generated = try await client.execute(uri: "/v1/nothing", method: .get)
            #expect(generated.status == .notFound)
            #expect(generated.headers[Self.requestID].map(RequestIDMiddleware.isSane) == true)
        }
    }

    @Test func theContextCarriesTheID() async throws {
        let router = Router(context: RouterRequestContext.self)
        router.add(middleware: RequestIDMiddleware())
        router.get("/id") { _, context in "\(context.requestID) \(context.id) \(Logger.current[metadataKey: "hb.request.id"] ?? "-")" }
        try await Application(router: router).test(.router) { client in
            let response = try await client.execute(uri: "/id", method: .get, headers: [Self.requestID: "abc-123"])
            #expect(String(buffer: response.body) == "abc-123 abc-123 abc-123")
        }
    }

    /// A request that fails over between two real upstreams logs at trace from the router, the
    /// failover loop and AsyncHTTPClient; each of those lines carries the client's id, and none
    /// carries the provider key in any form.
    @Test func everyLogLineOfARequestCarriesItsIDAndNoKey() async throws {
        let key = "test-key-0123456789"
        let first = try await FakeUpstream.start(defaultReply: .json(status: 500, body: #"{"error":{"message":"bad key test\u002dkey\u002d0123456789"}}"#))
        let second = try await FakeUpstream.start(defaultReply: .completion(content: "fine"))
        let table = try UpstreamFailoverTests.app(UpstreamFailoverTests.pair(first, second), environment: ["TEST_KEY": key]).router
        var logs = InMemoryLogHandler()
        logs.logLevel = .trace
        let memory = logs
        let lines = LineCollector()
        let redactor = SharedSecretRedactor(SecretRedactor(secrets: [key]))
        let logger = Logger(label: "llmrouter") { label in
            MultiplexLogHandler([
                memory,
                StandardErrorLogHandler(label: label, logLevel: .trace, metadataProvider: nil, redactor: redactor, output: lines.append),
            ])
        }
        try await Application(router: table.buildRouter(), logger: logger).test(.router) { client in
            let response = try await client.chat(#"{"model":"m","messages":[{"role":"user","content":"hi"}]}"#, headers: [Self.requestID: "req-42"])
            #expect(response.status == .ok)
            #expect(response.headers[Self.requestID] == "req-42")
        }
        let entries = memory.entries
        #expect(entries.contains { $0.metadata["ahc-request-id"] != nil }, "AsyncHTTPClient's own lines are included")
        #expect(entries.count >= 5)
        for entry in entries {
            #expect(entry.metadata["hb.request.id"] == "req-42", "\(entry.message) \(entry.metadata)")
        }
        #expect(lines.all.count == entries.count)
        for line in lines.all {
            #expect(!line.contains(key) && !line.contains("key\\u002d0123456789"), "\(line)")
        }
        try await first.shutdown()
        try await second.shutdown()
    }
}


/// What a log handler wrote, line by line.
final class LineCollector: Sendable {
    private let lines = Mutex<[String]>([])
    var all: [String] { lines.withLock { $0 } }
    func append(_ line: String) { lines.withLock { $0.append(line) } }
}

/// An upstream error body passed through to the client never carries the provider key, however
/// the upstream wrote it.
struct PassThroughRedactionTests {
    @Test(arguments: [
        #"{"error":{"message":"Invalid key test\u002dkey\u002d0123456789","type":"invalid_request_error"}}"#,
        #"{"error":{"message":"key test-key-0123456789 rejected, see https:\/\/x\/test\u002Dkey\u002D0123456789"}}"#,
        #"{"error":{"message":"{\"detail\":\"test\\u002dkey\\u002d0123456789\"}","param":"test-key-01234 + 56789"}}"#,
    ])
    func anEscapedOrSplitKeyInA400BodyIsMasked(_ body: String) async throws {
        let upstream = try await FakeUpstream.start(defaultReply: .json(status: 400, body: body))
        let app = try UpstreamFailoverTests.app("providers:\n  - {name: up, type: openai, base_url: \"\(upstream.baseURL)\", api_key_env: TEST_KEY}")
        try await app.test { client in
            let response = try await client.chat(model: "m")
            #expect(response.status == .badRequest)
            let text = String(buffer: response.body)
            #expect(text.contains("[redacted]"), "\(text)")
            for leak in ["0123456789", "key\\u002d0123", "key\\u002D0123", "key\\\\u002d0123"] {
                #expect(!text.contains(leak), "\(text)")
            }
        }
        try await upstream.shutdown()
    }
}
