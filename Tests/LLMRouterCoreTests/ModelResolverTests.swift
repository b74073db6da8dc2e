@testable import LLMRouterCore
import Testing

struct ModelResolverTests {
    @Test(arguments: [
        ("Llama-3.3-70B", "llama-3.3-70b"),
        ("meta-llama/llama-3.3-70b-instruct:free", "meta-llama/llama-3.3-70b-instruct"),
        ("llama_3.3 70b", "llama-3.3-70b"),
        ("  LLAMA   3.3_70b:FREE ", "llama-3.3-70b"),
        ("auto", "auto"),
        ("gpt-4o-mini", "gpt-4o-mini"),
        ("qwen/qwen3-32b:free", "qwen/qwen3-32b"),
        ("_llama__3_", "llama-3"),
        ("tab\tname", "tab-name"),
        ("MÏSTRAL Small", "mïstral-small"),
        ("", ""),
    ])
    func normalizesNames(input: String, expected: String) {
        #expect(ModelName.normalize(input) == expected)
        // The normal form is a fixed point, whichever path computed it.
        #expect(ModelName.normalize(expected) == expected)
    }

    @Test(arguments: ["gpt-4o-mini", "meta-llama/llama-3.3-70b-instruct", "x:freer", "free", ""])
    func namesAlreadyNormalAreReturnedAsTheyAre(name: String) {
        #expect(ModelName.isNormal(name))
        #expect(ModelName.normalize(name) == name)
    }

    @Test(arguments: ["Gpt-4o", "a_b", "a b", "x:free", "é", "a\u{7F}"])
    func namesThatNeedWorkAreNotTakenAsNormal(name: String) {
        #expect(!ModelName.isNormal(name))
    }

    let providers = [
        ProviderConfiguration(name: "groq", kind: .groq, priority: 1, model: "llama-3.3-70b-versatile", canonicalModel: "llama-3.3-70b", aliases: ["llama3.3"]),
        ProviderConfiguration(name: "openrouter", kind: .openrouter, priority: 2, model: "meta-llama/llama-3.3-70b-instruct:free", canonicalModel: "llama-3.3-70b"),
        ProviderConfiguration(name: "qwen", kind: .groq, priority: 1, model: "qwen/qwen3-32b"),
    ]

    @Test func matchesCanonicalNamesAliasesAndUpstreamIds() {
        let resolver = ModelResolver(providers: providers)
        #expect(resolver.resolve("llama-3.3-70b") == .providers([0, 1]))
        #expect(resolver.resolve("Llama_3.3 70B:free") == .providers([0, 1]))
        #expect(resolver.resolve("LLAMA3.3") == .providers([0]))
        #expect(resolver.resolve("meta-llama/llama-3.3-70b-instruct") == .providers([1]))
        #expect(resolver.resolve("qwen/qwen3-32b") == .providers([2]))
    }

    @Test func autoOrNoModelMeansEveryProvider() {
        let resolver = ModelResolver(providers: providers)
        #expect(resolver.resolve(nil) == .providers([0, 1, 2]))
        #expect(resolver.resolve("auto") == .providers([0, 1, 2]))
        #expect(resolver.resolve("") == .providers([0, 1, 2]))
    }

    @Test func unknownModelWithoutWildcardIsReported() {
        let resolver = ModelResolver(providers: providers)
        #expect(resolver.resolve("gpt-9") == .unknownModel("gpt-9"))
    }

    @Test func wildcardProvidersServeAnyModel() {
        let resolver = ModelResolver(providers: providers + [ProviderConfiguration(name: "echo", kind: .echo)])
        #expect(resolver.resolve("gpt-9") == .providers([3]))
        #expect(resolver.resolve("llama3.3") == .providers([0, 3]))
    }

    @Test func listsEachModelOnceWithItsProvidersAndAliases() {
        let resolver = ModelResolver(providers: providers + [ProviderConfiguration(name: "echo", kind: .echo)])
        #expect(
            resolver.listedModels == [
                .init(id: "llama-3.3-70b", aliases: ["llama3.3"], providers: [0, 1]),
                .init(id: "qwen/qwen3-32b", aliases: [], providers: [2]),
            ]
        )
    }
}
