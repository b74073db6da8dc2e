import Foundation
import Testing

/// `debug-models --explain MODEL` as a process: the table the server would build from a config
/// file, explained as text and JSON, with no key value printed and no upstream called.
struct DebugModelsExplainTests {
    static let config = """
        routing:
          rules:
            - name: gpu-team
              when: {header: {X-Team: "gpu-*"}}
              then: {prefer: ["tag:gpu"]}
        providers:
          - {name: groq-small, type: groq, model: llama-3.1-8b-instant, canonical_model: small, priority: 1, base_url: "http://127.0.0.1:9/v1"}
          - {name: gpu-echo, type: echo, model: small, priority: 2, tags: [gpu]}
          - {name: cerebras-small, type: cerebras, model: llama3.1-8b, canonical_model: small, priority: 3}
        """
    static let secret = "gsk_secret_value_0123456789abcdef"

    static func run(_ arguments: [String]) async throws -> ProcessRunner.Output {
        let scratch = try ScratchDirectory()
        defer { scratch.remove() }
        let path = scratch.path("providers.yaml")
        try config.write(toFile: path, atomically: true, encoding: .utf8)
        // GROQ's key is set (and must never be printed); Cerebras has none.
        return try await ProcessRunner.run(
            "debug-models", ["--explain", "small", "--config", path] + arguments,
            environment: ["GROQ_API_KEY": secret, "LLMROUTER_CACHE_DIR": scratch.path("cache")], in: scratch.url
        )
    }

    @Test func explainsAModelAsText() async throws {
        let result = try await Self.run(["--header", "X-Team: gpu-1"])
        #expect(result.status == 0, "\(result.stderr)")
        let text = result.stdout
        #expect(text.contains("model:    small"))
        #expect(text.contains("rule:     gpu-team  policy: priority"))
        #expect(text.contains("would call gpu-echo first; no upstream call was made"))
        #expect(text.contains("1.  gpu-echo        candidate"))
        #expect(text.contains("2.  groq-small      candidate"))
        #expect(text.contains("cerebras-small  skipped   cerebras llama3.1-8b, priority 3 — disabled: missing CEREBRAS_API_KEY"))
        #expect(!text.contains(Self.secret) && !result.stderr.contains(Self.secret))
    }

    @Test func explainsAModelAsJSON() async throws {
        let result = try await Self.run(["--json"])
        #expect(result.status == 0, "\(result.stderr)")
        let object = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
        #expect(object["model"] as? String == "small" && object["rule"] is NSNull && object["upstream_calls"] as? Int == 0)
        let routes = try #require(object["routes"] as? [[String: Any]])
        #expect(routes.map { $0["name"] as? String } == ["groq-small", "gpu-echo", "cerebras-small"])
        #expect(routes.map { $0["status"] as? String } == ["candidate", "candidate", "skipped"])
        #expect(routes.last?["skip"] as? String == "disabled")
        #expect(!result.stdout.contains(Self.secret) && !result.stderr.contains(Self.secret))
    }

    @Test func aMistakeIsNamed() async throws {
        let unknownModel = try await Self.run(["--endpoint", "fax"])
        #expect(unknownModel.status != 0 && unknownModel.stderr.contains("Unknown endpoint 'fax'"))
        let badHeader = try await Self.run(["--header", "no colon"])
        #expect(badHeader.status != 0 && badHeader.stderr.contains("--header must be 'Name: value'"))
    }
}
