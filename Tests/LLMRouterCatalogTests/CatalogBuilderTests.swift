import Foundation
import LLMRouterCatalog
import LLMRouterCore
import Testing

struct CatalogBuilderTests {
    static let providers: [ProviderKind] = [.groq, .openrouter, .nvidiaNIM]

    private func build(
        _ seed: CatalogSeed, _ files: [ProviderKind: String] = Fixtures.newest, includePaid: Bool = false
    ) throws -> CatalogBuilder.Outcome {
        let builder = CatalogBuilder(options: .init(providers: Self.providers, includePaid: includePaid))
        return builder.build(seed: seed, listings: try Fixtures.listings(files), generatedAt: "2026-01-01T00:00:00Z")
    }

    private func seed(_ yaml: String) throws -> CatalogSeed {
        try SeedLoader().parse(yaml: yaml, file: "test-seed.yaml").seed
    }

    // MARK: Seed joining and drops

    @Test func committedSeedAgainstNewestCaptures() throws {
        let outcome = try build(try Fixtures.seed())
        let index = outcome.index
        let seeded = index.models.filter { !$0.autoMatched }
        #expect(seeded.map(\.canonical) == [
            "llama-3.3-70b", "llama-3.1-8b", "gpt-oss-120b", "gpt-oss-20b", "llama-4-maverick", "llama-4-scout",
            "kimi-k2", "qwen3-32b", "gemma-4-31b-it", "nemotron-3-super-120b-a12b", "nemotron-3-nano-30b-a3b",
            "nemotron-nano-9b-v2", "deepseek-r1", "nv-embedqa-e5-v5", "llama-nemotron-embed-1b-v2", "bge-m3",
        ], "listed models of Groq, OpenRouter and NIM, and Hugging Face's documented ones")
        let gptOSS = try #require(index.entry(named: "gpt-oss-20b"))
        #expect(Set(gptOSS.providers.keys) == ["groq", "openrouter", "nvidia_nim", "huggingface"])
        #expect(gptOSS.providers["huggingface"]?.status == .documented, "Hugging Face is not listed in this build")
        #expect(gptOSS.providers["openrouter"]?.model == "openai/gpt-oss-20b:free")
        #expect(gptOSS.providers["openrouter"]?.priorityOffset == 5)
        #expect(gptOSS.providers["openrouter"]?.extraHeaders == ["X-Title": "llmrouter"])
        #expect(gptOSS.providers["groq"]?.apiKeyEnv == "GROQ_API_KEY")
        #expect(gptOSS.providers["nvidia_nim"]?.apiKeyEnv == "NVIDIA_NIM_KEY")

        let llama = try #require(index.entry(named: "llama-3.3-70b"))
        #expect(Set(llama.providers.keys) == ["groq", "nvidia_nim", "huggingface"])
        #expect(llama.providers["groq"]?.model == "llama-3.3-70b-versatile")

        // The seed alone joins ids that are spelt differently.
        let nano = try #require(index.entry(named: "nemotron-nano-9b-v2"))
        #expect(nano.providers["nvidia_nim"]?.model == "nvidia/nvidia-nemotron-nano-9b-v2")
        #expect(nano.providers["openrouter"]?.model == "nvidia/nemotron-nano-9b-v2:free")

        #expect(index.providers == ["groq", "openrouter", "nvidia_nim", "huggingface"])
        #expect(index.providerCatalogs["groq"]?.count == 12)
        #expect(index.providerCatalogs["openrouter"]?.count == 19)
        #expect(index.providerCatalogs["nvidia_nim"]?.count == 107, "96 chat and 11 embedding models")
    }

    @Test func dropsSayWhichProviderAndWhy() throws {
        let outcome = try build(try Fixtures.seed())
        let drops = Set(outcome.drops.map { "\($0.canonical)|\($0.provider?.rawValue ?? "-")|\($0.reason)" })
        let notListed = CatalogDrop.Reason.notListed.description
        let none = CatalogDrop.Reason.noProviderLeft.description
        let notInBuild = CatalogDrop.Reason.providerNotListed.description
        // Every provider's reason, for the providers listed in this build (Groq, OpenRouter, NIM)
        // and for those that were not (the rest; Hugging Face's mappings are documented, so published).
        #expect(drops.isSuperset(of: [
            "llama-3.3-70b|cerebras|\(notInBuild)",
            "qwen3-32b|cerebras|\(notInBuild)",
            "gemma-3-27b-it|gemini|\(notInBuild)",
            "mistral-small|mistral|\(notInBuild)",
            "mistral-small|-|\(none)",
            "gpt-4.1|github_models|\(notInBuild)",
            "llama-3.3-70b|openrouter|\(notListed)",
            "llama-3.1-8b|openrouter|\(notListed)",
            "llama-4-maverick|openrouter|\(notListed)",
            "llama-4-scout|openrouter|\(notListed)",
            "llama-4-scout|nvidia_nim|\(notListed)",
            "kimi-k2|nvidia_nim|\(notListed)",
            "qwen3-32b|openrouter|\(notListed)",
            "gemma-3-27b-it|openrouter|\(notListed)",
            "gemma-3-27b-it|nvidia_nim|\(notListed)",
            "gemma-3-27b-it|-|\(none)",
            "deepseek-r1-distill-llama-70b|groq|\(notListed)",
            "deepseek-r1-distill-llama-70b|openrouter|\(notListed)",
            "deepseek-r1-distill-llama-70b|-|\(none)",
            "llama-3.2-nv-embedqa-1b-v2|nvidia_nim|\(notListed)",
            "llama-3.2-nv-embedqa-1b-v2|-|\(none)",
            "gemini-embedding-001|gemini|\(notInBuild)",
            "text-embedding-3-small|github_models|\(notInBuild)",
        ]))
        #expect(!drops.contains { $0.contains("|huggingface|") }, "documented mappings are published, not dropped")
        #expect(drops.count == 65)
        #expect(outcome.index.entry(named: "gemma-3-27b-it") == nil)
    }

    @Test func olderCapturesPublishWhatTheyListed() throws {
        let outcome = try build(try Fixtures.seed(), Fixtures.older)
        let scout = try #require(outcome.index.entry(named: "llama-4-scout"))
        // Groq's March 2025 listing predates Llama 4; OpenRouter and NIM had it.
        #expect(Set(scout.providers.keys) == ["openrouter", "nvidia_nim"])
        let deepseek = try #require(outcome.index.entry(named: "deepseek-r1-distill-llama-70b"))
        #expect(Set(deepseek.providers.keys) == ["groq", "openrouter"])
    }

    @Test func paidUnusableAndUnlistedProvidersAreDropped() throws {
        let outcome = try build(try seed("""
            models:
              - canonical: gpt-oss-120b
                providers:
                  openrouter: {model: openai/gpt-oss-120b}
                  groq: {model: openai/gpt-oss-120b}
              - canonical: whisper
                providers:
                  groq: {model: whisper-large-v3}
              - canonical: hf-only
                providers:
                  huggingface: {model: openai/gpt-oss-120b}
            """))
        #expect(outcome.drops.contains(CatalogDrop(canonical: "gpt-oss-120b", provider: .openrouter, upstreamModel: "openai/gpt-oss-120b", reason: .paid)))
        #expect(outcome.drops.contains(CatalogDrop(canonical: "whisper", provider: .groq, upstreamModel: "whisper-large-v3", reason: .unusable("speech-to-text"))))
        #expect(outcome.drops.contains(CatalogDrop(canonical: "hf-only", provider: .huggingface, upstreamModel: "openai/gpt-oss-120b", reason: .providerNotListed)))
        #expect(outcome.index.models.filter { !$0.autoMatched }.map(\.canonical) == ["gpt-oss-120b"])
    }

    @Test func allowPaidPublishesAPaidModelMarked() throws {
        let outcome = try build(try seed("""
            models:
              - canonical: gpt-oss-120b
                providers:
                  openrouter: {model: openai/gpt-oss-120b, allow_paid: true}
            """))
        let mapping = try #require(outcome.index.entry(named: "gpt-oss-120b")?.providers["openrouter"])
        #expect(mapping.paid && mapping.allowPaid && mapping.isAllowed)
        #expect(outcome.drops.isEmpty)
    }

    @Test func includePaidKeepsPaidMappingsMarkedButNotAllowed() throws {
        let outcome = try build(try seed("""
            models:
              - canonical: gpt-oss-120b
                providers:
                  openrouter: {model: openai/gpt-oss-120b}
            """), includePaid: true)
        let mapping = try #require(outcome.index.entry(named: "gpt-oss-120b")?.providers["openrouter"])
        #expect(mapping.paid && !mapping.allowPaid && !mapping.isAllowed)
        // Free catalogs stay free-only.
        #expect(outcome.index.providerCatalogs["openrouter"]?.contains("openai/gpt-oss-120b") == false)
    }

    // MARK: Determinism

    @Test func outputIsByteForByteDeterministic() throws {
        let seed = try Fixtures.seed()
        let first = try build(seed).index.encoded(pretty: true)
        let second = try build(seed).index.encoded(pretty: true)
        #expect(first == second)
        let compact = try build(seed).index.encoded(pretty: false)
        #expect(compact.count < first.count)
        let roundTrip = try ModelIndex.decode(compact, source: "memory")
        #expect(roundTrip == (try build(seed).index))
    }
}
