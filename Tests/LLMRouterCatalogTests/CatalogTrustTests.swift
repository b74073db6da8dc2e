import Foundation
import InMemoryLogging
import LLMRouterCatalog
import LLMRouterCore
import Logging
import Synchronization
import Testing

/// A downloaded catalog cannot redirect keys; signatures guard downloads when a key is configured.
struct CatalogTrustTests {
    let quiet = Logger(label: "test", factory: { _ in SwiftLogNoOpLogHandler() })
    static let groqKey = "gsk_TEST.KEY.trust.0123456789"

    /// An index whose routes each try one way to leak a key, and one honest route.
    static let hostileIndex = """
        {"schema_version": 2, "generated_at": "2030-01-01T00:00:00Z", "providers": ["groq", "openai"], "models": [
          {"canonical": "foreign-host", "providers": {"groq": {"model": "m1", "base_url": "https://evil.example/v1"}}},
          {"canonical": "lookalike-host", "providers": {"groq": {"model": "m2", "base_url": "https://api.groq.com.evil.example/openai/v1"}}},
          {"canonical": "plain-http", "providers": {"groq": {"model": "m3", "base_url": "http://api.groq.com/openai/v1"}}},
          {"canonical": "home-variable", "providers": {"groq": {"model": "m4", "api_key_env": "HOME"}}},
          {"canonical": "auth-header", "providers": {"groq": {"model": "m5", "extra_headers": {"authorization": "Bearer x"}}}},
          {"canonical": "cookie-header", "providers": {"groq": {"model": "m6", "extra_headers": {"Cookie": "a=b"}}}},
          {"canonical": "openai-anywhere", "providers": {"openai": {"model": "m7", "base_url": "https://evil.example/v1", "api_key_env": "GROQ_API_KEY"}}},
          {"canonical": "honest", "providers": {"groq": {"model": "m8", "base_url": "https://api.groq.com/openai/v1", "api_key_env": "GROQ_API_KEY"}}}
        ]}
        """

    @Test func aDownloadedIndexSendsNoKeyAnywhereElse() async throws {
        let scratch = try ScratchDirectory()
        defer { scratch.remove() }
        let fetcher = ClosureHTTPFetcher { _, _, _ throws(FetchError) in FetchedResponse(status: 200, body: Data(Self.hostileIndex.utf8)) }
        let logs = InMemoryLogHandler()
        let startup = await CatalogStartup.resolve(
            environment: [
                "LLMROUTER_MODEL_INDEX_URL": "https://catalog.example/index.json", "LLMROUTER_CACHE_DIR": scratch.path("cache"),
                "GROQ_API_KEY": Self.groqKey, "HOME": "/home/secret",
            ],
            bundled: .none, fetcher: fetcher, logger: Logger(label: "test", factory: { _ in logs })
        )
        #expect(startup.source?.kind == .url)
        // Only the honest route is configured; it keeps the official host and the Groq key.
        #expect(startup.configuration.providers.map(\.name) == ["groq/honest"])
        for provider in startup.configuration.providers {
            #expect(provider.baseURL == nil || provider.baseURL == "https://api.groq.com/openai/v1")
            #expect(provider.apiKeyVariable == "GROQ_API_KEY")
            #expect(provider.extraHeaders.isEmpty)
        }
        let refused = Dictionary(uniqueKeysWithValues: (startup.providers?.disabledProviders ?? []).map { ($0.name, $0.reason) })
        #expect(refused["groq/foreign-host"]?.contains("base_url is not https://api.groq.com") == true)
        #expect(refused["groq/lookalike-host"] != nil)
        #expect(refused["groq/plain-http"] != nil)
        #expect(refused["groq/home-variable"]?.contains("api_key_env HOME is not a groq key variable") == true)
        #expect(refused["groq/auth-header"]?.contains("may not set authorization") == true)
        #expect(refused["groq/cookie-header"] != nil)
        #expect(refused["openai/openai-anywhere"] != nil)
        #expect(logs.entries.contains { $0.message == "catalog route ignored" && $0.level == .warning })

        // The cache holds the same download and is just as untrusted.
        let fromCache = await CatalogStartup.resolve(
            environment: ["LLMROUTER_CACHE_DIR": scratch.path("cache"), "GROQ_API_KEY": Self.groqKey],
            bundled: .none, fetcher: nil, logger: quiet
        )
        #expect(fromCache.source?.kind == .cache)
        #expect(fromCache.configuration.providers.map(\.name) == ["groq/honest"])
    }

    @Test func trustSettingsAndLocalFiles() throws {
        let index = try ModelIndex.decode(Data(Self.hostileIndex.utf8), source: "hostile.json")
        let environment = ["GROQ_API_KEY": Self.groqKey, "HOME": "/home/secret"]
        // A local file is trusted as a config file is.
        let local = index.providerConfigurations(selection: .anyKeyed, environment: environment, trust: .local)
        #expect(local.providers.contains { $0.name == "groq/foreign-host" })
        // LLMROUTER_CATALOG_TRUST_URLS=1 allows hosts, never foreign key variables or auth headers.
        let trusting = CatalogTrust(source: CatalogSource(kind: .url, location: "https://x"), environment: ["LLMROUTER_CATALOG_TRUST_URLS": "1"])
        let relaxed = index.providerConfigurations(selection: .anyKeyed, environment: environment, trust: trusting)
        let names = Set(relaxed.providers.map(\.name))
        #expect(names.contains("groq/foreign-host"))
        #expect(!names.contains("groq/home-variable"))
        #expect(!names.contains("groq/auth-header"))
    }

    // MARK: Signatures

    final class Served: Sendable {
        let files: Mutex<[String: Data]>
        init(_ files: [String: Data]) { self.files = Mutex(files) }
        var fetcher: ClosureHTTPFetcher {
            ClosureHTTPFetcher { [self] url, _, _ throws(FetchError) in
                guard let body = files.withLock({ $0[url] }) else { return FetchedResponse(status: 404, body: Data()) }
                return FetchedResponse(status: 200, body: body)
            }
        }
    }

    static func index(_ tag: String) -> Data {
        Data(#"{"schema_version": 2, "providers": ["groq"], "models": [{"canonical": "\#(tag)", "providers": {"groq": {"model": "x"}}}]}"#.utf8)
    }

    @Test func signaturesAcceptedRejectedAndMissing() async throws {
        let scratch = try ScratchDirectory()
        defer { scratch.remove() }
        let key = CatalogSigningKey()
        let publicKey = try CatalogPublicKey(base64: key.publicKeyBase64)
        let url = "https://catalog.example/index.json"
        let cache = scratch.path("cache/model_index.json")
        let good = Self.index("signed")
        let served = Served([url: good, url + ".sig": try key.signature(for: good)])
        func load() async -> CatalogLoadResult {
            await CatalogLoader(
                configuration: .init(indexLocation: url, cacheFile: cache, bundled: .none, publicKey: publicKey), fetcher: served.fetcher
            ).load(logger: quiet)
        }
        let accepted = await load()
        #expect(accepted.source?.kind == .url)
        #expect(FileManager.default.fileExists(atPath: cache + ".sig"), "the signature is cached with the index")

        // A tampered download is refused and the last good one (the cache) is kept.
        served.files.withLock { $0[url] = Self.index("tampered") }
        let tampered = await load()
        #expect(tampered.failures.first?.error.kind == .untrusted)
        #expect(tampered.failures.first?.error.message.contains("does not match") == true)
        #expect(tampered.source?.kind == .cache)
        #expect(tampered.index?.models.first?.canonical == "signed")

        // An unsigned download is refused too.
        served.files.withLock { $0[url + ".sig"] = nil }
        let unsigned = await load()
        #expect(unsigned.failures.first?.error.message.contains("no signature") == true)
        #expect(unsigned.index?.models.first?.canonical == "signed")

        // A signature by another key does not count.
        let other = CatalogSigningKey()
        served.files.withLock { $0[url] = good; $0[url + ".sig"] = try? other.signature(for: good) }
        #expect(await load().failures.first?.error.kind == .untrusted)

        // Without a configured key, downloads load as before.
        let open = await CatalogLoader(configuration: .init(indexLocation: url, cacheFile: nil, bundled: .none), fetcher: served.fetcher).load(logger: quiet)
        #expect(open.source?.kind == .url)
    }

    @Test func keyFormatsAreCheckedWithClearMessages() throws {
        #expect(throws: CatalogKeyError.self) { try CatalogPublicKey(base64: "not base64!") }
        let key = CatalogSigningKey()
        #expect(try CatalogPublicKey.fromEnvironment(["LLMROUTER_CATALOG_PUBLIC_KEY": key.publicKeyBase64]) != nil)
        #expect(try CatalogPublicKey.fromEnvironment([:]) == nil)
        let scratch = try ScratchDirectory()
        defer { scratch.remove() }
        let path = try scratch.write(key.base64, to: "signing.key")
        let reread = try CatalogSigningKey(contentsOf: path)
        #expect(reread.publicKeyBase64 == key.publicKeyBase64)
        let bad = try scratch.write("short\n", to: "bad.key")
        #expect(throws: CatalogKeyError.self) { try CatalogSigningKey(contentsOf: bad) }
        #expect(CatalogSignature.url(for: "https://h/i.json?t=1") == "https://h/i.json.sig?t=1")
    }
}
