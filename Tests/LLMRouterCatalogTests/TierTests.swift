import Foundation
import LLMRouterCatalog
import LLMRouterCore
import Testing

/// Every seed model has a tier and a sourced quality rank; the index carries them to the routes.
struct TierTests {
    private func seed(_ extra: String, kind: String = "") throws -> SeedLoader.Loaded {
        try SeedLoader().parse(yaml: "models:\n  - canonical: m\n\(kind)\(extra)    providers:\n      groq: {model: m}\n", file: "s.yaml")
    }

    @Test func everySeedModelHasATierAndASourcedQuality() throws {
        let seed = try Fixtures.seed()
        #expect(seed.entries.count == 39)
        for entry in seed.entries {
            #expect(entry.tier != nil, "\(entry.canonical) has no tier")
            #expect(entry.quality.map(ModelTier.qualityRange.contains) == true, "\(entry.canonical) has no quality rank")
            #expect(entry.qualitySource?.isEmpty == false, "\(entry.canonical) names no source")
            #expect((entry.tier == .embedding) == (entry.kind == .embeddings), "\(entry.canonical)")
        }
        let tiers = Set(seed.entries.compactMap(\.tier))
        #expect(tiers == Set(ModelTier.allTiers), "the seed uses every tier")
    }

    @Test func theSeedChecksTierAndQuality() throws {
        let loaded = try seed("    tier: Code\n    quality: 61\n    quality_source: \"model card\"\n")
        #expect(loaded.seed.entries[0].tier == .code)
        #expect(loaded.seed.entries[0].quality == 61)
        #expect(loaded.warnings.isEmpty)
        #expect(try seed("").warnings.map(\.message) == ["no tier; add one of simple, general, code, reasoning, long_context, embedding"])

        func field(_ extra: String, kind: String = "") -> String? {
            do {
                _ = try seed(extra, kind: kind)
                return nil
            } catch let error as SeedError {
                return "\(error.field ?? "-"): \(error.message)"
            } catch {
                return "\(error)"
            }
        }
        #expect(field("    tier: fast\n") == "tier: unknown tier 'fast'; expected one of simple, general, code, reasoning, long_context, embedding")
        #expect(field("    tier: embedding\n") == "tier: tier embedding goes with kind: embeddings, and only with it")
        #expect(field("    tier: general\n", kind: "    kind: embeddings\n") == "tier: tier embedding goes with kind: embeddings, and only with it")
        #expect(field("    tier: general\n    quality: 101\n    quality_source: x\n") == "quality: must be a rank from 1 to 100, got 101")
        #expect(field("    tier: general\n    quality: 50\n") == "quality_source: missing; name the leaderboard or model card the quality rank comes from")
    }

    @Test func theIndexCarriesTierAndQualityToTheRoutes() throws {
        let index = try ModelIndex.decode(Data(contentsOf: URL(fileURLWithPath: Fixtures.bundledIndexPath)), source: "bundled")
        let seeded = index.models.filter { !$0.autoMatched }
        #expect(seeded.allSatisfy { $0.tier != nil && $0.quality != nil })
        #expect(index.entry(named: "gpt-oss-120b")?.tier == .reasoning)
        #expect(index.entry(named: "gpt-oss-120b")?.quality == 58)
        #expect(index.entry(named: "bge-m3")?.tier == .embedding)

        let conversion = index.providerConfigurations(selection: .anyKeyed, environment: ["GROQ_API_KEY": "gsk_TEST"])
        let route = try #require(conversion.providers.first { $0.name == "groq/gpt-oss-120b" })
        #expect(route.tier == .reasoning)
        #expect(route.quality == 58)
    }

    /// Older indexes have no ranks; a downloaded index with a tier or rank this build does not
    /// know loses only that value.
    @Test func rankingIsOptionalAndLenient() throws {
        let text = #"""
            {"schema_version": 3, "models": [
             {"canonical": "a", "providers": {"groq": {"model": "a"}}},
             {"canonical": "b", "tier": "vision", "quality": 400, "providers": {"groq": {"model": "b"}}},
             {"canonical": "c", "tier": "long_context", "quality": 12, "providers": {"groq": {"model": "c"}}}]}
            """#
        let index = try ModelIndex.decode(Data(text.utf8), source: "t")
        #expect(index.models.map(\.tier) == [nil, nil, .longContext])
        #expect(index.models.map(\.quality) == [nil, nil, 12])
        let written = String(decoding: try index.encoded(pretty: false), as: UTF8.self)
        #expect(written.contains(#""quality":12"#) && written.contains(#""tier":"long_context""#))
        #expect(try ModelIndex.decode(index.encoded(pretty: false), source: "round trip") == index)
    }
}
