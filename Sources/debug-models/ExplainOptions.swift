import ArgumentParser
import AsyncHTTPClient
import Foundation
import LLMRouterCodeRules
import LLMRouterCore
import LLMRouterServer
import Logging

/// `debug-models --explain MODEL`: how the router would route a request for MODEL (see
/// ``StartupExplainer``): the configuration as `llmrouter serve` finds it and the same code rules
/// (``CodeRules``), this process's fresh state, no upstream call.
struct ExplainOptions: ParsableArguments {
    @Option(help: ArgumentHelp("Explain how a request for this model would be routed (no upstream call). Use 'auto' for a request naming none.", valueName: "model"))
    var explain: String?

    @Option(help: "With --explain: the providers YAML (default: as the server finds it, LLMROUTER_CONFIG then config/providers.yaml, else the catalog).")
    var config: String?

    @Option(help: "With --explain: chat, messages, responses or embeddings.")
    var endpoint = "chat"

    @Option(name: .customLong("header"), help: ArgumentHelp("With --explain: a header the request carries, 'Name: value' (repeatable).", valueName: "header"))
    var headers: [String] = []

    @Option(help: "With --explain: the access key (by name) the request comes with.")
    var key: String?

    @Option(help: "With --explain: a JSON file holding the whole request body (tools, images, system prompt); --explain sets its model.")
    var request: String?

    /// Prints the explanation, as text or `--json`.
    func run(json: Bool, logger: Logger) async throws {
        guard let explain else { return }
        var body: [UInt8]?
        if let request {
            guard let data = FileManager.default.contents(atPath: request) else { throw CommandFailure(message: "--request: cannot read \(request)") }
            body = Array(data)
        }
        let question = StartupExplainer.Question(
            model: explain == "auto" ? nil : explain, endpoint: endpoint, body: body, headers: headers, keyName: key
        )
        let environment = ProcessInfo.processInfo.environment
        let explanation: RoutingExplanation
        do {
            explanation = try await HTTPClient.withHTTPClient { client in
                try await StartupExplainer.explain(question, configPath: config, environment: environment, httpClient: client, logger: logger, rules: CodeRules.all)
            }
        } catch let failure as StartupExplainer.Failure {
            throw CommandFailure(message: failure.description)
        } catch let failure as ConfigurationError {
            throw CommandFailure(message: "configuration: \(failure)")
        } catch let failure as AccessKeysError {
            throw CommandFailure(message: "access keys: \(failure)")
        }
        if json {
            print(String(decoding: JSONValue.encodedBytes(explanation.json), as: UTF8.self))
        } else {
            print(explanation.text)
            print("state:    this process's, fresh (no breaker, cool-down, quota or cache history); the running router's: POST /admin/explain")
        }
    }
}
