import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
@testable import LLMRouterCore
import LLMRouterServer
import LLMRouterTesting
import Logging
import NIOCore
import Prometheus
import Testing

/// Two keys of one provider against a fake that rate-limits per key: the second key answers
/// when the first is limited, every output names the keys by their short names, and no output
/// carries a key's value.
struct SeveralKeysTests {
    static let keyOne = "gsk_multikey.first.key.000000001"
    static let keyTwo = "gsk_multikey.second.key.00000002"

    /// Refuses the first key (quoting it, as some upstreams do), answers the second.
    static func perKeyUpstream() async throws -> FakeUpstream {
        try await FakeUpstream.start(
            defaultReply: .respond { request in
                request.header("authorization") == "Bearer \(keyOne)"
                    ? .error(status: 429, message: "Rate limit reached for key \(keyOne) on requests per minute (RPM)", type: "requests", headers: [("retry-after", "30")])
                    : .completion(content: "answered by the second key")
            }
        )
    }

    struct Outputs {
        var texts: [String: String] = [:]
        var logLines: [String] = []
    }

    /// Runs `body` on a server configured as production configures it from `environment`
    /// (catalog or YAML, the production redactor, metrics, a usage recorder, a redacting log).
    func serve(
        environment: [String: String], settings: ServerSettings, recorder: RecordingRecorder,
        _ body: @Sendable (any TestClientProtocol) async throws -> [String: String]
    ) async throws -> Outputs {
        let loaded = try await ConfigurationSource.loadDetailed(
            settings: settings, environment: environment, fetcher: nil, logger: Logger(label: "t", factory: { _ in SwiftLogNoOpLogHandler() })
        )
        let table = RouterServer.makeTable(configuration: loaded.configuration, environment: environment, httpClient: UpstreamFailoverTests.httpClient)
        let redactor = RouterServer.redactor(configuration: loaded.configuration, environment: environment)
        let app = RouterApplication(table: table, settings: ServerSettings(), metrics: PrometheusCollectorRegistry(), redactor: redactor, recorder: recorder)
        let lines = LineCollector()
        let shared = SharedSecretRedactor(redactor)
        let logger = Logger(label: "llmrouter") { label in
            StandardErrorLogHandler(label: label, logLevel: .trace, metadataProvider: nil, redactor: shared, output: lines.append)
        }
        let texts = try await Application(router: app.buildRouter(), logger: logger).test(.router) { client in try await body(client) }
        return Outputs(texts: texts, logLines: lines.all)
    }

    @Test func twoCatalogKeysTheSecondAnswersWhenTheFirstIsLimited() async throws {
        let upstream = try await Self.perKeyUpstream()
        let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("llmrouter-keys-\(UInt64.random(in: 0...UInt64.max))")
        let environment = [
            "GROQ_API_KEYS": "\(Self.keyOne), \(Self.keyTwo)", "GROQ_BASE_URL": upstream.baseURL, "LLMROUTER_CACHE_DIR": scratch.path,
        ]
        let recorder = RecordingRecorder()
        let settings = ServerSettings(configPath: scratch.appendingPathComponent("absent.yaml").path)
        let outputs = try await serve(environment: environment, settings: settings, recorder: recorder) { client in
            let response = try await client.chat(model: "gpt-oss-20b")
            #expect(response.status == .ok)
            #expect(try response.completionContent() == "answered by the second key")
            #expect(response.headers[.provider] == "groq#2/gpt-oss-20b")
            #expect(response.headers[.attempts] == "2")
            let health = try await client.execute(uri: "/health/providers", method: .get)
            let providers = try #require(try health.jsonObject()["providers"] as? [[String: Any]])
            let first = try #require(providers.first { $0["name"] as? String == "groq/gpt-oss-20b" })
            let second = try #require(providers.first { $0["name"] as? String == "groq#2/gpt-oss-20b" })
            #expect(first["key"] as? String == "groq")
            #expect(second["key"] as? String == "groq#2")
            #expect((first["cool_down"] as? [String: Any])?["scope"] as? String == "route:groq/gpt-oss-20b")
            #expect(second["cool_down"] == nil, "the second key has its own cool-downs")
            #expect((first["limits"] as? [String: Any])?["account"] as? String == "account:groq:GROQ_API_KEYS[1]")
            #expect(first["key_pool"] == nil)
            return [
                "answer": String(buffer: response.body), "headers": "\(response.headers)", "health": String(buffer: health.body),
                "models": String(buffer: try await client.execute(uri: "/v1/models", method: .get).body),
                "metrics": String(buffer: try await client.execute(uri: "/metrics", method: .get).body),
            ]
        }
        #expect(upstream.requests.map { $0.header("authorization") } == ["Bearer \(Self.keyOne)", "Bearer \(Self.keyTwo)"])
        let record = try #require(recorder.records.last)
        #expect(record.provider == "groq#2/gpt-oss-20b")
        // (The catalog's routes of providers without a key come first, skipped as disabled.)
        #expect(record.attempts.map(\.provider).filter { $0.hasPrefix("groq") } == ["groq/gpt-oss-20b", "groq#2/gpt-oss-20b"])
        #expect(outputs.texts["metrics"]?.contains(#"provider="groq#2/gpt-oss-20b",outcome="success"} 1"#) == true)
        #expect(outputs.texts["models"]?.contains("groq#2") == true)
        #expect(outputs.texts["health"]?.contains("[redacted]") == true, "the refusal quoted the key; health shows it masked")
        #expect(outputs.logLines.contains { $0.contains("llmrouter.provider=groq/gpt-oss-20b") && $0.contains("cool-down started") })
        let everything = Array(outputs.texts.values) + outputs.logLines + ["\(record)"]
        for text in everything {
            for key in [Self.keyOne, Self.keyTwo] { #expect(!text.contains(key), "\(text)") }
        }
        try await upstream.shutdown()
        try? FileManager.default.removeItem(at: scratch)
    }

    /// Every key of a list is masked on its own, whatever the list variable is called.
    @Test func theRedactorMasksEachKeyOfAList() {
        var route = ProviderConfiguration(name: "github_models#2/gpt-4o-mini", kind: .githubModels, apiKeyVariable: "GITHUB_TOKENS")
        route.apiKeyItem = 2
        let environment = ["GITHUB_TOKENS": "tok-first-000001,tok-second-00002"]
        let redactor = RouterServer.redactor(configuration: RouterConfiguration(providers: [route]), environment: environment)
        let text = redactor.redact("rejected tok-second-00002, then tok-first-000001")
        #expect(text == "rejected [redacted], then [redacted]", "\(text)")
    }

    /// `api_key_env: [A, B]` in YAML: key to key as well; both refused on one reset, the 429
    /// names both keys and `/health/providers` says they are now one pool.
    @Test func aYAMLKeyListFailsOverFromKeyToKeyAndNamesBothInTheError() async throws {
        let upstream = try await FakeUpstream.start(
            defaultReply: .respond { request in
                .error(status: 429, message: "limited: \(request.header("authorization") ?? "")", type: "requests", headers: [("retry-after", "30")])
            }
        )
        let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("llmrouter-keys-\(UInt64.random(in: 0...UInt64.max))")
        try FileManager.default.createDirectory(at: scratch, withIntermediateDirectories: true)
        let file = scratch.appendingPathComponent("providers.yaml")
        let yaml = "providers:\n  - {name: team, type: openai, base_url: \"\(upstream.baseURL)\", model: m, api_key_env: [KEY_ONE, KEY_TWO]}\n"
        try yaml.write(to: file, atomically: true, encoding: .utf8)
        let environment = ["KEY_ONE": Self.keyOne, "KEY_TWO": Self.keyTwo]
        let outputs = try await serve(environment: environment, settings: ServerSettings(configPath: file.path), recorder: RecordingRecorder()) { client in
            let response = try await client.chat(model: "m")
            #expect(response.status == .tooManyRequests)
            let message = try #require(try response.openAIError()["message"] as? String)
            #expect(message.contains("team") && message.contains("team#2"), "\(message)")
            return ["error": String(buffer: response.body), "health": String(buffer: try await client.execute(uri: "/health/providers", method: .get).body)]
        }
        #expect(upstream.requests.map { $0.header("authorization") } == ["Bearer \(Self.keyOne)", "Bearer \(Self.keyTwo)"])
        #expect(outputs.texts["health"]?.contains(#""key":"team#2""#) == true)
        #expect(outputs.texts["health"]?.contains(#""key_pool":{"keys":["team","team#2"],"reason":"rate_limited:short_window""#) == true, "\(outputs.texts["health"] ?? "")")
        #expect(outputs.logLines.contains { $0.contains("keys share their limits") && $0.contains("llmrouter.keys=team,team#2") })
        #expect(outputs.logLines.contains { $0.contains("llmrouter.provider=team#2") && $0.contains("cool-down started") })
        for text in Array(outputs.texts.values) + outputs.logLines {
            for key in [Self.keyOne, Self.keyTwo] { #expect(!text.contains(key), "\(text)") }
        }
        try await upstream.shutdown()
        try? FileManager.default.removeItem(at: scratch)
    }
}
