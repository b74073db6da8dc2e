import Foundation
import LLMRouterCatalog
import LLMRouterCore
import Testing

/// The listings and free rules of the providers added for issue 9, plus the route facts
/// (context, capabilities, price) the older ones now yield.
struct VendorListingTests {
    private func parse(_ json: String, _ provider: ProviderKind) throws -> ProviderListing {
        try ListingParser.parse(Data(json.utf8), provider: provider)
    }

    /// Real capture (shared/fixtures/upstream/cerebras-models.json): 7 models, no price; the free
    /// tier covers every listed model.
    @Test func cerebrasCaptureIsAllFree() throws {
        let listing = try Fixtures.listing("cerebras-models.json", .cerebras)
        #expect(listing.models.count == 7)
        #expect(listing.freeIDs.count == 7)
        #expect(listing.freeIDs.contains("llama-3.3-70b"))
        #expect(listing.model(id: "gpt-oss-120b")?.price == .free)
    }

    /// Built from ai.google.dev (the OpenAI-compatible `/models` lists `models/<name>` ids;
    /// SOURCES.md: no full capture of that listing exists): Flash, Flash-Lite, Gemma and embedding
    /// models are free, Pro is not; image and speech models are left out, embedding models kept as such.
    @Test func geminiFreeRuleFromTheDocumentation() throws {
        let listing = try parse("""
            {"object": "list", "data": [
              {"id": "models/gemini-2.5-flash", "object": "model", "owned_by": "google"},
              {"id": "models/gemini-2.5-flash-lite", "object": "model", "owned_by": "google"},
              {"id": "models/gemini-2.5-pro", "object": "model", "owned_by": "google"},
              {"id": "models/gemma-3-27b-it", "object": "model", "owned_by": "google"},
              {"id": "models/gemini-2.5-flash-preview-tts", "object": "model", "owned_by": "google"},
              {"id": "models/gemini-2.0-flash-preview-image-generation", "object": "model", "owned_by": "google"},
              {"id": "models/gemini-embedding-001", "object": "model", "owned_by": "google"},
              {"id": "models/imagen-4.0-generate-001", "object": "model", "owned_by": "google"}
            ]}
            """, .gemini)
        #expect(listing.freeIDs == ["gemini-2.5-flash", "gemini-2.5-flash-lite", "gemini-embedding-001", "gemma-3-27b-it"])
        #expect(listing.model(id: "gemini-2.5-pro")?.tier == .paid)
        #expect(listing.model(id: "gemini-2.5-flash-preview-tts")?.unusableReason == "text-to-speech")
        #expect(listing.model(id: "gemini-embedding-001")?.kind == .embeddings)
        #expect(listing.model(id: "gemini-2.5-flash")?.kind == .chat)
    }

    /// Built from Mistral's API reference (`GET /v1/models`: `capabilities` flags and
    /// `max_context_length`; SOURCES.md: no capture with provenance). Every chat model is free on
    /// the Experiment plan; models without chat completions are left out.
    @Test func mistralCapabilitiesFromTheDocumentation() throws {
        let listing = try parse("""
            {"object": "list", "data": [
              {"id": "mistral-small-latest", "object": "model", "owned_by": "mistralai", "max_context_length": 131072,
               "capabilities": {"completion_chat": true, "completion_fim": false, "function_calling": true, "fine_tuning": false, "vision": true}},
              {"id": "codestral-latest", "object": "model", "max_context_length": 256000,
               "capabilities": {"completion_chat": true, "completion_fim": true, "function_calling": true, "vision": false}},
              {"id": "mistral-embed", "object": "model", "capabilities": {"completion_chat": false, "function_calling": false}},
              {"id": "mistral-ocr-latest", "object": "model", "capabilities": {"completion_chat": false}}
            ]}
            """, .mistral)
        #expect(listing.freeIDs == ["codestral-latest", "mistral-embed", "mistral-small-latest"])
        let small = try #require(listing.model(id: "mistral-small-latest"))
        #expect(small.capabilities == RouteCapabilities(tools: true, vision: true, jsonMode: true, contextLength: 131072))
        #expect(listing.model(id: "mistral-embed")?.kind == .embeddings)
        #expect(listing.model(id: "mistral-ocr-latest")?.unusableReason == "no chat completions")
    }

    /// The GitHub REST docs' catalog example, verbatim from rate-limit-headers.md, plus an
    /// embeddings item: a bare array; tiers low/high/custom/embeddings are free.
    @Test func githubModelsCatalogFromTheDocumentation() throws {
        let listing = try parse("""
            [ { "id": "openai/gpt-4.1", "name": "OpenAI GPT-4.1", "publisher": "OpenAI", "registry": "azure-openai", "summary": "gpt-4.1 outperforms gpt-4o across the board, with major gains in coding, instruction following, and long-context understanding", "html_url": "https://github.com/marketplace/models/azure-openai/gpt-4-1", "version": "2025-04-14", "capabilities": [ "streaming", "tool-calling" ], "limits": { "max_input_tokens": 1048576, "max_output_tokens": 32768 }, "rate_limit_tier": "high", "supported_input_modalities": [ "text", "image", "audio" ], "supported_output_modalities": [ "text" ], "tags": [ "multipurpose", "multilingual", "multimodal" ] },
              { "id": "openai/text-embedding-3-small", "rate_limit_tier": "embeddings", "supported_output_modalities": [ "embeddings" ] } ]
            """, .githubModels)
        #expect(listing.freeIDs == ["openai/gpt-4.1", "openai/text-embedding-3-small"])
        let gpt = try #require(listing.model(id: "openai/gpt-4.1"))
        #expect(gpt.capabilities == RouteCapabilities(tools: true, vision: true, contextLength: 1_048_576, maxOutputTokens: 32768))
        #expect(gpt.limits?.requestsPerMinute == 10)
        #expect(gpt.limits?.requestsPerDay == 50)
        #expect(listing.model(id: "openai/text-embedding-3-small")?.kind == .embeddings)
        let endpoint = try ProviderEndpoint.resolve(.githubModels, environment: ["GITHUB_TOKEN": "ghp_TESTTOKEN"])
        #expect(endpoint.modelsURL == "https://models.github.ai/catalog/models")
    }

    /// The one documented router item (huggingface-router-models-item.docs.json): no provider
    /// marks it `is_free`, so it spends credits (paid) at the cheapest live price; a promotion flag makes it free.
    @Test func huggingFaceRouterItem() throws {
        let item = String(decoding: try Fixtures.data("huggingface-router-models-item.docs.json"), as: UTF8.self)
        let listing = try parse(#"{"object": "list", "data": [\#(item)]}"#, .huggingface)
        let model = try #require(listing.model(id: "deepseek-ai/DeepSeek-V4-Pro"))
        #expect(model.tier == .paid)
        #expect(model.unusableReason == nil)
        #expect(model.price == RoutePrice(inputPerMillion: 1.69, outputPerMillion: 3.38))
        #expect(model.capabilities.tools == true)
        #expect(model.capabilities.contextLength == 1_048_576)
        let promoted = try parse(#"{"data": [{"id": "m/free", "providers": [{"provider": "x", "status": "live", "is_free": true}]},"#
            + #"{"id": "m/down", "providers": [{"provider": "x", "status": "error"}]}]}"#, .huggingface)
        #expect(promoted.freeIDs == ["m/free"])
        #expect(promoted.model(id: "m/down")?.unusableReason == "no live provider")
    }

    @Test func olderListingsYieldRouteFacts() throws {
        let groq = try Fixtures.listing("groq-models.json", .groq)
        let versatile = try #require(groq.model(id: "llama-3.3-70b-versatile"))
        #expect(versatile.capabilities.contextLength != nil)
        #expect(versatile.price == .free)
        let openRouter = try Fixtures.listing("openrouter-models-2026-08.json", .openrouter)
        let free = try #require(openRouter.models.first { $0.id == "dots-studio/dots-3-note-preview:free" })
        #expect(free.capabilities == RouteCapabilities(tools: true, vision: true, jsonMode: true, contextLength: 512000, maxOutputTokens: 512000))
        #expect(free.price == .free)
        let paid = try #require(openRouter.model(id: "qwen/qwen3.8-27b"))
        #expect(abs((paid.price?.inputPerMillion ?? 0) - 0.45) < 1e-9)
        #expect(abs((paid.price?.outputPerMillion ?? 0) - 3.2) < 1e-9)
    }
}
