#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
public import Hummingbird
import HummingbirdCore
import HTTPTypes
public import NIOCore
public import LLMRouterCore
import LLMRouterProviders
public import Logging
public import Prometheus
import Metrics

/// Assembles the HTTP application from a routing table: the one place that wires routes,
/// middleware and shared state together.
public struct RouterApplication: Sendable {
    public typealias Context = RouterRequestContext

    public let tables: RoutingTableStore
    public let health: ProviderHealth<ContinuousClock>
    public let settings: ServerSettings
    /// Rendered at `GET /metrics`; `nil` leaves the route out.
    public let metrics: PrometheusCollectorRegistry?
    /// The access keys; none means every route is open. A reload swaps them.
    public let keys: AccessKeyStore
    /// Each key's spending against its limits. Also a ``RequestRecorder``: give it every
    /// finished request so tokens are charged to the key that used them.
    public let keyQuota: KeyQuota<ContinuousClock>
    /// What `POST /admin/reload` runs; set by the server once it can reload.
    public let reloadHook: ReloadHook

    public init(
        table: RoutingTable,
        settings: ServerSettings,
        metrics: PrometheusCollectorRegistry? = nil,
        redactor: SecretRedactor = .init(),
        keys: AccessKeys = AccessKeys()
    ) {
        self.tables = RoutingTableStore(table)
        self.health = ProviderHealth(providers: table.healthEntries, clock: ContinuousClock(), redactor: redactor)
        self.settings = settings
        self.metrics = metrics
        self.keys = AccessKeyStore(keys)
        self.keyQuota = KeyQuota(clock: ContinuousClock())
        self.reloadHook = ReloadHook()
    }

    /// Swaps in a new routing table without dropping requests; providers whose settings did not
    /// change keep their health.
    public func replaceTable(with table: RoutingTable) {
        health.replaceProviders(table.healthEntries)
        tables.replace(with: table)
    }

    public func buildRouter() -> Router<Context> {
        let router = Router(context: Context.self)
        router.add(middleware: RequestIDMiddleware())
        router.add(middleware: OpenAIErrorMiddleware())
        router.add(middleware: MetricsMiddleware())
        router.add(middleware: AccessKeyMiddleware(keys: keys, quota: keyQuota))
        AdminRoutes(hook: reloadHook).register(on: router)
        HealthRoutes(tables: tables, health: health).register(on: router)
        ModelRoutes(tables: tables, created: Int(Date().timeIntervalSince1970)).register(on: router)
        let service = ChatService(
            tables: tables,
            health: health,
            settings: .init(
                defaultModel: settings.defaultModel,
                requestDeadline: settings.requestDeadline,
                streamKeepAlive: settings.streamKeepAlive
            ),
            metrics: metrics.map { PrometheusMetricsFactory(registry: $0) } ?? MetricsSystem.factory
        )
        ChatRoutes(service: service, maxBodyBytes: settings.maxBodyBytes).register(on: router)
        if let metrics {
            router.get("/metrics") { _, _ in
                Response(
                    status: .ok,
                    headers: [.contentType: "text/plain; version=0.0.4"],
                    body: .init(byteBuffer: ByteBuffer(bytes: metrics.emitToBuffer()))
                )
            }
        }
        return router
    }

    /// The Hummingbird application, listening where ``settings`` says.
    public func buildApplication(
        logger: Logger,
        onServerRunning: @escaping @Sendable (any Channel) async -> Void = { _ in }
    ) -> some ApplicationProtocol {
        Application(
            router: buildRouter(),
            server: .guardedHTTP1(limits: settings.connections),
            configuration: .init(
                address: .hostname(settings.host, port: settings.port),
                serverName: "llmrouter",
                availableConnectionsDelegate: MaximumAvailableConnections(settings.connections.maxConnections, logger: logger)
            ),
            onServerRunning: onServerRunning,
            logger: logger
        )
    }
}
