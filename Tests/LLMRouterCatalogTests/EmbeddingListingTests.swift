import Foundation
import LLMRouterCatalog
import LLMRouterCore
import Testing

/// The real listings keep the free embedding models as kind embeddings, while rerankers, guards,
/// reward, OCR, moderation and speech models are still left out.
struct EmbeddingListingTests {
    private func embeddingIDs(_ listing: ProviderListing) -> [String] {
        listing.models.filter { $0.kind == .embeddings && $0.isUsableFree }.map(\.id).sorted()
    }

    @Test(arguments: ["nvidia-nim-models.json", "nvidia-nim-models-2026-06.json"])
    func nimCapturesKeepEmbeddersByName(file: String) throws {
        let listing = try Fixtures.listing(file, .nvidiaNIM)
        let embedders = embeddingIDs(listing)
        for id in ["nvidia/nv-embedqa-e5-v5", "baai/bge-m3", "snowflake/arctic-embed-l", "nvidia/nv-embedqa-mistral-7b-v2"] {
            #expect(embedders.contains(id), "\(id) in \(file)")
            #expect(listing.freeIDs.contains(id), "\(id) is published in provider_catalogs")
        }
        #expect(listing.model(id: "nvidia/nvclip")?.unusableReason == "image embedding")
        #expect(listing.model(id: "nvidia/nemoretriever-parse")?.unusableReason == "document parser")
        #expect(listing.model(id: "nvidia/nemotron-4-340b-reward")?.unusableReason == "reward model")
        #expect(listing.model(id: "meta/llama-guard-4-12b")?.unusableReason == "safety classifier")
        #expect(!embedders.contains { $0.contains("rerank") || $0.contains("guard") })
        #expect(listing.model(id: "meta/llama-3.3-70b-instruct")?.kind == .chat)
    }

    @Test func nimNamesDecideTheKindAndDroppingWins() throws {
        let body = Data(#"{"data":[{"id":"nvidia/llama-3.2-nv-rerankqa-1b-v2"},{"id":"x/embed-guard"},{"id":"nvidia/nv-embed-v1"},{"id":"meta/llama-3.1-8b-instruct"}]}"#.utf8)
        let listing = try ListingParser.parse(body, provider: .nvidiaNIM)
        #expect(listing.model(id: "nvidia/llama-3.2-nv-rerankqa-1b-v2")?.unusableReason == "reranker")
        #expect(listing.model(id: "x/embed-guard")?.unusableReason == "safety classifier")
        #expect(listing.model(id: "nvidia/nv-embed-v1")?.kind == .embeddings)
        #expect(listing.freeIDs == ["meta/llama-3.1-8b-instruct", "nvidia/nv-embed-v1"])
    }

    /// mistral-models.json: embedding models have every capability flag false; OCR, moderation
    /// and transcription models stay out.
    @Test(arguments: ["mistral-models.json", "mistral-models-2025-05.json"])
    func mistralCapturesKeepEmbedModels(file: String) throws {
        let listing = try Fixtures.listing(file, .mistral)
        let embed = try #require(listing.model(id: "mistral-embed"))
        #expect(embed.kind == .embeddings)
        #expect(embed.isUsableFree)
        #expect(embed.capabilities.contextLength != nil, "max_context_length is kept as the input limit")
        #expect(listing.model(id: "mistral-small-latest")?.kind == .chat)
        #expect(embeddingIDs(listing).allSatisfy { $0.contains("embed") })
        #expect(!embeddingIDs(listing).contains { $0.contains("moderation") || $0.contains("ocr") })
        if let moderation = listing.model(id: "mistral-moderation-latest") {
            #expect(moderation.unusableReason == "no chat completions")
        }
    }

    @Test func mistralCurrentCaptureListsBothEmbedders() throws {
        let listing = try Fixtures.listing("mistral-models.json", .mistral)
        #expect(embeddingIDs(listing) == ["codestral-embed", "codestral-embed-2505", "mistral-embed", "mistral-embed-2312"])
        #expect(listing.model(id: "mistral-ocr-latest")?.unusableReason == "no chat completions")
    }

    /// github-models-catalog.json: the `embeddings` tier is free (15 rpm, 150 per day).
    @Test func githubCatalogKeepsTheEmbeddingsTier() throws {
        let listing = try Fixtures.listing("github-models-catalog.json", .githubModels)
        #expect(embeddingIDs(listing) == ["openai/text-embedding-3-large", "openai/text-embedding-3-small"])
        let small = try #require(listing.model(id: "openai/text-embedding-3-small"))
        #expect(small.limits?.requestsPerMinute == 15)
        #expect(small.limits?.requestsPerDay == 150)
        #expect(small.capabilities.contextLength == 8191)
        #expect(listing.model(id: "openai/gpt-4.1")?.kind == .chat)

        let launch = try Fixtures.listing("github-models-catalog-2025-05.json", .githubModels)
        #expect(embeddingIDs(launch).contains("cohere/Cohere-embed-v3-english"))
        #expect(embeddingIDs(launch).contains("openai/text-embedding-3-small"))
    }

    /// gemini-models-native.json names models in `name` and marks embedders by `embedContent`;
    /// speech, image, video and AQA models stay out.
    @Test func geminiNativeListingKeepsEmbeddingModels() throws {
        let listing = try Fixtures.listing("gemini-models-native.json", .gemini)
        #expect(listing.models.count == 48)
        #expect(embeddingIDs(listing) == ["gemini-embedding-001", "gemini-embedding-2-preview"])
        #expect(listing.model(id: "gemini-embedding-001")?.capabilities.contextLength == 2048)
        #expect(listing.model(id: "aqa")?.unusableReason == "attributed QA")
        #expect(listing.model(id: "gemini-2.5-flash-preview-tts")?.unusableReason == "text-to-speech")
        #expect(listing.model(id: "gemini-2.5-flash")?.kind == .chat)
        #expect(listing.model(id: "gemini-2.5-pro")?.tier == .paid, "the free rule for chat models is unchanged")
    }

    /// Two providers listing the same embedding model are auto-matched as an embedding model;
    /// a name that is a chat model on one and an embedder on the other is not joined.
    @Test func autoMatchKeepsTheKindAndRefusesMixedKinds() throws {
        let nim = try ListingParser.parse(Data(#"{"data":[{"id":"baai/bge-large-en"},{"id":"x/same-name"}]}"#.utf8), provider: .nvidiaNIM)
        let github = try ListingParser.parse(Data(#"""
            [{"id": "baai/bge-large-en", "rate_limit_tier": "embeddings", "supported_output_modalities": ["embeddings"]},
             {"id": "x/same-name", "rate_limit_tier": "embeddings", "supported_output_modalities": ["embeddings"]}]
            """#.utf8), provider: .githubModels)
        let builder = CatalogBuilder(options: .init(providers: [.nvidiaNIM, .githubModels]))
        let outcome = builder.build(seed: CatalogSeed(entries: []), listings: [.nvidiaNIM: nim, .githubModels: github], generatedAt: nil)
        let bge = try #require(outcome.index.entry(named: "bge-large-en"))
        #expect(bge.kind == .embeddings)
        #expect(bge.autoMatched)
        #expect(outcome.index.entry(named: "same-name") == nil)
        #expect(outcome.autoMatchSkips.contains { $0.reason.contains("different kinds") })
    }
}
