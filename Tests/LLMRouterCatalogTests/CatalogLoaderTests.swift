import Foundation
import InMemoryLogging
import LLMRouterCatalog
import LLMRouterCore
import Logging
import Testing

/// The startup chain with each source broken in turn: URL → cache → bundled → echo default.
struct CatalogLoaderTests {
    let quiet = Logger(label: "test", factory: { _ in SwiftLogNoOpLogHandler() })

    /// A small valid index whose one model names `tag`, so tests can tell sources apart.
    static func index(_ tag: String) -> String {
        """
        {"schema_version": 1, "providers": ["groq"],
         "models": [{"canonical": "\(tag)", "providers": {"groq": {"model": "openai/gpt-oss-20b"}}}],
         "provider_catalogs": {"groq": ["openai/gpt-oss-20b"]}}
        """
    }

    /// Serves `body` at any URL with `status`, or fails like an unreachable host when `body` is nil.
    static func fetcher(status: Int = 200, body: String?) -> ClosureHTTPFetcher {
        ClosureHTTPFetcher { _, _, _ throws(FetchError) in
            guard let body else { throw FetchError(.transport, message: "connection refused") }
            return FetchedResponse(status: status, body: Data(body.utf8))
        }
    }

    struct Sources {
        let scratch: ScratchDirectory
        var cache: String { scratch.path("cache/model_index.json") }
        var bundled: String { scratch.path("generated/model_index.json") }

        init(cache: String?, bundled: String?) throws {
            scratch = try ScratchDirectory()
            if let cache { _ = try scratch.write(cache, to: "cache/model_index.json") }
            if let bundled { _ = try scratch.write(bundled, to: "generated/model_index.json") }
        }

        func loader(url: String?, fetcher: (any HTTPFetcher)?) -> CatalogLoader {
            CatalogLoader(configuration: .init(indexLocation: url, cacheFile: cache, bundledFile: bundled), fetcher: fetcher)
        }
    }

    @Test func urlWinsAndRefreshesTheCache() async throws {
        let sources = try Sources(cache: Self.index("from-cache"), bundled: Self.index("from-bundle"))
        defer { sources.scratch.remove() }
        let logs = InMemoryLogHandler()
        let result = await sources.loader(url: "https://example.invalid/index.json?token=abc", fetcher: Self.fetcher(body: Self.index("from-url")))
            .load(logger: Logger(label: "test", factory: { _ in logs }))
        #expect(result.source?.kind == .url)
        #expect(result.index?.models.first?.canonical == "from-url")
        #expect(result.failures.isEmpty)
        let cached = try ModelIndex.decode(try Data(contentsOf: URL(fileURLWithPath: sources.cache)), source: "cache")
        #expect(cached.models.first?.canonical == "from-url")
        // The log names the winner, without the URL's query.
        let winner = try #require(logs.entries.first { $0.message == "model catalog loaded" })
        #expect(winner.metadata["source"] == "url")
        #expect(winner.metadata["location"] == "https://example.invalid/index.json")
    }

    @Test func unreachableURLFallsBackToTheCache() async throws {
        let sources = try Sources(cache: Self.index("from-cache"), bundled: Self.index("from-bundle"))
        defer { sources.scratch.remove() }
        let result = await sources.loader(url: "https://example.invalid/index.json", fetcher: Self.fetcher(body: nil)).load(logger: quiet)
        #expect(result.source == CatalogSource(kind: .cache, location: sources.cache))
        #expect(result.index?.models.first?.canonical == "from-cache")
        #expect(result.failures.map(\.source.kind) == [.url])
        #expect(result.failures.first?.error.kind == .unavailable)
    }

    @Test func malformedOrFailedDownloadsFallBackAndLeaveTheCacheAlone() async throws {
        for fetcher in [Self.fetcher(body: "{\"models\": 3}"), Self.fetcher(status: 404, body: "not found")] {
            let sources = try Sources(cache: Self.index("from-cache"), bundled: nil)
            defer { sources.scratch.remove() }
            let result = await sources.loader(url: "http://example.invalid/i.json", fetcher: fetcher).load(logger: quiet)
            #expect(result.source?.kind == .cache)
            #expect(try String(contentsOfFile: sources.cache, encoding: .utf8) == Self.index("from-cache"))
        }
    }

    @Test func malformedCacheFallsBackToTheBundledFile() async throws {
        let sources = try Sources(cache: "{\"models\": [", bundled: Self.index("from-bundle"))
        defer { sources.scratch.remove() }
        let result = await sources.loader(url: "https://example.invalid/i.json", fetcher: Self.fetcher(body: nil)).load(logger: quiet)
        #expect(result.source?.kind == .bundled)
        #expect(result.index?.models.first?.canonical == "from-bundle")
        #expect(result.failures.map(\.source.kind) == [.url, .cache])
        #expect(result.failures.last?.error.kind == .malformedJSON)
    }

    @Test func nothingLoadsWhenTheBundledFileIsMissingToo() async throws {
        let sources = try Sources(cache: nil, bundled: nil)
        defer { sources.scratch.remove() }
        let result = await sources.loader(url: "https://example.invalid/i.json", fetcher: Self.fetcher(body: nil)).load(logger: quiet)
        #expect(result.index == nil)
        #expect(result.source == nil)
        #expect(result.failures.map(\.source.kind) == [.url, .cache, .bundled])
        #expect(result.failures.map(\.error.kind) == [.unavailable, .unavailable, .unavailable])
    }

    @Test func aFilePathIsReadDirectly() async throws {
        let sources = try Sources(cache: Self.index("from-cache"), bundled: nil)
        defer { sources.scratch.remove() }
        let path = try sources.scratch.write(Self.index("from-file"), to: "custom.json")
        let result = await sources.loader(url: path, fetcher: nil).load(logger: quiet)
        #expect(result.source == CatalogSource(kind: .file, location: path))
        let viaFileURL = await sources.loader(url: "file://" + path, fetcher: nil).load(logger: quiet)
        #expect(viaFileURL.index?.models.first?.canonical == "from-file")
    }

    @Test func configurationFromEnvironment() {
        typealias Configuration = CatalogLoader.Configuration
        #expect(Configuration.cacheFile(environment: ["LLMROUTER_CACHE_DIR": "/c", "HOME": "/h"]) == "/c/model_index.json")
        #expect(Configuration.cacheFile(environment: ["XDG_CACHE_HOME": "/x", "HOME": "/h"]) == "/x/llmrouter/model_index.json")
        #expect(Configuration.cacheFile(environment: ["HOME": "/h"]) == "/h/.cache/llmrouter/model_index.json")
        #expect(Configuration.cacheFile(environment: [:]) == nil)
        let configuration = Configuration(environment: ["LLMROUTER_MODEL_INDEX_URL": " https://x/i.json "])
        #expect(configuration.indexLocation == "https://x/i.json")
        #expect(configuration.bundled == .embedded)
        #expect(Configuration(environment: ["LLMROUTER_MODEL_INDEX_URL": ""]).indexLocation == nil)
        #expect(CatalogSource(kind: .url, location: "https://user:pw@host/p/i.json?t=1").displayLocation == "https://host/p/i.json")
    }

    @Test func startupFallsBackToTheEmbeddedEchoDefault() async throws {
        let scratch = try ScratchDirectory()
        defer { scratch.remove() }
        let nothing = await CatalogStartup.resolve(
            environment: ["LLMROUTER_CACHE_DIR": scratch.path("cache")], bundled: .file(scratch.path("missing.json")),
            fetcher: nil, logger: quiet
        )
        #expect(nothing.usesEmbeddedDefault)
        #expect(nothing.configuration == .embeddedDefault)
        #expect(nothing.loadFailures.count == 2)

        // A loaded index with no key set at all also starts on echo, and says why.
        let noKeys = await CatalogStartup.resolve(
            environment: ["LLMROUTER_CACHE_DIR": scratch.path("cache"), "LLMROUTER_PROVIDERS": "groq"],
            bundled: .file(try scratch.write(Self.index("m"), to: "bundled.json")), fetcher: nil, logger: quiet
        )
        #expect(noKeys.usesEmbeddedDefault)
        #expect(noKeys.source?.kind == .bundled)
        #expect(noKeys.providers?.disabledProviders.count == 1)

        let ready = await CatalogStartup.resolve(
            environment: ["LLMROUTER_CACHE_DIR": scratch.path("cache"), "LLMROUTER_PROVIDERS": "groq", "GROQ_API_KEY": "gsk_TESTKEY0123456789"],
            bundled: .file(scratch.path("bundled.json")), fetcher: nil, logger: quiet
        )
        #expect(!ready.usesEmbeddedDefault)
        #expect(ready.configuration.providers.map(\.name) == ["groq/m"])
    }

    @Test func theCommittedBundledIndexLoads() throws {
        let result = CatalogLoader.readFile(CatalogSource(kind: .bundled, location: Fixtures.bundledIndexPath))
        let index = try result.get()
        #expect(index.schemaVersion == ModelIndex.currentSchemaVersion)
        #expect(index.entry(named: "gpt-oss-20b") != nil)
    }

    static func dated(_ tag: String, _ generatedAt: String?) -> String {
        let stamp = generatedAt.map { #""generated_at": "\#($0)", "# } ?? ""
        return #"{\#(stamp)"providers": ["groq"], "models": [{"canonical": "\#(tag)", "providers": {"groq": {"model": "x"}}}]}"#
    }

    /// The newer of cache and bundled wins, by generated_at; the log says why the other lost.
    @Test func newestOfCacheAndBundledWins() async throws {
        let older = "2026-01-01T00:00:00Z", newer = "2026-11-22T00:33:01Z"
        let cases: [(cache: String?, bundled: String?, winner: String)] = [
            (older, newer, "from-bundle"),  // the bug: an old cache beat a newer bundled index
            (newer, older, "from-cache"),
            (nil, older, "from-bundle"),  // an undated index counts as the oldest
            (newer, newer, "from-cache"),  // a tie keeps the download
        ]
        for (cacheDate, bundledDate, winner) in cases {
            let sources = try Sources(cache: Self.dated("from-cache", cacheDate), bundled: Self.dated("from-bundle", bundledDate))
            defer { sources.scratch.remove() }
            let logs = InMemoryLogHandler()
            let result = await sources.loader(url: nil, fetcher: nil).load(logger: Logger(label: "test", factory: { _ in logs }))
            #expect(result.index?.models.first?.canonical == winner, "cache \(cacheDate ?? "undated") vs bundled \(bundledDate ?? "undated")")
            #expect(result.passedOver.count == 1)
            #expect(result.passedOver.first?.reason.hasPrefix("older") == true)
            let line = try #require(logs.entries.first { $0.message == "model catalog loaded" })
            #expect(line.metadata["not_used"]?.description.contains("older") == true)
        }
    }

    /// Without any file, the copy compiled into the binary loads: the server finds its catalog
    /// from any working directory.
    @Test func theEmbeddedIndexLoadsWithoutAnyFile() async throws {
        let scratch = try ScratchDirectory()
        defer { scratch.remove() }
        let result = await CatalogLoader(configuration: .init(cacheFile: scratch.path("none.json")), fetcher: nil).load(logger: quiet)
        #expect(result.source == CatalogSource(kind: .bundled, location: EmbeddedModelIndex.location))
        #expect(result.index == (try ModelIndex.decode(Data(contentsOf: URL(fileURLWithPath: Fixtures.bundledIndexPath)), source: "x")))
    }
}
