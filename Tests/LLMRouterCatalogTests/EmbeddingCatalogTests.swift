import Foundation
import InMemoryLogging
import LLMRouterCatalog
import LLMRouterCore
import Logging
import Testing

/// Embedding models through the catalog: index schema 3 (`kind`, `dimensions`), the seed, the
/// build and the routes the router is given.
struct EmbeddingCatalogTests {
    private func decode(_ json: String) throws -> ModelIndex {
        try ModelIndex.decode(Data(json.utf8), source: "index.json")
    }

    private static func index(entries: String, version: Int = 3) -> String {
        #"{"schema_version": \#(version), "providers": ["nvidia_nim"], "models": [\#(entries)]}"#
    }

    private static let chatEntry = #"{"canonical": "llama", "providers": {"nvidia_nim": {"model": "meta/llama"}}}"#

    // MARK: Index schema

    @Test func indexesWithoutKindLoadAsChat() throws {
        #expect(try decode(ModelIndexDecodingTests.pythonIndex).models.allSatisfy { $0.kind == .chat && $0.dimensions == nil })
        let version2 = try decode(Self.index(entries: Self.chatEntry, version: 2))
        #expect(version2.schemaVersion == 2)
        #expect(version2.models.first?.kind == .chat)
        #expect(version2.skippedEntries.isEmpty)
    }

    @Test func kindAndDimensionsRoundTripAndChatStaysUnwritten() throws {
        let index = ModelIndex(providers: ["nvidia_nim"], models: [
            .init(canonical: "llama", providers: ["nvidia_nim": .init(model: "meta/llama")]),
            .init(canonical: "bge-m3", providers: ["nvidia_nim": .init(model: "baai/bge-m3")], kind: .embeddings, dimensions: 1024),
        ])
        let data = try index.encoded(pretty: false)
        #expect(try ModelIndex.decode(data, source: "memory") == index)
        let text = String(decoding: data, as: UTF8.self)
        #expect(text.components(separatedBy: "\"kind\"").count == 2, "only the embedding entry writes its kind")
        #expect(text.contains(#""kind":"embeddings""#))
        #expect(text.contains(#""dimensions":1024"#))
        #expect(text.contains(#""schema_version":3"#))
    }

    /// A downloaded index may come from a newer builder or be hostile: an unknown or malformed
    /// kind drops only that entry, with an error naming the field, and never the whole index.
    @Test func anUnknownKindSkipsOnlyThatEntry() throws {
        let rerank = #"{"canonical": "rerank-qa", "kind": "rerank", "providers": {"nvidia_nim": {"model": "nvidia/rerank"}}}"#
        let number = #"{"canonical": "odd", "kind": 7, "providers": {"nvidia_nim": {"model": "x/odd"}}}"#
        let index = try decode(Self.index(entries: [Self.chatEntry, rerank, number].joined(separator: ",")))
        #expect(index.models.map(\.canonical) == ["llama"])
        #expect(index.skippedEntries.map(\.field) == ["models[1].kind", "models[2].kind"])
        let first = try #require(index.skippedEntries.first)
        #expect(first.description.contains("unknown kind 'rerank'"))
        #expect(first.description.contains("entry 'rerank-qa' skipped"))
        #expect(index.skippedEntries[1].message.contains("got a number"))
    }

    @Test func anIndexOfOnlyUnknownKindsIsRefused() {
        let rerank = #"{"canonical": "rerank-qa", "kind": "rerank", "providers": {"nvidia_nim": {"model": "nvidia/rerank"}}}"#
        let error = #expect(throws: IndexError.self) { try decode(Self.index(entries: rerank)) }
        #expect(error?.field == "models")
        #expect(error?.message.contains("unknown kind 'rerank'") == true)
    }

    @Test func dimensionsMustBePositiveAndSchemaFourIsRefused() {
        let zero = #"{"canonical": "e", "kind": "embeddings", "dimensions": 0, "providers": {"nvidia_nim": {"model": "x/e"}}}"#
        let error = #expect(throws: IndexError.self) { try decode(Self.index(entries: zero)) }
        #expect(error?.field == "models[0].dimensions")
        let newer = #expect(throws: IndexError.self) { try decode(Self.index(entries: Self.chatEntry, version: 4)) }
        #expect(newer?.kind == .unsupportedSchema)
    }

    @Test func theLoaderWarnsAboutSkippedEntries() async throws {
        let scratch = try ScratchDirectory()
        defer { scratch.remove() }
        let path = scratch.path("index.json")
        let rerank = #"{"canonical": "rerank-qa", "kind": "rerank", "providers": {"nvidia_nim": {"model": "nvidia/rerank"}}}"#
        try Data(Self.index(entries: [Self.chatEntry, rerank].joined(separator: ",")).utf8).write(to: URL(fileURLWithPath: path))
        let logs = InMemoryLogHandler()
        let loader = CatalogLoader(configuration: .init(indexLocation: path, bundledFile: nil), fetcher: nil)
        let result = await loader.load(logger: Logger(label: "t", factory: { _ in logs }))
        #expect(result.index?.models.count == 1)
        let warning = try #require(logs.entries.first { $0.level == .warning && $0.message.description == "catalog entry skipped" })
        #expect(warning.metadata["reason"]?.description.contains("models[1].kind") == true)
    }

    // MARK: Seed and build

    @Test func committedSeedEmbeddingEntriesCarryKindAndDimensions() throws {
        let seed = try Fixtures.seed()
        let embedders = seed.entries.filter { $0.kind == .embeddings }
        #expect(embedders.map(\.canonical) == [
            "nv-embedqa-e5-v5", "llama-nemotron-embed-1b-v2", "llama-3.2-nv-embedqa-1b-v2", "bge-m3", "mistral-embed",
            "codestral-embed", "gemini-embedding-001", "text-embedding-3-small", "text-embedding-3-large",
        ])
        let dimensions = Dictionary(uniqueKeysWithValues: embedders.map { ($0.canonical, $0.dimensions) })
        #expect(dimensions["nv-embedqa-e5-v5"] == 1024)
        #expect(dimensions["mistral-embed"] == 1024)
        #expect(dimensions["text-embedding-3-small"] == 1536)
        #expect(seed.entries.first { $0.canonical == "llama-3.3-70b" }?.kind == .chat)
    }

    @Test func seedKindAndDimensionsAreChecked() {
        let loader = SeedLoader()
        func seed(_ extra: String) -> String {
            "models:\n  - canonical: e\n\(extra)    providers:\n      nvidia_nim: {model: x/e}\n"
        }
        let unknown = #expect(throws: SeedError.self) { try loader.parse(yaml: seed("    kind: rerank\n"), file: "s.yaml") }
        #expect(unknown?.field == "kind")
        let chatWithDimensions = #expect(throws: SeedError.self) { try loader.parse(yaml: seed("    dimensions: 8\n"), file: "s.yaml") }
        #expect(chatWithDimensions?.field == "dimensions")
        #expect((try? loader.parse(yaml: seed("    kind: Embeddings\n    dimensions: 8\n"), file: "s.yaml"))?.seed.entries.first?.dimensions == 8)
    }

    /// Built from the real captures of all four embedding vendors, every seeded embedder is
    /// published with its kind and dimensions; the one NIM no longer lists is dropped.
    @Test func seededEmbeddersArePublishedFromTheCaptures() throws {
        let files: [ProviderKind: String] = [
            .nvidiaNIM: "nvidia-nim-models-2026-06.json", .mistral: "mistral-models.json",
            .gemini: "gemini-models-native.json", .githubModels: "github-models-catalog.json",
        ]
        let builder = CatalogBuilder(options: .init(providers: [.nvidiaNIM, .mistral, .gemini, .githubModels]))
        let outcome = builder.build(seed: try Fixtures.seed(), listings: try Fixtures.listings(files), generatedAt: nil)
        let published = outcome.index.models.filter { $0.kind == .embeddings && !$0.autoMatched }.map(\.canonical)
        #expect(published == [
            "nv-embedqa-e5-v5", "llama-nemotron-embed-1b-v2", "bge-m3", "mistral-embed", "codestral-embed",
            "gemini-embedding-001", "text-embedding-3-small", "text-embedding-3-large",
        ])
        #expect(outcome.index.entry(named: "gemini-embedding-001")?.dimensions == 3072)
        #expect(outcome.index.entry(named: "text-embedding-3-small")?.providers["github_models"]?.limits?.requestsPerDay == 150)
        #expect(outcome.drops.contains { $0.canonical == "llama-3.2-nv-embedqa-1b-v2" && $0.reason == .notListed })
    }

    @Test func aSeedEntryOfAnotherKindThanTheListingIsDropped() throws {
        let seed = try SeedLoader().parse(yaml: """
            models:
              - canonical: mislabelled
                providers:
                  nvidia_nim: {model: baai/bge-m3}
            """, file: "s.yaml").seed
        let listings = try Fixtures.listings([.nvidiaNIM: "nvidia-nim-models-2026-06.json"])
        let outcome = CatalogBuilder(options: .init(providers: [.nvidiaNIM], autoMatch: false)).build(seed: seed, listings: listings, generatedAt: nil)
        #expect(outcome.index.models.isEmpty)
        let drop = try #require(outcome.drops.first { $0.provider == .nvidiaNIM })
        #expect(drop.reason == .otherKind(listed: .embeddings, seeded: .chat))
        #expect(drop.description.contains("listed as kind embeddings, but the seed entry is kind chat"))
    }

    // MARK: Routes and report

    @Test func catalogRoutesCarryTheirKind() throws {
        let index = try ModelIndex.decode(Data(contentsOf: URL(fileURLWithPath: Fixtures.bundledIndexPath)), source: "bundled")
        let result = index.providerConfigurations(selection: .anyKeyed, environment: ["NVIDIA_NIM_KEY": "nvapi-TEST.KEY.nim.0123"])
        let embedder = try #require(result.providers.first { $0.name == "nvidia_nim/nv-embedqa-e5-v5" })
        #expect(embedder.routeKind == .embeddings)
        #expect(embedder.model == "nvidia/nv-embedqa-e5-v5")
        #expect(result.providers.first { $0.name == "nvidia_nim/gpt-oss-20b" }?.routeKind == .chat)
        #expect(result.enabledModels.contains("bge-m3"))
    }

    @Test func debugModelsShowsTheKind() throws {
        let index = try ModelIndex.decode(Data(contentsOf: URL(fileURLWithPath: Fixtures.bundledIndexPath)), source: "bundled")
        let report = ModelsReport.make(index: index, source: nil, options: .init(requiredProviders: [], limit: nil), environment: Fixtures.keys)
        let bge = try #require(report.models.first { $0.canonical == "bge-m3" })
        #expect(bge.kind == .embeddings)
        #expect(bge.dimensions == 1024)
        #expect(bge.servedBy == ["nvidia_nim"])
        let json = try report.json()
        #expect(json.contains(#""kind": "embeddings""#))
        #expect(json.contains(#""kind": "chat""#))
        #expect(json.contains(#""dimensions": 1024"#))
        #expect(report.table().contains("embeddings/1024"))
    }
}
