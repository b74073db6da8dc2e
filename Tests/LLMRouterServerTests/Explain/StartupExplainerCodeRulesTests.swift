import AsyncHTTPClient
import Foundation
import LLMRouterCore
import LLMRouterServer
import Logging
import Testing

/// `debug-models --explain` explains with the code rules the server is built with
/// (`LLMRouterCodeRules`), not only the YAML ones.
struct StartupExplainerCodeRulesTests {
    struct PreferGPU: RequestRule {
        let name = "code-prefers-gpu"

        func decide(_ facts: RequestFacts) -> RuleDecision? {
            facts.headers["x-team"] == "gpu" ? RuleDecision(rule: name, prefer: [.tag("gpu")]) : nil
        }
    }

    static let yaml = """
        providers:
          - {name: cpu, type: echo, model: m, priority: 1}
          - {name: gpu, type: echo, model: m, priority: 2, tags: [gpu]}
        """

    static func explain(headers: [String], rules: [any RequestRule]) async throws -> RoutingExplanation {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("explain-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let path = folder.appendingPathComponent("providers.yaml").path
        try yaml.write(toFile: path, atomically: true, encoding: .utf8)
        return try await HTTPClient.withHTTPClient { client in
            try await StartupExplainer.explain(
                StartupExplainer.Question(model: "m", headers: headers), configPath: path, environment: [:],
                httpClient: client, logger: Logger(label: "test"), rules: rules
            )
        }
    }

    @Test func aCodeRuleDecidesTheExplainedOrder() async throws {
        let explained = try await Self.explain(headers: ["X-Team: gpu"], rules: [PreferGPU()])
        #expect(explained.rule == "code-prefers-gpu")
        #expect(explained.routes.map(\.name) == ["gpu", "cpu"])
    }

    @Test func withoutItsConditionOrWithoutTheRuleThePriorityOrderStands() async throws {
        let notMatching = try await Self.explain(headers: ["X-Team: web"], rules: [PreferGPU()])
        #expect(notMatching.rule == nil)
        #expect(notMatching.routes.map(\.name) == ["cpu", "gpu"])
        let noRules = try await Self.explain(headers: ["X-Team: gpu"], rules: [])
        #expect(noRules.rule == nil)
        #expect(noRules.routes.map(\.name) == ["cpu", "gpu"])
    }
}
