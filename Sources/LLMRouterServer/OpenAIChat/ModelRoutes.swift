import Foundation
public import Hummingbird
import NIOCore
import HTTPTypes
import LLMRouterCore
import LLMRouterProviders

/// `GET /v1/models`: the OpenAI model list, plus each model's aliases, providers, kind, and the
/// `tier` and `quality` rank the catalog (or the YAML) gives it.
///
/// Provider details are limited to name, type and upstream model id: never keys or header values.
public struct ModelRoutes<Context: RequestContext>: Sendable {
    public let tables: RoutingTableStore
    /// Reported as every model's `created`: when this router started.
    public let created: Int

    public init(tables: RoutingTableStore, created: Int) {
        self.tables = tables
        self.created = created
    }

    public func register(on router: Router<Context>) {
        router.get("/v1/models") { _, _ in self.list() }
        // Ids have slashes (`meta-llama/llama-3.3-70b-instruct`), and the OpenAI SDK sends them
        // percent-encoded (`meta-llama%2Fllama-3.3-70b-instruct`): take every segment.
        router.get("/v1/models/**") { _, context in
            let id = Self.modelID(fromSegments: context.parameters.getCatchAll())
            guard let model = self.model(named: id) else { throw OpenAIError.modelNotFound(id) }
            return model
        }
    }

    /// The model id a `/v1/models/…` path names: its segments joined by `/`, percent-decoded.
    static func modelID(fromSegments segments: [Substring]) -> String {
        let joined = segments.joined(separator: "/")
        return joined.removingPercentEncoding ?? joined
    }

    /// The listed model `name` resolves to as chat resolves it: by id, alias or upstream model id.
    func model(named name: String) -> ModelList.Model? {
        let models = list().data
        let key = ModelName.normalize(name)
        if let exact = models.first(where: { ModelName.normalize($0.id) == key || $0.aliases.contains { ModelName.normalize($0) == key } }) {
            return exact
        }
        let table = tables.current
        guard case .providers(let indices) = table.resolver.resolve(name) else { return nil }
        // A wildcard provider serves any name, but that does not make the name a listed model.
        let named = Set(indices.filter { table.routes[$0].configuration.publicModelName != nil })
        guard let listed = table.resolver.listedModels.first(where: { !named.isDisjoint(with: $0.providers) }) else { return nil }
        return models.first { $0.id == listed.id }
    }

    func list() -> ModelList {
        let table = tables.current
        let entries = table.routes
        func reference(_ index: Int) -> ModelList.Model.ProviderReference {
            let provider = entries[index].configuration
            return .init(name: provider.name, type: provider.kind.rawValue, model: provider.model, enabled: entries[index].isEnabled)
        }
        func kind(_ providers: [Int]) -> String {
            providers.first.map { entries[$0].configuration.routeKind.rawValue } ?? RouteKind.chat.rawValue
        }
        var models = [
            ModelList.Model(
                id: "auto",
                created: created,
                aliases: [],
                kind: RouteKind.chat.rawValue,
                providers: entries.indices.filter { entries[$0].configuration.routeKind == .chat }.map(reference)
            )
        ]
        for listed in table.resolver.listedModels {
            var model = ModelList.Model(
                id: listed.id, created: created, aliases: listed.aliases, kind: kind(listed.providers), providers: listed.providers.map(reference)
            )
            // The first route (file order) that ranks the model speaks for it; YAML may set it per provider.
            let ranked = listed.providers.map { entries[$0].configuration }
            model.tier = ranked.lazy.compactMap(\.tier).first?.rawValue
            model.quality = ranked.lazy.compactMap(\.quality).first
            models.append(model)
        }
        return ModelList(data: models)
    }
}

struct ModelList: ResponseEncodable, Sendable {
    struct Model: ResponseEncodable, Sendable {
        struct ProviderReference: Codable, Sendable {
            var name: String
            var type: String
            var model: String?
            var enabled: Bool
        }

        var id: String
        var object = "model"
        var created: Int
        var ownedBy = "llmrouter"
        var aliases: [String]
        /// `chat` or `embeddings`: which endpoint serves the model.
        var kind: String
        var providers: [ProviderReference]
        /// What the model is best used for (`simple`, `general`, `code`, ...); absent when unknown.
        var tier: String?
        /// A rough quality rank, 1 to 100; absent when unknown.
        var quality: Int?

        enum CodingKeys: String, CodingKey {
            case id, object, created, aliases, kind, providers, tier, quality
            case ownedBy = "owned_by"
        }
    }

    var object = "list"
    var data: [Model]
}
