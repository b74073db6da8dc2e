import Foundation
import InMemoryLogging
import LLMRouterCatalog
import LLMRouterCore
import Logging
import Testing

struct CatalogBuildJobTests {
    static let fixedNow = Date(timeIntervalSince1970: 1_790_000_000)

    private func job(
        _ fake: FixtureFetcher, output: String, seed: String = Fixtures.seedPath,
        environment: [String: String] = FixtureFetcher.environment(), pretty: Bool = true
    ) -> CatalogBuildJob {
        let probe = ModelsProbe(fetcher: fake.fetcher, configuration: .init(maximumAttempts: 2), sleep: { _ in }, jitter: { 0 })
        return CatalogBuildJob(
            options: .init(seedPath: seed, outputPath: output, pretty: pretty),
            environment: environment, probe: probe, now: { Self.fixedNow }
        )
    }

    @Test func writesTheIndexAndLogsDrops() async throws {
        let scratch = try ScratchDirectory()
        defer { scratch.remove() }
        let logs = InMemoryLogHandler()
        let logger = Logger(label: "test", factory: { _ in logs })
        let output = scratch.path("out/generated/model_index.json")

        let summary = try await job(FixtureFetcher(files: Fixtures.newest), output: output).run(logger: logger)

        let written = try ModelIndex.decode(try Data(contentsOf: URL(fileURLWithPath: output)), source: output)
        #expect(written == summary.index)
        #expect(written.generatedAt == "2026-09-21T14:13:20Z")
        #expect(written.models.count == 19, "15 listed chat and embedding models, deepseek-r1 documented, 3 auto-matched")
        let dropped = logs.entries.filter { $0.message == "seed provider dropped" }
        // 12 not listed; every other dropped mapping belongs to a provider not in this build
        // (Cerebras, Gemini, Mistral, GitHub Models), whose routes are not documented.
        let reasons = dropped.compactMap { $0.metadata["reason"]?.description }
        #expect(reasons.filter { $0 == CatalogDrop.Reason.notListed.description }.count == 12)
        #expect(reasons.filter { $0 == CatalogDrop.Reason.providerNotListed.description }.count == dropped.count - 12)
        #expect(!dropped.contains { $0.metadata["provider"] == "huggingface" })
        #expect(dropped.contains { $0.metadata["canonical"] == "llama-4-scout" && $0.metadata["provider"] == "nvidia_nim" })
        let entryDrops = Set(logs.entries.filter { $0.message == "seed entry dropped" }.compactMap { $0.metadata["canonical"]?.description })
        #expect(entryDrops.isSuperset(of: [
            "gemma-3-27b-it", "deepseek-r1-distill-llama-70b", "llama-3.2-nv-embedqa-1b-v2", "mistral-embed",
            "gemini-embedding-001", "text-embedding-3-small", "text-embedding-3-large", "gemini-2.5-flash", "mistral-small",
        ]))
        #expect(!entryDrops.contains("deepseek-r1"), "its Hugging Face route is documented")
        #expect(logs.entries.contains { $0.message == "model auto-matched" && $0.metadata["canonical"] == "nemotron-3-ultra-550b-a55b" })
    }

    /// Only when no provider can be listed is nothing written.
    @Test func noProviderListedLeavesTheOldFileUntouched() async throws {
        let scratch = try ScratchDirectory()
        defer { scratch.remove() }
        let output = try scratch.write("previous index\n", to: "model_index.json")
        let down = Array(repeating: FetchedResponse(status: 502, body: Data("bad gateway".utf8)), count: 4)
        let fake = FixtureFetcher(files: Fixtures.newest, scripted: [
            .groq: down, .openrouter: down, .nvidiaNIM: [FetchedResponse(status: 200, body: Data("{\"data\": [".utf8))],
        ])
        let error = await #expect(throws: CatalogBuildError.self) {
            try await job(fake, output: output).run(logger: Logger(label: "test", factory: { _ in SwiftLogNoOpLogHandler() }))
        }
        #expect(error?.kind == .providersUnavailable)
        #expect(error?.probeFailures.map(\.provider) == [.groq, .openrouter, .nvidiaNIM])
        #expect(error?.probeFailures.last?.kind == .malformedListing)
        #expect(error?.description.contains("left unchanged") == true)
        #expect(try String(contentsOfFile: output, encoding: .utf8) == "previous index\n")
        #expect(try FileManager.default.contentsOfDirectory(atPath: scratch.url.path) == ["model_index.json"])
    }

    /// A provider without a key counts as not listed and is named in a warning; with no key at
    /// all the run stops before any request, naming every variable.
    @Test func missingKeysAreNamed() async throws {
        let scratch = try ScratchDirectory()
        defer { scratch.remove() }
        var environment = FixtureFetcher.environment()
        environment["NVIDIA_NIM_KEY"] = nil
        environment["GROQ_API_KEY"] = ""
        let logs = InMemoryLogHandler()
        let fake = FixtureFetcher(files: Fixtures.newest)
        let summary = try await job(fake, output: scratch.path("x.json"), environment: environment).run(logger: Logger(label: "t", factory: { _ in logs }))
        #expect(summary.failures.map(\.variable) == ["GROQ_API_KEY", "NVIDIA_NIM_KEY"])
        #expect(fake.requests.map(\.url) == ["http://fake.test/openrouter/v1/models"])
        #expect(logs.entries.contains { $0.level == .warning && $0.metadata["error"]?.description == "GROQ_API_KEY is not set; export it to list groq" })

        environment["OPENROUTER_API_KEY"] = nil
        let none = FixtureFetcher(files: Fixtures.newest)
        let error = await #expect(throws: CatalogBuildError.self) {
            try await job(none, output: scratch.path("y.json"), environment: environment)
                .run(logger: Logger(label: "test", factory: { _ in SwiftLogNoOpLogHandler() }))
        }
        #expect(error?.kind == .missingKey)
        #expect(error?.variables == ["GROQ_API_KEY", "OPENROUTER_API_KEY", "NVIDIA_NIM_KEY"])
        #expect(error?.description == "GROQ_API_KEY, OPENROUTER_API_KEY, NVIDIA_NIM_KEY are not set; export the key of at least one provider in --providers")
        #expect(none.requests.isEmpty)
        #expect(!FileManager.default.fileExists(atPath: scratch.path("y.json")))
    }

    @Test func badSeedFailsBeforeAnyRequestNamingTheField() async throws {
        let scratch = try ScratchDirectory()
        defer { scratch.remove() }
        let seed = try scratch.write("""
            models:
              - canonical: broken
                providers:
                  groq:
                    api_key_env: GROQ_API_KEY
            """, to: "seed.yaml")
        let fake = FixtureFetcher(files: Fixtures.newest)
        let error = await #expect(throws: CatalogBuildError.self) {
            try await job(fake, output: scratch.path("x.json"), seed: seed)
                .run(logger: Logger(label: "test", factory: { _ in SwiftLogNoOpLogHandler() }))
        }
        #expect(error?.kind == .seed)
        #expect(error?.description == "\(seed): entry 'broken' field 'providers.groq.model': missing; must be a non-empty string")
        #expect(fake.requests.isEmpty)
    }

    @Test func logsNeverContainKeyValues() async throws {
        let scratch = try ScratchDirectory()
        defer { scratch.remove() }
        let logs = InMemoryLogHandler()
        var logger = Logger(label: "test", factory: { _ in logs })
        logger.logLevel = .trace
        let fake = FixtureFetcher(files: Fixtures.newest, scripted: [.groq: [FetchedResponse(status: 429, body: Data())]])
        _ = try await job(fake, output: scratch.path("i.json")).run(logger: logger)
        let text = logs.entries.map { "\($0.message) \($0.metadata)" }.joined(separator: "\n")
        #expect(text.contains("models listing retry scheduled"))
        for key in Fixtures.keys.values {
            #expect(!text.contains(key))
        }
    }

    @Test func providerListParsing() throws {
        #expect(try CatalogBuildJob.providers(from: "groq, OpenRouter,groq") == [.groq, .openrouter])
        #expect(try CatalogBuildJob.providers(from: "cerebras,gemini,mistral,github_models,huggingface") == [.cerebras, .gemini, .mistral, .githubModels, .huggingface])
        #expect(throws: CatalogBuildError.self) { try CatalogBuildJob.providers(from: "groq,cerebrus") }
        #expect(throws: CatalogBuildError.self) { try CatalogBuildJob.providers(from: " , ") }
        #expect(throws: CatalogBuildError.self) { try CatalogBuildJob.providers(from: "echo") }
    }
}
