import Foundation
import LLMRouterCatalog
import LLMRouterCore
import Logging
import Testing

/// The committed `generated/model_index.json` is exactly what `catalog-build --pretty` makes from
/// the newest captures and the committed seed, except `generated_at`
/// (regenerate with `scripts/regenerate-bundled-index.sh`).
struct BundledIndexTests {
    @Test func committedIndexIsWhatTheBuildProduces() async throws {
        let committed = try Data(contentsOf: URL(fileURLWithPath: Fixtures.bundledIndexPath))
        let generatedAt = try #require(try ModelIndex.decode(committed, source: "committed").generatedAt)
        let stamp = try Date(generatedAt, strategy: .iso8601)

        let scratch = try ScratchDirectory()
        defer { scratch.remove() }
        let output = scratch.path("model_index.json")
        let fake = FixtureFetcher(files: Fixtures.bundled)
        let job = CatalogBuildJob(
            options: .init(providers: Fixtures.bundledProviders, seedPath: Fixtures.seedPath, outputPath: output, pretty: true),
            environment: FixtureFetcher.environment(Fixtures.bundledProviders), probe: ModelsProbe(fetcher: fake.fetcher), now: { stamp }
        )
        _ = try await job.run(logger: Logger(label: "test", factory: { _ in SwiftLogNoOpLogHandler() }))
        let rebuilt = try Data(contentsOf: URL(fileURLWithPath: output))
        #expect(
            rebuilt == committed,
            "generated/model_index.json is stale: run scripts/regenerate-bundled-index.sh and commit the result"
        )
    }

    @Test func committedIndexIsSortedAndIndented() throws {
        let text = try String(contentsOfFile: Fixtures.bundledIndexPath, encoding: .utf8)
        #expect(text.hasPrefix("{\n  \"generated_at\": "))
        #expect(text.hasSuffix("  \"schema_version\": 3\n}\n"))
        let index = try ModelIndex.decode(Data(text.utf8), source: "committed")
        for (provider, ids) in index.providerCatalogs {
            #expect(ids == ids.sorted(), "provider_catalogs.\(provider) is not sorted")
        }
    }

    /// The copy compiled into the binaries is the committed file, byte for byte
    /// (regenerate with `scripts/embed-bundled-index.sh`).
    @Test func embeddedCopyIsTheCommittedFile() throws {
        let committed = try Data(contentsOf: URL(fileURLWithPath: Fixtures.bundledIndexPath))
        #expect(
            EmbeddedModelIndex.data == committed,
            "EmbeddedModelIndex.swift is stale: run scripts/embed-bundled-index.sh and commit the result"
        )
    }
}
