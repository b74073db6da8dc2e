import HTTPTypes
public import Hummingbird
public import Metrics

/// Counts chat requests in flight in `llmrouter_requests_in_flight`: from arrival until the
/// answer is written, a stream until its last event.
public struct InFlightMiddleware<Context: RequestContext>: RouterMiddleware {
    public static var metricName: String { "llmrouter_requests_in_flight" }
    private let gauge: Meter

    public init(factory: any MetricsFactory = MetricsSystem.factory) {
        gauge = Meter(label: Self.metricName, dimensions: [], factory: factory)
    }

    public func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        guard request.uri.path.hasSuffix("/chat/completions") else { return try await next(request, context) }
        let gauge = self.gauge
        gauge.increment()
        let response: Response
        do {
            response = try await next(request, context)
        } catch {
            gauge.decrement()
            throw error
        }
        return response.onceWritten { gauge.decrement() }
    }
}
