import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import LLMRouterCore
import LLMRouterConfig
import LLMRouterProviders
import LLMRouterServer
import NIOCore
import Prometheus
import Synchronization

/// Builds an in-process llmrouter from YAML, the way users configure it.
struct TestApp {
    let router: RouterApplication<ContinuousClock>

    init(
        yaml: String,
        settings: ServerSettings = ServerSettings(),
        metrics: PrometheusCollectorRegistry? = nil,
        recorder: (any RequestRecorder)? = nil,
        keys: AccessKeys = AccessKeys(),
        cache: ResponseCache? = nil,
        rules: [any RequestRule] = [],
        makeRemote: @escaping ProviderRegistry.RemoteFactory = { _ in .failure(ProviderUnavailable(reason: "no network in this test")) }
    ) throws {
        let configuration = try ConfigurationLoader().parse(yaml: yaml, file: "test.yaml").configuration
        let table = RoutingTable(registry: ProviderRegistry(configuration: configuration, makeRemote: makeRemote), routing: configuration.routing)
        router = RouterApplication(table: table, settings: settings, metrics: metrics, recorder: recorder, keys: keys, cache: cache, rules: rules)
    }

    func test<Value>(_ setup: TestingSetup = .router, _ body: @Sendable (any TestClientProtocol) async throws -> Value) async throws -> Value {
        let app = Application(router: router.buildRouter(), server: RouterApplication<ContinuousClock>.httpServer)
        return try await app.test(setup) { client in try await body(client) }
    }
}

extension TestClientProtocol {
    func chat(_ json: String, headers: HTTPFields = [:]) async throws -> TestResponse {
        try await execute(uri: "/v1/chat/completions", method: .post, headers: headers, body: ByteBuffer(string: json))
    }

    func chat(model: String? = nil, content: String = "hello", stream: Bool = false) async throws -> TestResponse {
        var body: [String: Any] = ["messages": [["role": "user", "content": content]], "stream": stream]
        if let model { body["model"] = model }
        let data = try JSONSerialization.data(withJSONObject: body)
        return try await chat(String(decoding: data, as: UTF8.self))
    }

    func getJSON(_ uri: String) async throws -> [String: Any] {
        let response = try await execute(uri: uri, method: .get)
        return try response.jsonObject()
    }
}

extension TestResponse {
    func jsonObject() throws -> [String: Any] {
        let object = try JSONSerialization.jsonObject(with: Data(body.readableBytesView))
        guard let dictionary = object as? [String: Any] else { throw TestFailure("body is not a JSON object: \(String(buffer: body))") }
        return dictionary
    }

    /// The `error` object of an OpenAI error body.
    func openAIError() throws -> [String: Any] {
        guard let error = try jsonObject()["error"] as? [String: Any] else { throw TestFailure("no error object: \(String(buffer: body))") }
        return error
    }

    /// The answer text of a `chat.completion`.
    func completionContent() throws -> String? {
        let choices = try jsonObject()["choices"] as? [[String: Any]]
        return (choices?.first?["message"] as? [String: Any])?["content"] as? String
    }

    /// The `data:` payloads of an event-stream body, `[DONE]` included.
    var sseData: [String] {
        String(buffer: body).components(separatedBy: "\n\n").compactMap { event in
            event.hasPrefix("data: ") ? String(event.dropFirst(6)) : nil
        }
    }
}

extension HTTPField.Name {
    static let provider = Self("X-LLMRouter-Provider")!
    static let attempts = Self("X-LLMRouter-Attempts")!
}

struct TestFailure: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}

/// Keeps every finished request's record, for tests that read what the router recorded.
final class RecordingRecorder: RequestRecorder, Sendable {
    private let stored = Mutex<[RequestRecord]>([])

    func record(_ record: RequestRecord) {
        stored.withLock { $0.append(record) }
    }

    var records: [RequestRecord] { stored.withLock { $0 } }
}
