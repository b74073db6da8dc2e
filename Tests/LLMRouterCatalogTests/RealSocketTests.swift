import AsyncHTTPClient
import Foundation
import LLMRouterCatalog
import LLMRouterCore
import Logging
import Testing

/// The probe and the loading chain over real sockets: AsyncHTTPClient against a fake upstream on 127.0.0.1.
struct RealSocketTests {
    let quiet = Logger(label: "test", factory: { _ in SwiftLogNoOpLogHandler() })

    @Test func probeListsRetriesAndTimesOutOverHTTP() async throws {
        let routes: [String: [FakeUpstream.Answer]] = [
            FakeUpstream.modelsPath(.groq): [.status(429, body: #"{"error":"slow down"}"#), .fixture("groq-models.json")],
            FakeUpstream.modelsPath(.openrouter): [.delayed(.seconds(1), body: "{}")],
            FakeUpstream.modelsPath(.nvidiaNIM): [.status(200, body: "{\"data\": [")],
        ]
        let quiet = self.quiet
        try await FakeUpstream.withServer(routes) { port in
            let environment = Fixtures.keys.merging(FakeUpstream.baseURLs(port: port)) { _, url in url }
            try await HTTPClient.withHTTPClient { client in
                let probe = ModelsProbe(
                    fetcher: AsyncHTTPFetcher(client: client),
                    configuration: .init(timeout: .milliseconds(300), maximumAttempts: 2, backoff: .init(initial: .milliseconds(10))),
                    jitter: { 0 }
                )
                let endpoints = try [ProviderKind.groq, .openrouter, .nvidiaNIM].map {
                    try ProviderEndpoint.resolve($0, environment: environment)
                }
                let results = await probe.listings(for: endpoints, logger: quiet)
                #expect((try? results[.groq]?.get())?.freeIDs.count == 12)
                guard case .failure(let timeout)? = results[.openrouter], case .failure(let malformed)? = results[.nvidiaNIM] else {
                    Issue.record("openrouter and nvidia_nim should have failed")
                    return
                }
                #expect(timeout.kind == .timeout)
                #expect(malformed.kind == .malformedListing)
            }
        }
    }

    @Test func indexDownloadedFromURLIsCachedThenUsedWhenTheURLDies() async throws {
        let scratch = try ScratchDirectory()
        defer { scratch.remove() }
        let cache = scratch.path("cache/model_index.json")
        let bundled = try scratch.write(CatalogLoaderTests.index("from-bundle"), to: "bundled.json")
        let routes: [String: [FakeUpstream.Answer]] = [
            "/index.json": [.status(200, body: CatalogLoaderTests.index("from-url"))],
            "/broken.json": [.status(200, body: "{\"models\": [{\"canonical\": 1}]}")],
        ]
        let quiet = self.quiet
        let port = try await FakeUpstream.withServer(routes) { port in
            try await HTTPClient.withHTTPClient { client in
                let fetcher = AsyncHTTPFetcher(client: client)
                func load(_ path: String) async -> CatalogLoadResult {
                    await CatalogLoader(
                        configuration: .init(indexLocation: "http://127.0.0.1:\(port)\(path)", cacheFile: cache, bundledFile: bundled,
                                             downloadTimeout: .seconds(2)),
                        fetcher: fetcher
                    ).load(logger: quiet)
                }
                let fromURL = await load("/index.json")
                #expect(fromURL.source?.kind == .url)
                #expect(fromURL.index?.models.first?.canonical == "from-url")
                // A malformed download falls through to the cache of the good one.
                let broken = await load("/broken.json")
                #expect(broken.source?.kind == .cache)
                #expect(broken.failures.first?.error.field == "models[0].canonical")
                #expect(broken.index?.models.first?.canonical == "from-url")
            }
            return port
        }
        // The server is gone now: connection refused, so the cache answers.
        try await HTTPClient.withHTTPClient { client in
            let result = await CatalogLoader(
                configuration: .init(indexLocation: "http://127.0.0.1:\(port)/index.json", cacheFile: cache, bundledFile: bundled,
                                     downloadTimeout: .seconds(2)),
                fetcher: AsyncHTTPFetcher(client: client)
            ).load(logger: quiet)
            #expect(result.source?.kind == .cache)
            #expect(result.failures.first?.error.kind == .unavailable)
        }
    }
}
