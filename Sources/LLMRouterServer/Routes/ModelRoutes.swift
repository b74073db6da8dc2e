public import Hummingbird
import NIOCore
import HTTPTypes
import LLMRouterCore
import LLMRouterProviders

/// `GET /v1/models`: the OpenAI model list, plus each model's aliases and providers.
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
        router.get("/v1/models/{id}") { _, context in
            let id = try context.parameters.require("id")
            guard let model = self.list().data.first(where: { ModelName.normalize($0.id) == ModelName.normalize(id) }) else {
                throw OpenAIError.modelNotFound(id)
            }
            return model
        }
    }

    func list() -> ModelList {
        let table = tables.current
        let entries = table.routes
        func reference(_ index: Int) -> ModelList.Model.ProviderReference {
            let provider = entries[index].configuration
            return .init(name: provider.name, type: provider.kind.rawValue, model: provider.model, enabled: entries[index].isEnabled)
        }
        var models = [
            ModelList.Model(
                id: "auto",
                created: created,
                aliases: [],
                providers: entries.indices.map(reference)
            )
        ]
        for listed in table.resolver.listedModels {
            models.append(.init(id: listed.id, created: created, aliases: listed.aliases, providers: listed.providers.map(reference)))
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
        var providers: [ProviderReference]

        enum CodingKeys: String, CodingKey {
            case id, object, created, aliases, providers
            case ownedBy = "owned_by"
        }
    }

    var object = "list"
    var data: [Model]
}
