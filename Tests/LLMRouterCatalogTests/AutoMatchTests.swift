import Foundation
@testable import LLMRouterCatalog
import LLMRouterCore
import Testing

struct AutoMatchTests {
    static let providers: [ProviderKind] = [.groq, .openrouter, .nvidiaNIM]
    static let emptySeed = CatalogSeed(entries: [])

    private func autoMatched(
        _ files: [ProviderKind: String], seed: CatalogSeed = emptySeed
    ) throws -> (entries: [ModelIndex.Entry], skips: [AutoMatchSkip]) {
        let builder = CatalogBuilder(options: .init(providers: Self.providers))
        let outcome = builder.build(seed: seed, listings: try Fixtures.listings(files), generatedAt: nil)
        return (outcome.index.models.filter(\.autoMatched), outcome.autoMatchSkips)
    }

    /// `canonical: provider=id,provider=id` lines, for readable comparisons.
    private func summary(_ entries: [ModelIndex.Entry]) -> [String] {
        entries.map { entry in
            let ids = entry.providerNames(in: Self.providers.map(\.rawValue)).map { "\($0)=\(entry.providers[$0]?.model ?? "")" }
            return "\(entry.canonical): \(ids.joined(separator: ","))"
        }
    }

    @Test func newestCapturesWithTheCommittedSeed() throws {
        let matched = try autoMatched(Fixtures.newest, seed: try Fixtures.seed())
        #expect(summary(matched.entries) == [
            "nemotron-3-nano-omni-30b-a3b-reasoning: openrouter=nvidia/nemotron-3-nano-omni-30b-a3b-reasoning:free,nvidia_nim=nvidia/nemotron-3-nano-omni-30b-a3b-reasoning",
            "nemotron-3-ultra-550b-a55b: openrouter=nvidia/nemotron-3-ultra-550b-a55b:free,nvidia_nim=nvidia/nemotron-3-ultra-550b-a55b",
            "nemotron-nano-12b-v2-vl: openrouter=nvidia/nemotron-nano-12b-v2-vl:free,nvidia_nim=nvidia/nemotron-nano-12b-v2-vl",
        ])
        #expect(matched.entries.first?.aliases == ["nvidia/nemotron-3-nano-omni-30b-a3b-reasoning"])
    }

    @Test func newestCapturesWithoutSeedFindTheCrossProviderModels() throws {
        let names = try autoMatched(Fixtures.newest).entries.map(\.canonical)
        #expect(names == [
            "gemma-4-31b-it", "gpt-oss-120b", "gpt-oss-20b", "llama-4-maverick-17b-128e-instruct",
            "nemotron-3-nano-30b-a3b", "nemotron-3-nano-omni-30b-a3b-reasoning", "nemotron-3-super-120b-a12b",
            "nemotron-3-ultra-550b-a55b", "nemotron-nano-12b-v2-vl",
        ])
        let gpt = try #require(try autoMatched(Fixtures.newest).entries.first { $0.canonical == "gpt-oss-20b" })
        #expect(Set(gpt.providers.keys) == ["groq", "openrouter", "nvidia_nim"])
        #expect(gpt.aliases == ["openai/gpt-oss-20b"])
    }

    @Test func olderCapturesMatchAcrossVendorPrefixAndVersionPunctuation() throws {
        let entries = try autoMatched(Fixtures.older).entries
        func providers(_ canonical: String) -> [String: String] {
            entries.first { $0.canonical == canonical }?.providers.mapValues(\.model) ?? [:]
        }
        // `qwen-2.5` on OpenRouter is `qwen2.5` on NIM.
        #expect(providers("qwen-2.5-coder-32b-instruct") == [
            "openrouter": "qwen/qwen-2.5-coder-32b-instruct:free", "nvidia_nim": "qwen/qwen2.5-coder-32b-instruct",
        ])
        // `meta-llama/` on OpenRouter is `meta/` on NIM.
        #expect(providers("llama-3.3-70b-instruct") == [
            "openrouter": "meta-llama/llama-3.3-70b-instruct:free", "nvidia_nim": "meta/llama-3.3-70b-instruct",
        ])
        // `deepseek/` vs `deepseek-ai/`.
        #expect(providers("deepseek-r1-distill-qwen-32b") == [
            "openrouter": "deepseek/deepseek-r1-distill-qwen-32b:free", "nvidia_nim": "deepseek-ai/deepseek-r1-distill-qwen-32b",
        ])
        // Groq's `gemma2-9b-it` is `gemma-2-9b-it` elsewhere.
        #expect(providers("gemma2-9b-it") == [
            "groq": "gemma2-9b-it", "openrouter": "google/gemma-2-9b-it:free", "nvidia_nim": "google/gemma-2-9b-it",
        ])
        #expect(entries.count == 20)
    }

    @Test func baseModelIsNeverMatchedWithItsInstructVariant() throws {
        // OpenRouter's `meta-llama/llama-3.1-405b:free` is the base model; NIM serves the instruct one.
        let entries = try autoMatched(Fixtures.older).entries
        #expect(!entries.contains { $0.providers.values.contains { $0.model.contains("llama-3.1-405b") } })
    }

    @Test func providerSpecificVariantsStayApart() throws {
        let entries = try autoMatched(Fixtures.older).entries + autoMatched(Fixtures.newest).entries
        let all = entries.flatMap { $0.providers.values.map(\.model) }
        // Groq's own `-versatile`/`-instant` builds, dated snapshots, and differently named ids.
        for id in ["llama-3.3-70b-versatile", "llama-3.1-8b-instant", "moonshotai/kimi-k2-instruct-0905",
                   "mistralai/mistral-small-24b-instruct-2501:free", "nvidia/nvidia-nemotron-nano-9b-v2",
                   "nvidia/nemotron-nano-9b-v2:free", "groq/compound"] {
            #expect(!all.contains(id), "\(id) should not be auto-matched")
        }
    }

    @Test func twoIdsWithOneNameOnOneProviderAreAmbiguous() throws {
        let groq = try ListingParser.parse(Data(#"{"data":[{"id":"acme/foo-7b"},{"id":"other/foo-7b-instruct"}]}"#.utf8), provider: .groq)
        let nim = try ListingParser.parse(Data(#"{"data":[{"id":"acme/foo-7b-instruct"}]}"#.utf8), provider: .nvidiaNIM)
        let builder = CatalogBuilder(options: .init(providers: Self.providers))
        let outcome = builder.build(seed: Self.emptySeed, listings: [.groq: groq, .nvidiaNIM: nim], generatedAt: nil)
        #expect(outcome.index.models.isEmpty)
        #expect(outcome.autoMatchSkips.map(\.key) == ["foo-7-b"])
    }

    @Test func seedNamesAndIdsAreNeverTakenOver() throws {
        let seed = try SeedLoader().parse(yaml: """
            models:
              - canonical: gemma-4-31b-it
                providers:
                  groq: {model: not-listed-anywhere}
            """, file: "seed.yaml").seed
        let matched = try autoMatched(Fixtures.newest, seed: seed)
        // The seed's entry is dropped (Groq does not list it) but keeps its name.
        #expect(!matched.entries.contains { $0.canonical == "gemma-4-31b-it" })
        #expect(matched.skips.contains { $0.key == "gemma-4-31-b-it" && $0.reason.contains("already used") })
    }

    @Test(arguments: [
        ("meta-llama/llama-3.3-70b-instruct:free", "llama-3.3-70-b"),
        ("meta/llama-3.3-70b-instruct", "llama-3.3-70-b"),
        ("qwen/qwen2.5-coder-32b-instruct", "qwen-2.5-coder-32-b"),
        ("qwen/qwen-2.5-coder-32b-instruct:free", "qwen-2.5-coder-32-b"),
        ("Google/Gemma-3-27B-IT", "gemma-3-27-b-it"),
        ("z-ai/glm4.7", "glm-4.7"),
        ("llama-3.3-70b-versatile", "llama-3.3-70-b-versatile"),
        ("moonshotai/kimi-k2-instruct-0905", "kimi-k-2-instruct-0905"),
        ("openai/gpt-oss-20b:batch", "gpt-oss-20-b-batch"),
    ])
    func modelKeyNormalisation(_ id: String, _ key: String) {
        #expect(ModelKey.of(id) == key)
    }
}
