import Foundation
import LLMRouterCatalog
import LLMRouterCore
import Testing

/// `catalog-build` and `debug-models` run as processes against the fake upstream on 127.0.0.1.
struct ExecutableTests {
    /// Asserts that no key value appears anywhere in `texts`.
    private func expectNoSecrets(_ texts: String..., sourceLocation: SourceLocation = #_sourceLocation) {
        for text in texts {
            for key in Fixtures.keys.values {
                #expect(!text.contains(key), "a key value was printed", sourceLocation: sourceLocation)
            }
        }
    }

    /// The index text with the build time left out: `generated_at`, and the same time as each
    /// listed provider's `listed_at`.
    private static func withoutGeneratedAt(_ text: String) -> String {
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        let stamp = lines.first { $0.contains("\"generated_at\"") }.flatMap { $0.split(separator: "\"").dropLast().last }
        let kept = lines.filter { !$0.contains("\"generated_at\"") }.joined(separator: "\n")
        return stamp.map { kept.replacingOccurrences(of: "\"\($0)\"", with: "\"<build time>\"") } ?? kept
    }

    @Test func catalogBuildReproducesTheCommittedIndex() async throws {
        let scratch = try ScratchDirectory()
        defer { scratch.remove() }
        try await FakeUpstream.withServer(FakeUpstream.bundledCaptures) { port in
            let environment = Fixtures.keys.merging(FakeUpstream.baseURLs(port: port)) { _, url in url }
            let output = scratch.path("generated/model_index.json")
            let result = try await ProcessRunner.run(
                "catalog-build",
                [
                    "--providers", Fixtures.bundledProviders.map(\.rawValue).joined(separator: ","), "--seed", Fixtures.seedPath,
                    "--output", output, "--pretty", "--timeout", "5",
                ],
                environment: environment, in: scratch.url
            )
            #expect(result.status == 0, "\(result.stderr)")
            #expect(result.stdout.contains("48 models (11 auto-matched), 14 seed mappings dropped"), "\(result.stdout)")
            #expect(result.stderr.contains("seed entry dropped"))
            let committed = try String(contentsOfFile: Fixtures.bundledIndexPath, encoding: .utf8)
            let built = try String(contentsOfFile: output, encoding: .utf8)
            #expect(Self.withoutGeneratedAt(built) == Self.withoutGeneratedAt(committed))
            expectNoSecrets(result.stdout, result.stderr, built)
        }
    }

    /// By default every provider is listed and the output is the previous index: a provider that
    /// fails keeps its routes from it, marked stale, and the run says so.
    @Test func catalogBuildKeepsAFailingProvidersRoutesFromTheOldFile() async throws {
        let scratch = try ScratchDirectory()
        defer { scratch.remove() }
        let output = scratch.path("model_index.json")
        try FileManager.default.copyItem(atPath: Fixtures.bundledIndexPath, toPath: output)
        let previous = try ModelIndex.decode(Data(contentsOf: URL(fileURLWithPath: output)), source: output)
        var routes = FakeUpstream.bundledCaptures
        routes[FakeUpstream.modelsPath(.nvidiaNIM)] = [.status(500, body: #"{"error":"down"}"#)]
        try await FakeUpstream.withServer(routes) { port in
            let environment = Fixtures.keys.merging(FakeUpstream.baseURLs(port: port)) { _, url in url }
            let result = try await ProcessRunner.run(
                "catalog-build", ["--seed", Fixtures.seedPath, "--output", output, "--timeout", "5"],
                environment: environment, in: scratch.url
            )
            #expect(result.status == 0, "\(result.stderr)")
            #expect(result.stdout.contains("not listed: nvidia_nim"))
            #expect(result.stdout.contains("routes kept from the previous index, last listed \(previous.listedAt["nvidia_nim"] ?? "?")"))
            #expect(result.stdout.contains("not listed: huggingface"), "no Hugging Face listing is served here")
            #expect(result.stderr.contains("provider not listed; its routes are kept from the previous index"))
            let index = try ModelIndex.decode(Data(contentsOf: URL(fileURLWithPath: output)), source: output)
            #expect(index.entry(named: "bge-m3")?.providers["nvidia_nim"]?.staleness?.lastListed == previous.listedAt["nvidia_nim"])
            #expect(index.entry(named: "gpt-oss-20b")?.providers["groq"]?.staleness == nil)
            #expect(index.entry(named: "gpt-oss-20b")?.providers["huggingface"]?.status == .documented)
            expectNoSecrets(result.stdout, result.stderr)
        }
    }

    @Test func catalogBuildNamesTheMissingKeyVariables() async throws {
        let scratch = try ScratchDirectory()
        defer { scratch.remove() }
        let result = try await ProcessRunner.run(
            "catalog-build", ["--seed", Fixtures.seedPath, "--output", scratch.path("x.json")], environment: [:], in: scratch.url
        )
        #expect(result.status != 0)
        #expect(result.stderr.contains("error: GROQ_API_KEY, OPENROUTER_API_KEY, NVIDIA_NIM_KEY, HUGGINGFACE_API_TOKEN, CEREBRAS_API_KEY, GEMINI_API_KEY, MISTRAL_API_KEY, GITHUB_TOKEN are not set"))
        let badFlag = try await ProcessRunner.run("catalog-build", ["--providers", "groq,cerebrus"], environment: Fixtures.keys, in: scratch.url)
        #expect(badFlag.status != 0)
        #expect(badFlag.stderr.contains("--providers: unknown provider 'cerebrus'"))
    }

    @Test func debugModelsJSONShape() async throws {
        let scratch = try ScratchDirectory()
        defer { scratch.remove() }
        var environment = Fixtures.keys
        environment["NVIDIA_NIM_KEY"] = nil
        let result = try await ProcessRunner.run(
            "debug-models", ["--json", "--index", Fixtures.bundledIndexPath, "--providers", "groq,nvidia_nim", "--limit", "3"],
            environment: environment, in: scratch.url
        )
        #expect(result.status == 0, "\(result.stderr)")
        let json = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
        #expect(Set(json.keys) == ["report_version", "index", "selection", "required_providers", "credentials", "models", "total_models", "common_models"])
        #expect(json["selection"] as? String == "all")
        #expect(json["report_version"] as? Int == 1)
        #expect(json["required_providers"] as? [String] == ["groq", "nvidia_nim"])
        #expect(json["total_models"] as? Int == 48)
        let credentials = try #require(json["credentials"] as? [String: [String: String]])
        #expect(credentials["groq"] == ["variable": "GROQ_API_KEY", "status": "set"])
        #expect(credentials["nvidia_nim"] == ["variable": "NVIDIA_NIM_KEY", "status": "missing"])
        let models = try #require(json["models"] as? [[String: Any]])
        #expect(models.count == 3)
        let first = try #require(models.first)
        #expect(Set(first.keys) == ["canonical", "aliases", "auto_matched", "kind", "enabled", "common", "providers", "served_by", "not_served_by"])
        #expect(first["kind"] as? String == "chat")
        #expect(first["served_by"] as? [String] == ["groq", "cerebras", "github_models", "huggingface"])
        let notServed = try #require(first["not_served_by"] as? [String: String])
        #expect(notServed["nvidia_nim"] == "key variable NVIDIA_NIM_KEY is not set")
        #expect(first["canonical"] as? String == "llama-3.3-70b")
        #expect(first["enabled"] as? Bool == true)
        #expect(first["common"] as? Bool == false)
        let groq = try #require((first["providers"] as? [String: [String: Any]])?["groq"])
        #expect(Set(groq.keys) == ["model", "key_variable", "key", "listed_free", "paid", "allow_paid", "usable", "status"])
        #expect(groq["status"] as? String == "listed")
        let huggingFace = try #require((first["providers"] as? [String: [String: Any]])?["huggingface"])
        #expect(huggingFace["status"] as? String == "documented")
        #expect(huggingFace["usable"] as? Bool == true)
        #expect(groq["key"] as? String == "set")
        #expect(groq["usable"] as? Bool == true)
        let index = try #require(json["index"] as? [String: Any])
        #expect(index["source"] as? String == "file")
        expectNoSecrets(result.stdout, result.stderr)
    }

    @Test func debugModelsLiveAndTableNeverPrintKeys() async throws {
        let scratch = try ScratchDirectory()
        defer { scratch.remove() }
        var routes = FakeUpstream.newestCaptures
        // An upstream that quotes the rejected key back, as some do.
        let key = Fixtures.keys["OPENROUTER_API_KEY"] ?? ""
        routes[FakeUpstream.modelsPath(.openrouter)] = [.status(401, body: #"{"error":{"message":"No auth credentials found for \#(key)"}}"#)]
        try await FakeUpstream.withServer(routes) { port in
            let environment = Fixtures.keys.merging(FakeUpstream.baseURLs(port: port)) { _, url in url }
                .merging(["LLMROUTER_CACHE_DIR": scratch.path("cache")]) { _, new in new }
            let json = try await ProcessRunner.run(
                "debug-models", ["--json", "--live", "--full", "--index", Fixtures.bundledIndexPath, "--log-level", "trace", "--timeout", "5"],
                environment: environment, in: scratch.url
            )
            #expect(json.status == 0, "\(json.stderr)")
            let object = try #require(try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any])
            let live = try #require(object["live"] as? [String: [String: Any]])
            #expect(live["groq"]?["status"] as? String == "ok")
            #expect(live["groq"]?["free_count"] as? Int == 12)
            #expect(live["openrouter"]?["status"] as? String == "error")
            #expect((live["openrouter"]?["error"] as? String)?.contains("OPENROUTER_API_KEY") == true)
            #expect((object["common_models"] as? [String]) == [])

            let table = try await ProcessRunner.run(
                "debug-models", ["--live", "--index", Fixtures.bundledIndexPath, "--log-level", "trace", "--timeout", "5"],
                environment: environment, in: scratch.url
            )
            #expect(table.status == 0, "\(table.stderr)")
            #expect(table.stdout.contains("MODEL"))
            #expect(table.stdout.contains("groq GROQ_API_KEY set"))
            #expect(table.stdout.contains("SERVES"))
            #expect(table.stdout.contains("Live /models:"))
            expectNoSecrets(json.stdout, json.stderr, table.stdout, table.stderr)
        }
    }

    @Test func debugModelsFailsClearlyWhenTheIndexCannotLoad() async throws {
        let scratch = try ScratchDirectory()
        defer { scratch.remove() }
        let bad = try scratch.write("{\"models\": []}", to: "bad.json")
        let result = try await ProcessRunner.run("debug-models", ["--index", bad], environment: [:], in: scratch.url)
        #expect(result.status != 0)
        #expect(result.stderr.contains("error: cannot load --index \(bad)"))
        #expect(result.stderr.contains("'models': is empty"))
    }
}
