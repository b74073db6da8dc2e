import Foundation
import LLMRouterCatalog
import LLMRouterCore
import Testing

struct CatalogTagsTests {
    @Test func catalogRoutesAreTaggedFreeAndWithTheirVendor() throws {
        let index = try ModelIndex.decode(Data(contentsOf: URL(fileURLWithPath: Fixtures.bundledIndexPath)), source: "bundled")
        let environment = ["GROQ_API_KEY": "gsk_TEST", "CEREBRAS_API_KEY": "csk_TEST"]
        let providers = index.providerConfigurations(selection: .anyKeyed, environment: environment).providers
        let groq = try #require(providers.first { $0.name == "groq/gpt-oss-120b" })
        #expect(groq.tags == ["free", "groq"])
        #expect(RouteSelector("tag:groq").matches(groq) && RouteSelector("tag:free").matches(groq))
        let cerebras = providers.filter { $0.kind == .cerebras }
        #expect(!cerebras.isEmpty)
        #expect(cerebras.allSatisfy { $0.tags == ["free", "cerebras"] })
    }
}

extension CatalogTagsTests {
    @Test func paidRoutesAreTaggedPaid() throws {
        let index = ModelIndex(providers: ["groq", "openrouter"], models: [
            .init(canonical: "b", providers: ["groq": .init(model: "b"), "openrouter": .init(model: "x/b", allowPaid: true, paid: true)]),
        ])
        let providers = index.providerConfigurations(selection: .all(["groq", "openrouter"]), environment: Fixtures.keys).providers
        #expect(providers.first { $0.name == "openrouter/b" }?.tags == ["paid", "openrouter"])
        #expect(providers.first { $0.name == "groq/b" }?.tags == ["free", "groq"])
    }
}
