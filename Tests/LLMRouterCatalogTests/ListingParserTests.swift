import Foundation
import LLMRouterCatalog
import LLMRouterCore
import Testing

struct ListingParserTests {
    struct Expectation: Sendable, CustomTestStringConvertible {
        var file: String
        var provider: ProviderKind
        /// Distinct ids listed.
        var listed: Int
        /// Free by the provider's rule, usable or not.
        var freeTier: Int
        /// What `provider_catalogs` publishes: free and usable, for chat or embeddings.
        var usableFree: Int
        var testDescription: String { file }
    }

    /// Counts checked by hand against the captures (see SOURCES.md: OpenRouter 2025 has 68 `:free`
    /// ids and 69 zero-priced ones; NIM 2026-02 has 186 entries with two ids repeated; NIM's usable
    /// ids include its text embedders, 13 in 2026-02 and 11 in 2026-06).
    static let expectations: [Expectation] = [
        .init(file: "groq-models.json", provider: .groq, listed: 20, freeTier: 20, usableFree: 12),
        .init(file: "groq-models-2025-03.json", provider: .groq, listed: 16, freeTier: 16, usableFree: 12),
        .init(file: "openrouter-models.json", provider: .openrouter, listed: 321, freeTier: 69, usableFree: 69),
        .init(file: "openrouter-models-2026-08.json", provider: .openrouter, listed: 414, freeTier: 20, usableFree: 19),
        .init(file: "nvidia-nim-models.json", provider: .nvidiaNIM, listed: 184, freeTier: 184, usableFree: 171),
        .init(file: "nvidia-nim-models-2026-06.json", provider: .nvidiaNIM, listed: 120, freeTier: 120, usableFree: 107),
    ]

    @Test(arguments: expectations)
    func freeRulesOnEveryCapture(_ expected: Expectation) throws {
        let listing = try Fixtures.listing(expected.file, expected.provider)
        #expect(listing.models.count == expected.listed)
        #expect(listing.models.filter { $0.tier == .free }.count == expected.freeTier)
        #expect(listing.freeIDs.count == expected.usableFree)
        #expect(listing.freeIDs == listing.freeIDs.sorted())
    }

    @Test func openRouterFreeSuffixAndZeroPricingBothCount() throws {
        let listing = try Fixtures.listing("openrouter-models.json", .openrouter)
        let free = listing.models.filter { $0.tier == .free }
        #expect(free.filter { $0.id.hasSuffix(":free") }.count == 68)
        // Zero-priced without the suffix: the experimental Gemini of spring 2025.
        #expect(free.filter { !$0.id.hasSuffix(":free") }.map(\.id) == ["google/gemini-2.5-pro-exp-03-25"])
        // "-1" means router-priced, which is not free.
        #expect(listing.model(id: "openrouter/auto")?.tier == .paid)
        #expect(listing.model(id: "anthropic/claude-opus-4")?.tier == .paid)
        #expect(listing.model(id: "meta-llama/llama-3.3-70b-instruct:free")?.isUsableFree == true)
    }

    @Test func openRouter2026SchemaParsesWithFreeAndZeroPricedIds() throws {
        let listing = try Fixtures.listing("openrouter-models-2026-08.json", .openrouter)
        let free = listing.models.filter { $0.tier == .free }
        #expect(free.filter { $0.id.hasSuffix(":free") }.count == 17)
        #expect(Set(free.filter { !$0.id.hasSuffix(":free") }.map(\.id))
            == ["openrouter/free", "google/lyria-3-clip-preview", "google/lyria-3-pro-preview"])
        #expect(listing.model(id: "nvidia/nemotron-3.5-content-safety:free")?.unusableReason == "safety classifier")
        #expect(listing.model(id: "openai/gpt-oss-120b")?.tier == .paid)
        #expect(listing.model(id: "openai/gpt-oss-20b:free")?.isUsableFree == true)
    }

    @Test func openRouterBaseModelsAreMarked() throws {
        let listing = try Fixtures.listing("openrouter-models.json", .openrouter)
        let base = listing.models.filter(\.isBaseModel).map(\.id).sorted()
        #expect(base == ["deepseek/deepseek-v3-base:free", "meta-llama/llama-3.1-405b", "meta-llama/llama-3.1-405b:free"])
    }

    @Test func groqSkipsSpeechAndGuardModels() throws {
        let listing = try Fixtures.listing("groq-models.json", .groq)
        #expect(listing.model(id: "whisper-large-v3")?.unusableReason == "speech-to-text")
        #expect(listing.model(id: "canopylabs/orpheus-v1-english")?.unusableReason == "text-to-speech")
        #expect(listing.model(id: "meta-llama/llama-prompt-guard-2-86m")?.unusableReason == "safety classifier")
        #expect(listing.freeIDs.contains("llama-3.3-70b-versatile"))
        #expect(listing.freeIDs.contains("openai/gpt-oss-120b"))
        #expect(!listing.freeIDs.contains("openai/gpt-oss-safeguard-20b"))
    }

    @Test func groqSkipsInactiveModels() throws {
        let body = Data(#"{"object":"list","data":[{"id":"a","active":true},{"id":"b","active":false},{"id":"c"}]}"#.utf8)
        let listing = try ListingParser.parse(body, provider: .groq)
        #expect(listing.freeIDs == ["a", "c"])
        #expect(listing.model(id: "b")?.unusableReason == "inactive")
    }

    @Test func nimKeepsRepeatedIdsOnceAndSkipsRewardGuard() throws {
        let listing = try Fixtures.listing("nvidia-nim-models.json", .nvidiaNIM)
        #expect(listing.models.filter { $0.id == "openai/gpt-oss-120b" }.count == 1)
        #expect(listing.models.filter { $0.id == "openai/gpt-oss-20b" }.count == 1)
        #expect(listing.model(id: "nvidia/nv-embedqa-e5-v5")?.kind == .embeddings)
        #expect(listing.model(id: "nvidia/nemotron-4-340b-reward")?.unusableReason == "reward model")
        #expect(listing.model(id: "meta/llama-guard-4-12b")?.unusableReason == "safety classifier")
        #expect(listing.model(id: "google/shieldgemma-9b")?.unusableReason == "safety classifier")
        #expect(listing.freeIDs.contains("meta/llama-3.3-70b-instruct"))
    }

    @Test func numericPricesAreAcceptedToo() throws {
        let body = Data(#"{"data":[{"id":"x/a","pricing":{"prompt":0,"completion":0.0}},{"id":"x/b","pricing":{"prompt":"0.000001","completion":"0"}}]}"#.utf8)
        let listing = try ListingParser.parse(body, provider: .openrouter)
        #expect(listing.freeIDs == ["x/a"])
        #expect(listing.paidIDs == ["x/b"])
    }

    @Test func malformedJSONIsAnError() {
        #expect(throws: ListingError.self) {
            try ListingParser.parse(Data("{\"data\": [".utf8), provider: .groq)
        }
        let error = #expect(throws: ListingError.self) {
            try ListingParser.parse(Data(#"{"error":{"message":"nope"}}"#.utf8), provider: .openrouter)
        }
        #expect(error?.description.contains("'data'") == true)
    }
}
