import AsyncHTTPClient
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import LLMRouterCatalog
import LLMRouterCore
import LLMRouterProviders
import LLMRouterServer
import LLMRouterTesting
import Logging
import Testing

/// Each of the eight providers' key variables alone, from an empty directory, serves that
/// provider's models from the compiled-in catalog: at least three chat models, and its embedding
/// models where it has any, each under the provider's own upstream id and at its API root.
struct EveryProviderOutOfTheBoxTests {
    static let httpClient = HTTPClient(eventLoopGroupProvider: .singleton, configuration: .upstream(connectTimeout: .seconds(1)))
    static let embeddingsReply = #"{"object":"list","data":[{"object":"embedding","index":0,"embedding":[0.5,0.25]}],"model":"m","usage":{"prompt_tokens":1,"total_tokens":1}}"#

    /// The embedding models each provider's free tier has in the compiled-in catalog.
    static let embedders: [ProviderKind: Set<String>] = [
        .nvidiaNIM: ["nv-embedqa-e5-v5", "llama-nemotron-embed-1b-v2", "bge-m3"],
        .mistral: ["mistral-embed", "codestral-embed"],
        .gemini: ["gemini-embedding-001"],
        .githubModels: ["text-embedding-3-small", "text-embedding-3-large"],
    ]

    @Test(arguments: ProviderKind.catalogKinds)
    func aKeyAloneServesItsProvidersModels(_ kind: ProviderKind) async throws {
        let vendor = Vendor.for(kind)
        let keyVariable = try #require(vendor.defaultAPIKeyVariable)
        let rootVariable = try #require(vendor.baseURLOverrideVariable)
        let upstream = try await FakeUpstream.start(defaultReply: .completion(content: "from \(kind.rawValue)"))
        upstream.route("/v1/embeddings", method: "POST", to: .json(body: Self.embeddingsReply))
        let cache = FileManager.default.temporaryDirectory.appendingPathComponent("llmrouter-every-\(UInt64.random(in: 0...UInt64.max))")
        let keyOnly = [keyVariable: "TEST-KEY-\(kind.rawValue)-0123456789", "LLMROUTER_CACHE_DIR": cache.path]
        let settings = ServerSettings(configPath: cache.appendingPathComponent("absent.yaml").path)
        let loaded = try await ConfigurationSource.loadDetailed(settings: settings, environment: keyOnly, fetcher: nil, logger: Logger(label: "t"))
        #expect(loaded.origin == .catalog(CatalogSource(kind: .bundled, location: EmbeddedModelIndex.location)))

        // The routes with this key: the catalog's upstream ids, at the vendor's own API root.
        let index = try #require(loaded.catalogIndex)
        let routes = loaded.configuration.providers.filter { $0.kind == kind }
        for route in routes {
            let canonical = try #require(route.canonicalModel)
            #expect(route.model == index.entry(named: canonical)?.providers[kind.rawValue]?.model, "\(route.name)")
            let endpoint = try UpstreamEndpoint.resolve(route, environment: keyOnly)
            #expect(endpoint.baseURL == vendor.defaultBaseURL, "\(route.name)")
            #expect(endpoint.apiKeyVariable == keyVariable)
        }
        let chat = routes.filter { $0.routeKind == .chat }
        #expect(chat.count >= 3, "\(kind.rawValue) serves \(chat.count) chat models")
        #expect(Set(routes.filter { $0.routeKind == .embeddings }.compactMap(\.canonicalModel)) == Self.embedders[kind] ?? [])

        // Served end to end, with *_BASE_URL pointing at the fake.
        var environment = keyOnly
        environment[rootVariable] = upstream.baseURL
        let factory = RemoteProviderFactory(environment: environment, httpClient: Self.httpClient)
        let table = RoutingTable(registry: ProviderRegistry(configuration: loaded.configuration, makeRemote: factory.make), routing: loaded.configuration.routing)
        let app = Application(router: RouterApplication(table: table, settings: settings).buildRouter(), server: RouterApplication<ContinuousClock>.httpServer)
        try await app.test(.router) { client in
            for route in chat.prefix(3) + routes.filter({ $0.routeKind == .embeddings }) {
                let canonical = route.canonicalModel ?? ""
                let response = route.routeKind == .chat
                    ? try await client.chat(model: canonical)
                    : try await client.embeddings(#"{"model":"\#(canonical)","input":"hello"}"#)
                #expect(response.status == .ok, "\(route.name)")
                #expect(response.headers[.provider] == route.name)
                let sent = try #require(upstream.lastRequest)
                #expect(sent.path == (route.routeKind == .chat ? "/v1/chat/completions" : "/v1/embeddings"))
                let body = try #require(try JSONSerialization.jsonObject(with: Data(sent.body)) as? [String: Any])
                #expect(body["model"] as? String == route.model, "\(route.name) sends its upstream id")
                #expect(sent.header("Authorization") == "Bearer TEST-KEY-\(kind.rawValue)-0123456789")
            }
        }
        try await upstream.shutdown()
    }
}
