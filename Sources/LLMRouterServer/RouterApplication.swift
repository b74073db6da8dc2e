#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
public import Hummingbird
public import HummingbirdCore
import HTTPTypes
public import NIOCore
public import LLMRouterCore
import LLMRouterProviders
public import Logging
public import Prometheus
import Metrics

/// Assembles the HTTP application from a routing table: the one place that wires routes,
/// middleware and shared state together.
/// Generic over the clock that times everything on the request path (admission, cool-downs,
/// waits, deadlines, keep-alives), so tests run it on a mock clock; the server uses
/// `ContinuousClock`.
public struct RouterApplication<AppClock: Clock>: Sendable where AppClock.Duration == Duration {
    public typealias Context = RouterRequestContext

    public let tables: RoutingTableStore
    /// Every route's breaker, cool-downs and quota.
    public let state: ProviderState<AppClock>
    public let settings: ServerSettings
    /// Rendered at `GET /metrics`; `nil` leaves the route out.
    public let metrics: PrometheusCollectorRegistry?
    /// Receives every finished chat request's record (usage log, metrics); `nil` for none.
    public let recorder: (any RequestRecorder)?
    /// The access keys; none means every route is open. A reload swaps them.
    public let keys: AccessKeyStore
    /// Each key's spending against its limits. Also a ``RequestRecorder``: give it every
    /// finished request so tokens are charged to the key that used them.
    public let keyQuota: KeyQuota<AppClock>
    /// What `POST /admin/reload` runs; set by the server once it can reload.
    public let reloadHook: ReloadHook
    /// The last hour of requests in memory, behind the dashboard.
    public let recent: RecentRequests
    /// Recent Responses answers, for `previous_response_id`.
    let responseStore: ResponseStore<AppClock>
    /// The response cache; `nil` when it is off.
    public let responseCache: ResponseCache?
    /// Routing hooks in code, tried after `routing.rules` in every table, reloads included.
    public let codeRules: [any RequestRule]

    /// - Parameter rules: the team's own ``RequestRule``s, tried after `routing.rules` (see
    ///   README, "Routing rules"); they stay through reloads and catalog refreshes.
    public init(
        table: RoutingTable,
        settings: ServerSettings,
        metrics: PrometheusCollectorRegistry? = nil,
        redactor: SecretRedactor = .init(),
        recorder: (any RequestRecorder)? = nil,
        keys: AccessKeys = AccessKeys(),
        cache: ResponseCache? = nil,
        rules: [any RequestRule] = [],
        clock: AppClock
    ) {
        let table = table.adding(rules: rules)
        self.codeRules = rules
        self.tables = RoutingTableStore(table)
        self.state = ProviderState(routes: table.specs, clock: clock, redactor: redactor)
        self.settings = settings
        self.metrics = metrics
        self.recorder = recorder
        self.keys = AccessKeyStore(keys)
        self.keyQuota = KeyQuota(clock: clock)
        self.reloadHook = ReloadHook()
        self.recent = RecentRequests()
        self.responseStore = ResponseStore(clock: clock)
        self.responseCache = cache.flatMap { $0.settings.isEnabled ? $0 : nil }
    }

    /// Swaps in a new routing table without dropping requests; routes whose settings did not
    /// change keep their health, cool-downs and quota counts.
    public func replaceTable(with table: RoutingTable) {
        state.replaceRoutes(table.specs)
        tables.replace(with: table.adding(rules: codeRules))
    }

    public func buildRouter() -> Router<Context> {
        let router = Router(context: Context.self)
        let metricsFactory = metrics.map(MetricsBootstrap.factory(registry:)) ?? MetricsSystem.factory
        router.add(middleware: RequestIDMiddleware())
        router.add(middleware: OpenAIErrorMiddleware())
        router.add(middleware: HTTPMetricsMiddleware(factory: metricsFactory))
        router.add(middleware: AccessKeyMiddleware(keys: keys, quota: keyQuota))
        AdminRoutes(hook: reloadHook, cache: responseCache).register(on: router)
        HealthRoutes(tables: tables, state: state).register(on: router)
        ModelRoutes(tables: tables, created: Int(Date().timeIntervalSince1970)).register(on: router)
        let service = RouterService(
            tables: tables,
            router: RequestRouter(
                state: state,
                clock: state.clock,
                metrics: metricsFactory,
                // Every finished request goes to: the key quota (charges each key its tokens),
                // the dashboard's last hour, the request metrics, and the usage log if on.
                recorder: RequestRecorders(
                    [keyQuota, recent, RequestMetricsRecorder(factory: metricsFactory)] + (recorder.map { [$0] } ?? [])
                ),
                cache: responseCache
            ),
            settings: .init(
                defaultModel: settings.defaultModel,
                requestDeadline: settings.requestDeadline,
                streamKeepAlive: settings.streamKeepAlive,
                maxBodyBytes: settings.maxBodyBytes
            )
        )
        ExplainRoutes(service: service, keys: keys).register(on: router)
        ChatRoutes(service: service).register(on: router)
        EmbeddingsRoutes(service: service).register(on: router)
        AnthropicMessagesRoutes(service: service).register(on: router)
        ResponsesRoutes(service: service, store: responseStore).register(on: router)
        DashboardRoutes(recent: recent).register(on: router)
        if let metrics {
            let gauges = RouteStateGauges(registry: metrics)
            let tables = self.tables
            let state = self.state
            let requestRouter = service.router
            router.get("/metrics") { _, _ in
                gauges.update(table: tables.current, state: state)
                gauges.updateSpend(requestRouter.spentToday())
                return Response(
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

    /// HTTP/1.1 with llmrouter's connection handlers (timeouts, 100-continue, a client that
    /// leaves cancels its request), with default limits; for tests that build their own app.
    public static var httpServer: HTTPServerBuilder {
        .guardedHTTP1(limits: ConnectionLimits())
    }
}

extension RouterApplication where AppClock == ContinuousClock {
    /// The application on the real clock, as the server runs it.
    public init(
        table: RoutingTable,
        settings: ServerSettings,
        metrics: PrometheusCollectorRegistry? = nil,
        redactor: SecretRedactor = .init(),
        recorder: (any RequestRecorder)? = nil,
        keys: AccessKeys = AccessKeys(),
        cache: ResponseCache? = nil,
        rules: [any RequestRule] = []
    ) {
        self.init(
            table: table, settings: settings, metrics: metrics, redactor: redactor, recorder: recorder, keys: keys, cache: cache,
            rules: rules, clock: ContinuousClock()
        )
    }
}
