@testable import LLMRouterCore
import Testing

/// `auto`'s model lists: derived from the routes' tier and quality, or named in `routing.auto`;
/// cut by what a request needs.
struct AutoRoutingTests {
    struct Spec {
        var name: String
        var model: String?
        var tier: ModelTier?
        var quality: Int?
        var enabled = true
        var kind: RouteKind = .chat
        var capabilities = RouteCapabilities()
    }

    static func route(_ spec: Spec) -> Route {
        let configuration = ProviderConfiguration(
            name: spec.name, kind: .groq, routeKind: spec.kind, model: spec.model.map { "up/\($0)" }, canonicalModel: spec.model,
            capabilities: spec.capabilities, tier: spec.tier, quality: spec.quality
        )
        let unused = ClosureProvider(
            complete: { _, _ in throw UpstreamFailure(kind: .badResponse, message: "not called") },
            stream: { _, _ in throw UpstreamFailure(kind: .badResponse, message: "not called") }
        )
        return Route(configuration: configuration, provider: spec.enabled ? unused : nil, disabledReason: spec.enabled ? nil : "missing KEY")
    }

    static func table(_ specs: [Spec], auto: AutoSettings = .init()) -> RoutingTable {
        var routing = RoutingConfiguration()
        routing.auto = auto
        return RoutingTable(routes: specs.map(route), routing: routing)
    }

    /// A catalog-like table: tiers and quality as the seed gives them.
    static let catalog: [Spec] = [
        Spec(name: "groq-8b", model: "llama-3.1-8b", tier: .simple, quality: 17),
        Spec(name: "groq-70b", model: "llama-3.3-70b", tier: .general, quality: 28),
        Spec(name: "nim-70b", model: "llama-3.3-70b"),
        Spec(name: "gemini-flash", model: "gemini-2.5-flash", tier: .general, quality: 54),
        Spec(name: "gemini-lite", model: "gemini-2.5-flash-lite", tier: .simple, quality: 40),
        Spec(name: "groq-kimi", model: "kimi-k2", tier: .code, quality: 50),
        Spec(name: "mistral-codestral", model: "codestral", tier: .code, quality: 28),
        Spec(name: "mistral-devstral", model: "devstral", tier: .code, quality: 42, enabled: false),
        Spec(name: "groq-oss", model: "gpt-oss-120b", tier: .reasoning, quality: 58),
        Spec(name: "nim-r1", model: "deepseek-r1", tier: .reasoning, quality: 59, capabilities: RouteCapabilities(tools: false, contextLength: 32_000)),
        Spec(name: "groq-scout", model: "llama-4-scout", tier: .longContext, quality: 28, capabilities: RouteCapabilities(contextLength: 10_000_000)),
        Spec(name: "nim-bge", model: "bge-m3", tier: .embedding, quality: 50, kind: .embeddings),
        Spec(name: "untiered", model: "phi-x"),
    ]

    @Test func defaultsComeFromTiersBestQualityFirst() {
        let auto = Self.table(Self.catalog).auto
        #expect(auto.isActive)
        #expect(auto.models[.simple] == ["gemini-2.5-flash-lite", "llama-3.1-8b", "gemini-2.5-flash", "llama-3.3-70b"])
        #expect(auto.models[.default] == ["gemini-2.5-flash", "llama-3.3-70b"])
        // devstral has no enabled route; every tier falls back to `default`'s models after its own.
        #expect(auto.models[.code] == ["kimi-k2", "codestral", "gemini-2.5-flash", "llama-3.3-70b"])
        #expect(auto.models[.reasoning] == ["deepseek-r1", "gpt-oss-120b", "gemini-2.5-flash", "llama-3.3-70b"])
        #expect(auto.models[.longContext] == ["llama-4-scout", "gemini-2.5-flash", "llama-3.3-70b"])
        #expect(auto.unservedModels.isEmpty)
    }

    @Test func aModelTakesTheTierOfItsFirstRankedRoute() {
        // Route a carries no tier, b does: the model takes b's.
        let derived = AutoRoutingAndOrderTests.derived([Spec(name: "a", model: "m"), Spec(name: "b", model: "m", tier: .code, quality: 10)])
        #expect(derived[.code] == ["m"])
    }

    @Test func theFileNamesTheListsAndAliasesResolve() {
        var specs = Self.catalog
        specs.append(Spec(name: "wild"))
        let auto = Self.table(specs, auto: AutoSettings(models: [.code: ["codestral", "KIMI-K2", "no-such-model", "codestral"], .default: ["llama-3.3-70b"]])).auto
        #expect(auto.models[.code] == ["codestral", "kimi-k2", "llama-3.3-70b"])
        #expect(auto.models[.default] == ["llama-3.3-70b"])
        // Tiers the file leaves out are still derived.
        #expect(auto.models[.simple] == ["gemini-2.5-flash-lite", "llama-3.1-8b", "llama-3.3-70b"])
        #expect(auto.unservedModels == ["no-such-model"])
    }

    @Test func offOrWithoutTiersAutoServesEveryRoute() {
        #expect(!Self.table(Self.catalog, auto: AutoSettings(isEnabled: false)).auto.isActive)
        #expect(!Self.table([Spec(name: "a", model: "x"), Spec(name: "wild")]).auto.isActive)
    }

    @Test func needsCutTheModelsThatCannotServe() throws {
        let table = Self.table(Self.catalog)
        let plain = try #require(table.auto.choose(.reasoning, needs: RequestNeeds(estimatedPromptTokens: 100), routes: table.routes))
        #expect(plain.model == "deepseek-r1")
        // deepseek-r1's only route has no tools and a 32k window.
        let tools = try #require(table.auto.choose(.reasoning, needs: RequestNeeds(tools: true, estimatedPromptTokens: 100), routes: table.routes))
        #expect(tools.plan.models.map(\.name) == ["gpt-oss-120b", "gemini-2.5-flash", "llama-3.3-70b"])
        let long = try #require(table.auto.choose(.reasoning, needs: RequestNeeds(estimatedPromptTokens: 40_000), routes: table.routes))
        #expect(long.model == "gpt-oss-120b")
        #expect(!long.indices.contains(9))
    }

    @Test func nothingFittingLeavesTheRequestToEveryRoute() {
        let table = Self.table([Spec(name: "a", model: "x", tier: .simple, quality: 1, capabilities: RouteCapabilities(vision: false))])
        #expect(table.auto.choose(.simple, needs: RequestNeeds(vision: true), routes: table.routes) == nil)
    }

    @Test func aCascadeStartsOneTierCheaper() throws {
        let table = Self.table(Self.catalog)
        let needs = RequestNeeds(estimatedPromptTokens: 10)
        let code = try #require(table.auto.cascade(for: .code, needs: needs, routes: table.routes))
        #expect(code.first.plan.models.map(\.name) == ["gemini-2.5-flash", "llama-3.3-70b"])
        #expect(code.then.model == "kimi-k2")
        let simple = try #require(table.auto.cascade(for: .simple, needs: needs, routes: table.routes))
        #expect(simple.first.plan.models.map(\.name) == ["gemini-2.5-flash-lite", "llama-3.1-8b"])
        #expect(simple.then.plan.models.map(\.name) == ["gemini-2.5-flash", "llama-3.3-70b"])
        #expect(simple.first.tier == .simple && simple.then.tier == .simple)
        let general = try #require(table.auto.cascade(for: .default, needs: needs, routes: table.routes))
        #expect(general.first.model == "gemini-2.5-flash-lite" && general.then.model == "gemini-2.5-flash")
        // No cheaper model: no cascade.
        let onlyCode = Self.table([Spec(name: "k", model: "kimi-k2", tier: .code, quality: 50)])
        #expect(onlyCode.auto.cascade(for: .code, needs: needs, routes: onlyCode.routes) == nil)
    }
}

/// The order `auto` tries routes in: models in list order, the policy's order within each.
struct AutoRoutingAndOrderTests {
    static func derived(_ specs: [AutoRoutingTests.Spec]) -> [AutoTier: [String]] {
        AutoRouting.derivedModels(routes: specs.map(AutoRoutingTests.route))
    }

    @Test func groupsKeepThePolicyOrderInsideEachModel() throws {
        let table = AutoRoutingTests.table([
            .init(name: "a1", model: "a", tier: .general, quality: 10),
            .init(name: "b1", model: "b", tier: .general, quality: 20),
            .init(name: "a2", model: "a"),
            .init(name: "b2", model: "b"),
            .init(name: "wild"),
        ])
        let choice = try #require(table.auto.choose(.default, needs: .init(), routes: table.routes))
        #expect(choice.indices == [1, 3, 0, 2, 4])
        // A policy that put them in file order: b's routes come first, in that order, wildcard last.
        let byName = Dictionary(uniqueKeysWithValues: table.routes.map { ($0.name, $0) })
        let policyOrder = ["wild", "a2", "b2", "a1", "b1"].compactMap { byName[$0] }
        #expect(choice.plan.grouped(policyOrder).map(\.name) == ["b2", "b1", "a2", "a1", "wild"])
    }
}
