import Foundation
import LLMRouterCatalog
import LLMRouterCore
import Testing

struct ModelsReportTests {
    private func index() throws -> ModelIndex {
        try ModelIndex.decode(Data(contentsOf: URL(fileURLWithPath: Fixtures.bundledIndexPath)), source: "bundled")
    }

    @Test func usableNeedsKeyAndListing() throws {
        var environment = Fixtures.keys
        environment["OPENROUTER_API_KEY"] = nil
        let report = ModelsReport.make(
            index: try index(), source: CatalogSource(kind: .bundled, location: "generated/model_index.json"),
            options: .init(requiredProviders: ["groq", "nvidia_nim"], limit: nil), environment: environment
        )
        #expect(report.totalModels == 48, "40 chat models and 8 seeded embedding models of eight providers")
        #expect(report.models.count == 48)
        #expect(report.commonModels == ["llama-3.3-70b", "llama-3.1-8b", "gpt-oss-120b", "gpt-oss-20b", "llama-4-maverick"])
        let gpt = try #require(report.models.first { $0.canonical == "gpt-oss-20b" })
        #expect(gpt.providerOrder == ["groq", "nvidia_nim", "openrouter", "huggingface"])
        #expect(gpt.providers["openrouter"]?.key == "missing")
        #expect(gpt.providers["openrouter"]?.listedFree == true)
        #expect(gpt.providers["openrouter"]?.usable == false)
        #expect(gpt.enabled && gpt.common)
        #expect(report.credentials["openrouter"] == .init(variable: "OPENROUTER_API_KEY", status: "missing"))
    }

    @Test func liveListingsDecideWhatIsListed() throws {
        let groq = try Fixtures.listing("groq-models-2025-03.json", .groq)
        let live: [ProviderKind: Result<ProviderListing, ProbeError>] = [
            .groq: .success(groq),
            .nvidiaNIM: .failure(ProbeError(.timeout, provider: .nvidiaNIM, message: "no answer")),
        ]
        let report = ModelsReport.make(
            index: try index(), source: nil, options: .init(requiredProviders: ["groq", "nvidia_nim"], limit: 2),
            environment: Fixtures.keys, live: live
        )
        // Groq's March 2025 listing has llama-3.3-70b-versatile but not gpt-oss; NIM did not answer.
        let llama = try #require(report.models.first { $0.canonical == "llama-3.3-70b" })
        #expect(llama.providers["groq"]?.listedFree == true)
        #expect(llama.providers["nvidia_nim"]?.listedFree == false)
        #expect(report.commonModels.isEmpty)
        #expect(report.live?["groq"]?.freeModels.count == 2)
        #expect(report.live?["groq"]?.freeCount == 12)
        #expect(report.live?["nvidia_nim"]?.status == "error")
        #expect(report.models.count == 2)
        #expect(report.table().contains("… 46 more models"))
    }

    @Test func paidMappingsShowOnlyWithIncludePaid() throws {
        let index = ModelIndex(providers: ["openrouter"], models: [
            .init(canonical: "m", providers: ["openrouter": .init(model: "x/m", paid: true)]),
        ])
        let hidden = ModelsReport.make(index: index, source: nil, options: .init(requiredProviders: ["openrouter"]), environment: Fixtures.keys)
        #expect(hidden.models.first?.providers.isEmpty == true)
        let shown = ModelsReport.make(
            index: index, source: nil, options: .init(requiredProviders: ["openrouter"], includePaid: true), environment: Fixtures.keys
        )
        #expect(shown.models.first?.providers["openrouter"]?.paid == true)
        #expect(shown.models.first?.providers["openrouter"]?.usable == false)
    }

    @Test func jsonIsStableAndHoldsNoKeyValues() throws {
        let report = ModelsReport.make(
            index: try index(), source: CatalogSource(kind: .url, location: "https://u:p@host/i.json?token=sk-or-v1-secretsecret"),
            options: .init(requiredProviders: ["groq"]), environment: Fixtures.keys
        )
        let first = try report.json()
        #expect(try report.json() == first)
        #expect(first.contains("\"location\": \"https://host/i.json\""))
        for key in Fixtures.keys.values {
            #expect(!first.contains(key))
            #expect(!report.table().contains(key))
        }
        #expect(!first.contains("secretsecret"))
    }
}
