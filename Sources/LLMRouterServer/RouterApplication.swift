#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
public import Hummingbird
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
    /// Gets every finished request's record besides the app's own metrics and dashboard feed
    /// (the usage log). Defaults to `nil`.
    public let recorder: (any RequestRecorder)?
    /// The last hour of requests in memory, behind the dashboard.
    public let recent: RecentRequests

    public init(
        table: RoutingTable,
        settings: ServerSettings,
        metrics: PrometheusCollectorRegistry? = nil,
        redactor: SecretRedactor = .init(),
        recorder: (any RequestRecorder)? = nil
    ) {
        self.tables = RoutingTableStore(table)
        self.health = ProviderHealth(providers: table.healthEntries, clock: ContinuousClock(), redactor: redactor)
        self.settings = settings
        self.metrics = metrics
        self.recorder = recorder
        self.recent = RecentRequests()
    }

    /// Swaps in a new routing table without dropping requests; providers whose settings did not
    /// change keep their health.
    public func replaceTable(with table: RoutingTable) {
        health.replaceProviders(table.healthEntries)
        tables.replace(with: table)
    }

    public func buildRouter() -> Router<Context> {
        let router = Router(context: Context.self)
        let metricsFactory = metrics.map(MetricsBootstrap.factory(registry:)) ?? MetricsSystem.factory
        router.add(middleware: RequestIDMiddleware())
        router.add(middleware: OpenAIErrorMiddleware())
        router.add(middleware: MetricsMiddleware())
        router.add(middleware: InFlightMiddleware(factory: metricsFactory))
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
            metrics: metricsFactory,
            recorder: RequestRecorders([recent, RequestMetricsRecorder(factory: metricsFactory)] + (recorder.map { [$0] } ?? []))
        )
        ChatRoutes(service: service, maxBodyBytes: settings.maxBodyBytes).register(on: router)
        DashboardRoutes(recent: recent).register(on: router)
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
            configuration: .init(address: .hostname(settings.host, port: settings.port), serverName: "llmrouter"),
            onServerRunning: onServerRunning,
            logger: logger
        )
    }
}

/// Gives every response an `X-Request-Id` (the client's, or Hummingbird's own id) so a client
/// report can be matched to the server's log lines.
struct RequestIDMiddleware<Context: RequestContext>: RouterMiddleware {
    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let id = request.headers[.requestID] ?? context.id
        do {
            var response = try await next(request, context)
            response.headers[.requestID] = id
            return response
        } catch let error as OpenAIError {
            var error = error
            error.headers[.requestID] = id
            throw error
        }
    }
}

extension HTTPField.Name {
    static let requestID = Self("X-Request-Id")!
}
