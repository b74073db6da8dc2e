#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
public import Hummingbird
import NIOCore
import HTTPTypes
public import LLMRouterCore
import LLMRouterProviders

/// `GET /`, `GET /health` (cheap liveness for load balancers) and `GET /health/providers`
/// (each route's breaker, cool-down, limits and statistics).
public struct HealthRoutes<Context: RequestContext, AppClock: Clock>: Sendable where AppClock.Duration == Duration {
    public let tables: RoutingTableStore
    public let state: ProviderState<AppClock>
    private let started = ContinuousClock.now

    public init(tables: RoutingTableStore, state: ProviderState<AppClock>) {
        self.tables = tables
        self.state = state
    }

    public func register(on router: Router<Context>) {
        router.get("/") { _, _ in self.liveness() }
        router.get("/health") { _, _ in self.liveness() }
        router.get("/health/providers") { _, _ in
            let encoder = JSONEncoder()
            encoder.dateEncodingStrategy = .iso8601
            encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
            let body = try encoder.encode(self.providers())
            return Response(status: .ok, headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(bytes: body)))
        }
    }

    func liveness() -> Liveness {
        let entries = tables.current.routes
        return Liveness(
            providers: entries.count,
            enabledProviders: entries.filter(\.isEnabled).count,
            uptimeSeconds: (ContinuousClock.now - started).seconds.rounded()
        )
    }

    func providers() -> ProviderHealthList {
        ProviderHealthList(
            providers: tables.current.routes.map { entry in
                let provider = entry.configuration
                return ProviderHealthList.Item(
                    name: provider.name,
                    type: provider.kind.rawValue,
                    priority: provider.priority,
                    model: provider.model,
                    canonicalModel: provider.canonicalModel,
                    status: entry.disabledReason.map { "disabled: \($0)" } ?? "enabled",
                    health: state.snapshot(provider.name)
                )
            }
        )
    }
}

struct Liveness: ResponseEncodable, Sendable {
    var status = "ok"
    var providers: Int
    var enabledProviders: Int
    var uptimeSeconds: Double

    enum CodingKeys: String, CodingKey {
        case status, providers
        case enabledProviders = "enabled_providers"
        case uptimeSeconds = "uptime_seconds"
    }
}

struct ProviderHealthList: Encodable, Sendable {
    struct Item: Encodable, Sendable {
        var name: String
        var type: String
        var priority: Int
        var model: String?
        var canonicalModel: String?
        /// `enabled`, or `disabled: <reason>`.
        var status: String
        var health: ProviderHealthSnapshot?

        enum CodingKeys: String, CodingKey {
            case name, type, priority, model, status
            case canonicalModel = "canonical_model"
        }

        /// The health snapshot's fields sit beside the provider's own, as one flat object.
        func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(name, forKey: .name)
            try container.encode(type, forKey: .type)
            try container.encode(priority, forKey: .priority)
            try container.encode(model, forKey: .model)
            try container.encode(canonicalModel, forKey: .canonicalModel)
            try container.encode(status, forKey: .status)
            try health?.encode(to: encoder)
        }
    }

    var providers: [Item]
}
