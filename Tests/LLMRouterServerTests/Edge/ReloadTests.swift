import AsyncHTTPClient
import Foundation
import HTTPTypes
import LLMRouterCore
import LLMRouterConfig
import LLMRouterServer
import LLMRouterTesting
import Logging
import NIOCore
import NIOHTTP1
import Testing

/// Reload (SIGHUP, `POST /admin/reload`): valid files are swapped in, invalid ones refused, and a
/// stream in flight runs to its end either way.
struct ReloadTests {
    static let adminKey = "llmr-admin-0123456789abcdef"

    final class Scratch: Sendable {
        let directory: String
        init() throws {
            directory = FileManager.default.temporaryDirectory.appendingPathComponent("llmrouter-reload-\(UUID().uuidString)").path
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        }
        var config: String { directory + "/providers.yaml" }
        var keys: String { directory + "/keys.yaml" }
        func write(_ text: String, to path: String) throws { try text.write(toFile: path, atomically: true, encoding: .utf8) }
        func remove() { try? FileManager.default.removeItem(atPath: directory) }
    }

    static func provider(_ name: String, _ upstream: FakeUpstream) -> String {
        "providers:\n  - {name: \(name), type: openai, base_url: \"\(upstream.baseURL)\", api_key_env: TEST_KEY, model: \(name)-id, canonical_model: m}\n"
    }

    static func keysFile(_ names: [(String, String)]) -> String {
        "keys:\n" + names.map { "  - {name: \($0.0), sha256: \(AccessKey.hex(of: AccessKey.digest(of: $0.1)))\($0.0 == "ops" ? ", admin: true" : "")}\n" }.joined()
    }

    static func request(_ port: Int, path: String = "/v1/chat/completions", key: String = adminKey, method: HTTPMethod = .POST) async throws -> HTTPClientResponse {
        var request = HTTPClientRequest(url: "http://127.0.0.1:\(port)\(path)")
        request.method = method
        request.headers.add(name: "Authorization", value: "Bearer \(key)")
        if path.contains("chat") {
            request.body = .bytes(ByteBuffer(string: #"{"model":"m","messages":[{"role":"user","content":"hi"}]}"#))
        }
        return try await UpstreamFailoverTests.httpClient.execute(request, timeout: .seconds(5))
    }

    @Test func validReloadsSwapInvalidOnesAreRefusedAndTheStreamInFlightFinishes() async throws {
        let scratch = try Scratch()
        defer { scratch.remove() }
        let slow = try await FakeUpstream.start(defaultReply: .stream(events: StreamingUpstreamTests.events, gap: .milliseconds(150)))
        let fresh = try await FakeUpstream.start(defaultReply: .completion(content: "from fresh"))
        try scratch.write(Self.provider("slow", slow), to: scratch.config)
        try scratch.write(Self.keysFile([("ops", Self.adminKey)]), to: scratch.keys)
        let environment = ["TEST_KEY": "test-key-0123456789"]
        let settings = ServerSettings(host: "127.0.0.1", port: 0, configPath: scratch.config, configPathIsExplicit: true, keysFile: scratch.keys, keysFileIsExplicit: true)
        let makeTable: @Sendable (RouterConfiguration) -> RoutingTable = {
            RouterServer.makeTable(configuration: $0, environment: environment, httpClient: UpstreamFailoverTests.httpClient)
        }
        let configuration = try ConfigurationLoader().load(path: scratch.config).configuration
        let keys = try AccessKeysLoader().load(path: scratch.keys)
        let application = RouterApplication(table: makeTable(configuration), settings: settings, keys: keys)
        let logs = SharedSecretRedactor()
        let reloader = ConfigurationReloader(
            settings: settings, environment: environment, fetcher: nil, application: application,
            makeTable: makeTable, logRedactor: logs, logger: Logger(label: "reload-test")
        )
        application.reloadHook.set { await reloader.reload() }

        try await LiveServer.run(application) { port in
            // A stream starts on the old provider.
            var streaming = HTTPClientRequest(url: "http://127.0.0.1:\(port)/v1/chat/completions")
            streaming.method = .POST
            streaming.headers.add(name: "Authorization", value: "Bearer \(Self.adminKey)")
            streaming.body = .bytes(ByteBuffer(string: #"{"model":"m","stream":true,"messages":[{"role":"user","content":"hi"}]}"#))
            let stream = try await UpstreamFailoverTests.httpClient.execute(streaming, timeout: .seconds(10))
            #expect(stream.headers.first(name: "X-LLMRouter-Provider") == "slow")
            var body = stream.body.makeAsyncIterator()
            var received = String(buffer: try #require(try await body.next()))

            // A valid reload: new provider, new key; the old key is gone.
            try scratch.write(Self.provider("fresh", fresh), to: scratch.config)
            try scratch.write(Self.keysFile([("ops", "llmr-new-admin-0123456789")]), to: scratch.keys)
            let reloaded = try await Self.request(port, path: "/admin/reload")
            #expect(reloaded.status == .ok)
            let report = try JSONSerialization.jsonObject(with: Data((try await reloaded.body.collect(upTo: 1 << 16)).readableBytesView)) as? [String: Any]
            #expect(report?["status"] as? String == "reloaded")
            #expect(report?["providers"] as? Int == 1)
            #expect(report?["keys"] as? Int == 1)
            #expect(try await Self.request(port).status == .unauthorized, "the old key was dropped")
            let answered = try await Self.request(port, key: "llmr-new-admin-0123456789")
            #expect(answered.headers.first(name: "X-LLMRouter-Provider") == "fresh")

            // An invalid reload is refused and named; the running configuration keeps serving.
            try scratch.write("providers:\n  - {name: broken, type: nonsense}\n", to: scratch.config)
            let refused = try await Self.request(port, path: "/admin/reload", key: "llmr-new-admin-0123456789")
            #expect(refused.status.code == 422)
            let message = String(buffer: try await refused.body.collect(upTo: 1 << 16))
            #expect(message.contains(scratch.config), "\(message)")
            #expect(message.contains("reload_failed"))
            if case .failure = await reloader.reload() {} else { Issue.record("a direct reload of the invalid file succeeded") }
            try scratch.write(Self.provider("fresh", fresh), to: scratch.config)
            try scratch.write("keys:\n  - {name: ops}\n", to: scratch.keys)
            if case .failure(let failure) = await reloader.reload() {
                #expect(failure.message.contains(scratch.keys))
            } else {
                Issue.record("an invalid keys file was accepted")
            }
            let stillServing = try await Self.request(port, key: "llmr-new-admin-0123456789")
            #expect(stillServing.status == .ok)
            #expect(stillServing.headers.first(name: "X-LLMRouter-Provider") == "fresh")

            // The stream that started before all this ends normally.
            while let buffer = try await body.next() { received += String(buffer: buffer) }
            let events = StreamingUpstreamTests.dataEvents(received)
            #expect(events.last == "[DONE]")
            #expect(events.count == StreamingUpstreamTests.events.count + 1, "\(received)")
        }
        try await slow.shutdown()
        try await fresh.shutdown()
    }
}
