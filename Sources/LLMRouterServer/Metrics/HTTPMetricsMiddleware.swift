import HTTPTypes
import LLMRouterCore
public import Hummingbird
public import Metrics
import Synchronization

/// Hummingbird's request metrics, under the same names and dimensions (`hb_requests`,
/// `hb_request_errors`, `http_server_request_duration`, `http_server_active_requests`), and
/// `llmrouter_requests_in_flight`, the chat requests from arrival until their answer is written
/// (a stream until its last event); all without wrapping a complete answer's body.
///
/// Hummingbird's own `MetricsMiddleware` wraps every body to time its write. A wrapped body loses
/// Hummingbird's single-write fast path: the head is flushed on its own, then the body, so a
/// proxied answer costs two syscalls and two TCP segments instead of one. Here a complete answer
/// is counted when the handler returns it and a stream when its last event is written.
public struct HTTPMetricsMiddleware<Context: RequestContext>: RouterMiddleware {
    public static var inFlightMetricName: String { "llmrouter_requests_in_flight" }
    private let instruments: Instruments
    private let chatInFlight: Meter

    public init(factory: any MetricsFactory = MetricsSystem.factory) {
        instruments = Instruments(factory: factory)
        chatInFlight = Meter(label: Self.inFlightMetricName, dimensions: [], factory: factory)
    }

    public func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let start = ContinuousClock.now
        let active = instruments.active(request.method)
        let inFlight = Self.isChatCompletions(request.head.path ?? "") ? chatInFlight : nil
        active.increment()
        inFlight?.increment()
        let response: Response
        do {
            response = try await next(request, context)
        } catch {
            let status = (error as? any HTTPResponseError)?.status ?? .internalServerError
            let endpoint = instruments.endpoint(Endpoint(path: context.endpointPath ?? "NotFound", method: request.method, status: status))
            endpoint.requests.increment()
            endpoint.errors.increment()
            active.decrement()
            inFlight?.decrement()
            throw error
        }
        let endpoint = instruments.endpoint(Endpoint(path: context.endpointPath ?? "Unknown", method: request.method, status: response.status))
        return response.onceWritten {
            endpoint.requests.increment()
            endpoint.duration.recordNanoseconds(start.duration(to: .now).nanoseconds)
            active.decrement()
            inFlight?.decrement()
        }
    }

    /// Whether the request target is `/v1/chat/completions` or `/chat/completions`: read from
    /// the raw target's bytes, since building the parsed path costs more than the check.
    static func isChatCompletions(_ target: String) -> Bool {
        let bytes = target.utf8
        let path = bytes[..<(bytes.firstIndex(of: UInt8(ascii: "?")) ?? bytes.endIndex)]
        return path.elementsEqual("/v1/chat/completions".utf8) || path.elementsEqual("/chat/completions".utf8)
    }

    struct Endpoint: Hashable {
        let path: String
        let method: HTTPRequest.Method
        let status: HTTPResponse.Status

        var dimensions: [(String, String)] {
            [("http.route", path), ("http.request.method", method.rawValue), ("http.response.status_code", String(status.code))]
        }
    }

    struct EndpointInstruments: Sendable {
        let requests: Counter
        let errors: Counter
        let duration: Timer
    }

    /// Each label set's instruments, made once: a trip through the metrics factory per request
    /// costs more than the request's own bookkeeping.
    final class Instruments: Sendable {
        private let factory: any MetricsFactory
        private let activeByMethod = Mutex<[HTTPRequest.Method: Meter]>([:])
        private let byEndpoint = Mutex<[Endpoint: EndpointInstruments]>([:])

        init(factory: any MetricsFactory) {
            self.factory = factory
        }

        func active(_ method: HTTPRequest.Method) -> Meter {
            activeByMethod.withLock { meters in
                if let meter = meters[method] { return meter }
                let meter = Meter(label: "http.server.active_requests", dimensions: [("http.request.method", method.rawValue)], factory: factory)
                meters[method] = meter
                return meter
            }
        }

        func endpoint(_ endpoint: Endpoint) -> EndpointInstruments {
            byEndpoint.withLock { known in
                if let instruments = known[endpoint] { return instruments }
                let dimensions = endpoint.dimensions
                let instruments = EndpointInstruments(
                    requests: Counter(label: "hb.requests", dimensions: dimensions, factory: factory),
                    errors: Counter(
                        label: "hb.request.errors",
                        dimensions: [dimensions[0], dimensions[1], ("error.type", dimensions[2].1)],
                        factory: factory
                    ),
                    duration: Timer(label: "http.server.request.duration", dimensions: dimensions, preferredDisplayUnit: .seconds, factory: factory)
                )
                known[endpoint] = instruments
                return instruments
            }
        }
    }
}

extension Response {
    /// This response, with `done` run once it is written: now for a complete answer, after the
    /// last event for a stream. Only a stream's body is wrapped, because a wrapped body loses
    /// Hummingbird's single-write fast path for a complete one.
    func onceWritten(_ done: @escaping @Sendable () -> Void) -> Response {
        guard headers.firstValue(.contentType)?.hasPrefix("text/event-stream") == true else {
            done()
            return self
        }
        var wrapped = self
        let body = self.body
        wrapped.body = ResponseBody { writer in
            defer { done() }
            try await body.write(writer)
        }
        return wrapped
    }
}
