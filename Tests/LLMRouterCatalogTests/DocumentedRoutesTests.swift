import Foundation
import LLMRouterCatalog
import LLMRouterCore
import Testing

/// Routes the seed documents (`documented: {source, date}`) reach the index while their provider
/// is not listed, with status documented; a listing confirms (listed) or drops them.
struct DocumentedRoutesTests {
    static let yaml = """
        models:
          - canonical: llama-3.3-70b
            providers:
              groq: {model: llama-3.3-70b-versatile}
              huggingface:
                model: meta-llama/Llama-3.3-70B-Instruct
                allow_paid: true
                context_length: 131072
                capabilities: {tools: true}
                documented: {source: huggingface.co/inference/models, date: 2026-12-05}
          - canonical: invented
            providers:
              groq:
                model: not-a-groq-model
                documented: {source: a blog post, date: 2026-01-02}
        """

    private func seed(_ yaml: String = Self.yaml) throws -> CatalogSeed {
        try SeedLoader().parse(yaml: yaml, file: "seed.yaml").seed
    }

    private func build(_ providers: [ProviderKind]) throws -> CatalogBuilder.Outcome {
        let listings = try Fixtures.listings(Fixtures.bundled.filter { providers.contains($0.key) })
        return CatalogBuilder(options: .init(providers: providers)).build(seed: try seed(), listings: listings, generatedAt: "2026-12-05T00:00:00Z")
    }

    @Test func aDocumentedRouteOfAnUnlistedProviderIsPublishedAsDocumented() throws {
        let index = try build([.groq]).index
        let mapping = try #require(index.entry(named: "llama-3.3-70b")?.providers["huggingface"])
        #expect(mapping.status == .documented)
        #expect(mapping.documentation == .init(source: "huggingface.co/inference/models", date: "2026-12-05"))
        #expect(mapping.model == "meta-llama/Llama-3.3-70B-Instruct")
        #expect(mapping.capabilities.contextLength == 131072)
        #expect(mapping.capabilities.tools == true)
        #expect(mapping.apiKeyEnv == "HUGGINGFACE_API_TOKEN")
        #expect(mapping.price == nil, "a route that spends included credits has no known price")
        #expect(index.entry(named: "llama-3.3-70b")?.providers["groq"]?.status == .listed)
        #expect(index.providers == ["groq", "huggingface"], "a documented-only provider follows the listed ones")
    }

    /// The listing wins over the documentation: an id the provider does not list is dropped, and
    /// a listed one is `listed` with the note gone.
    @Test func aListingDecidesOverTheDocumentation() throws {
        let outcome = try build([.groq])
        #expect(outcome.index.entry(named: "invented") == nil)
        #expect(outcome.drops.contains { $0.canonical == "invented" && $0.provider == .groq && $0.reason == .notListed })

        let confirmed = """
            models:
              - canonical: llama-3.3-70b
                providers:
                  groq:
                    model: llama-3.3-70b-versatile
                    documented: {source: console.groq.com/docs/models, date: 2026-12-01}
            """
        let listings = try Fixtures.listings([.groq: "groq-models.json"])
        let index = CatalogBuilder(options: .init(providers: [.groq])).build(seed: try seed(confirmed), listings: listings, generatedAt: nil).index
        let groq = try #require(index.entry(named: "llama-3.3-70b")?.providers["groq"])
        #expect(groq.status == .listed)
        #expect(groq.documentation == nil)
    }

    @Test func statusDocumentationAndStalenessSurviveTheFile() throws {
        let index = try build([.groq]).index
        var mapping = try #require(index.entry(named: "llama-3.3-70b")?.providers["groq"])
        mapping.staleness = .init(lastListed: "2026-11-20T06:17:00Z")
        var edited = index
        edited.models[0].providers["groq"] = mapping
        let data = try edited.encoded(pretty: false)
        let text = String(decoding: data, as: UTF8.self)
        #expect(text.contains(#""status":"documented""#))
        #expect(text.contains(#""documented":{"date":"2026-12-05","source":"huggingface.co/inference/models"}"#))
        #expect(text.contains(#""stale":{"last_listed":"2026-11-20T06:17:00Z"}"#))
        #expect(try ModelIndex.decode(data, source: "round trip") == edited)
    }

    @Test func anIndexWithoutStatusReadsAsListedAndAStatusOfDocumentedIsKept() throws {
        let old = #"{"models": [{"canonical": "m", "providers": {"groq": {"model": "x"}, "mistral": {"model": "y", "status": "documented"}}}]}"#
        let index = try ModelIndex.decode(Data(old.utf8), source: "old")
        #expect(index.models[0].providers["groq"]?.status == .listed)
        #expect(index.models[0].providers["mistral"]?.status == .documented, "leaving the note out does not promote a route")
        let bad = #"{"models": [{"canonical": "m", "providers": {"groq": {"model": "x", "status": "trusted"}}}]}"#
        #expect(throws: IndexError.self) { try ModelIndex.decode(Data(bad.utf8), source: "bad") }
    }

    @Test func theSeedNamesABadDocumentedField() throws {
        let undated = """
            models:
              - canonical: m
                providers:
                  mistral: {model: x, documented: {source: docs.mistral.ai}}
            """
        #expect(throws: SeedError(file: "seed.yaml", entry: "m", field: "providers.mistral.documented.date", message: "missing; must be a non-empty string")) {
            try self.seed(undated)
        }
        let badDate = undated.replacingOccurrences(of: "{source: docs.mistral.ai}", with: "{source: docs.mistral.ai, date: last week}")
        #expect(throws: SeedError(file: "seed.yaml", entry: "m", field: "providers.mistral.documented.date", message: "must be a date written YYYY-MM-DD, got 'last week'")) {
            try self.seed(badDate)
        }
    }

    /// `debug-models` says which routes are documented, listed or verified.
    @Test func debugModelsShowsTheStatus() throws {
        var index = try build([.groq]).index
        index.models[0].providers["groq"]?.verification = .init(at: "2026-12-05T00:00:00Z", latencyMilliseconds: 120)
        let environment = ["GROQ_API_KEY": "gsk_TEST", "HUGGINGFACE_API_TOKEN": "hf_TEST"]
        let report = ModelsReport.make(index: index, source: nil, options: .init(requiredProviders: []), environment: environment)
        let model = try #require(report.models.first { $0.canonical == "llama-3.3-70b" })
        #expect(model.providers["huggingface"]?.status == .documented)
        #expect(model.providers["huggingface"]?.usable == true, "documentation vouches for a route no listing names")
        #expect(model.providers["huggingface"]?.listedFree == false)
        #expect(model.providers["groq"]?.status == .verified)
        let table = report.table()
        #expect(table.contains("STATUS"))
        #expect(table.split(separator: "\n").contains { $0.contains("huggingface") && $0.contains("documented") && $0.contains("yes") })
        let json = try report.json()
        #expect(json.contains(#""status": "documented""#))
        #expect(json.contains("verified"))
    }
}
