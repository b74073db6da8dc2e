public import Hummingbird
import HTTPTypes
public import LLMRouterCore
import Logging

/// Lets a request through only with one of the router's access keys, when there are any.
///
/// - `/` and `/health` stay open, for load balancers; every other path needs a key in
///   `Authorization: Bearer <key>` or `x-api-key`, answered 401 in OpenAI error JSON without one.
/// - `/admin/*` needs a key with `admin: true` (403 otherwise).
/// - Model routes (`/v1/*`, `/chat/*`) count against the key's requests per minute and tokens per
///   day (429 + `Retry-After` when spent).
///
/// The key found is put on the context (``RouterRequestContext/accessKey``) and its name on the
/// request's log lines (`llmrouter.key`).
public struct AccessKeyMiddleware<AppClock: Clock>: RouterMiddleware where AppClock.Duration == Duration {
    public typealias Context = RouterRequestContext

    let keys: AccessKeyStore
    let quota: KeyQuota<AppClock>

    public init(keys: AccessKeyStore, quota: KeyQuota<AppClock>) {
        self.keys = keys
        self.quota = quota
    }

    public func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let keys = keys.current
        guard keys.isEnabled else { return try await next(request, context) }
        let path = request.uri.path.split(separator: "/", omittingEmptySubsequences: true)
        if Self.isOpen(path) { return try await next(request, context) }
        guard let presented = Self.presentedKey(in: request.headers) else {
            context.logger.debug("request without an access key")
            throw OpenAIError.missingAPIKey()
        }
        guard let key = keys.authenticate(presented) else {
            context.logger.debug("request with an unknown access key")
            throw OpenAIError.invalidAPIKey()
        }
        var context = context
        context.accessKey = key
        context.logger[metadataKey: "llmrouter.key"] = .string(key.name)
        if path.first == "admin", !key.isAdmin {
            throw OpenAIError.adminKeyRequired()
        }
        if Self.isModelRoute(path), case .reject(let limit, let retryAfter) = quota.requestArrived(key) {
            context.logger.debug("access key over its limit", metadata: ["llmrouter.limit": "\(limit.rawValue)"])
            throw OpenAIError.keyLimitReached(limit, key: key.name, retryAfter: retryAfter)
        }
        return try await next(request, context)
    }

    /// `/` and `/health`: liveness for load balancers, which carry no key.
    static func isOpen(_ path: [Substring]) -> Bool {
        path.isEmpty || path == ["health"]
    }

    static func isModelRoute(_ path: [Substring]) -> Bool {
        path.first == "v1" || path.first == "chat"
    }

    /// The key in `Authorization: Bearer <key>`, else in `x-api-key`.
    static func presentedKey(in headers: HTTPFields) -> String? {
        if let authorization = headers[.authorization] {
            let parts = authorization.split(separator: " ", maxSplits: 1, omittingEmptySubsequences: true)
            if parts.count == 2, parts[0].lowercased() == "bearer" {
                let key = parts[1].trimmingWhitespace()
                if !key.isEmpty { return key }
            }
        }
        if let key = headers[.apiKey]?.trimmingWhitespace(), !key.isEmpty { return key }
        return nil
    }
}

extension HTTPField.Name {
    static let apiKey = Self("x-api-key")!
}
