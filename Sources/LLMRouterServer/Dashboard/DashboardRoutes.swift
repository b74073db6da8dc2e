#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
public import Hummingbird
import LLMRouterCore
import NIOCore

/// `GET /dashboard`, one self-contained page (no CDN: its script and charts are inline), and the
/// JSON it reads besides `/health/providers` and `/v1/models`:
/// - `GET /dashboard/api/summary`: per-minute requests, errors, failovers, latency, time to
///   first token and rule hits / `auto` tiers for the last hour, with request rate, error and
///   failover rates, requests per endpoint and per answering route;
/// - `GET /dashboard/api/requests?limit=N`: the newest requests (default 50, at most 200).
public struct DashboardRoutes<Context: RequestContext>: Sendable {
    public let recent: RecentRequests

    public init(recent: RecentRequests) {
        self.recent = recent
    }

    public func register(on router: Router<Context>) {
        router.get("/dashboard") { _, _ in
            Response(
                status: .ok,
                headers: [.contentType: "text/html; charset=utf-8", .cacheControl: "no-cache"],
                body: .init(byteBuffer: ByteBuffer(string: DashboardPage.html))
            )
        }
        router.get("/dashboard/api/summary") { _, _ in
            try Self.json(recent.summary())
        }
        router.get("/dashboard/api/requests") { request, _ in
            let limit = request.uri.queryParameters.get("limit", as: Int.self).map { min(max($0, 1), 200) } ?? 50
            return try Self.json(RecentList(requests: recent.latest(limit: limit).map(RecentList.Item.init)))
        }
    }

    private static func json(_ value: some Encodable) throws -> Response {
        let encoder = JSONEncoder()
        encoder.dateEncodingStrategy = .iso8601
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        let body = try encoder.encode(value)
        return Response(
            status: .ok,
            headers: [.contentType: "application/json", .cacheControl: "no-cache"],
            body: .init(byteBuffer: ByteBuffer(bytes: body))
        )
    }
}

/// `GET /dashboard/api/requests`.
struct RecentList: Encodable {
    struct Item: Encodable {
        var startedAt: Date
        var requestID: String
        var keyName: String?
        var model: String?
        /// The API called, as recorded: `chat`, `embeddings`, `messages` or `responses`.
        var endpoint: String
        var stream: Bool
        var provider: String?
        var attempts: [String]
        var status: Int
        var errorCode: String?
        var latencyMs: Double
        var ttftMs: Double?
        var promptTokens: Int?
        var completionTokens: Int?
        /// The routing rule that decided the route, if one matched.
        var rule: String?

        init(_ record: RequestRecord) {
            startedAt = record.startedAt
            requestID = record.requestID
            keyName = record.keyName
            model = record.requestedModel
            endpoint = record.endpoint
            stream = record.stream
            provider = record.provider
            attempts = record.attempts.map { "\($0.provider): \($0.skipReason.map { "skipped (\($0))" } ?? $0.outcome)" }
            status = record.status
            errorCode = record.errorCode
            latencyMs = RecentRequests.milliseconds(record.latency)
            ttftMs = record.timeToFirstToken.map(RecentRequests.milliseconds)
            promptTokens = record.promptTokens
            completionTokens = record.completionTokens
            rule = record.rule
        }

        enum CodingKeys: String, CodingKey {
            case stream, provider, attempts, status, model, endpoint, rule
            case startedAt = "started_at"
            case requestID = "request_id"
            case keyName = "key_name"
            case errorCode = "error_code"
            case latencyMs = "latency_ms"
            case ttftMs = "ttft_ms"
            case promptTokens = "prompt_tokens"
            case completionTokens = "completion_tokens"
        }
    }

    var requests: [Item]
}
